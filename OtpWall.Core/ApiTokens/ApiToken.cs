using System.Security.Cryptography;
using System.Text;

namespace OtpWall.Core.ApiTokens;

/// <summary>What a personal API token may do.</summary>
public enum ApiTokenScope
{
    /// <summary>Balance, catalogue and the status of the person's own activations.</summary>
    Read,

    /// <summary>All of <see cref="Read"/>, and buy, complete and cancel.</summary>
    Buy,
}

/// <summary>How long a new token works.</summary>
public enum ApiTokenLifetime
{
    Days30,
    Days90,
    Year,
    Never,
}

/// <summary>
/// A person's API token for <c>/api/v1</c>. Only the SHA-256 of the token is stored (it has the shape of an OTPWALL key:
/// 32 random letters and digits, about 190 bits, so a fast hash is enough); the token itself is shown once.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    public required string Hash { get; set; }

    public ApiTokenScope Scope { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When it was last used (written at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>The client address of that use.</summary>
    public string? LastUsedFrom { get; set; }

    public const int NameMaxLength = 60;

    internal static byte[] HashBytes(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    internal static string HashOf(string token) => Convert.ToHexStringLower(HashBytes(token));
}

public static class ApiTokenNames
{
    /// <summary>The names the page and tests use: <c>read</c> or <c>buy</c>.</summary>
    public static string ToContractName(this ApiTokenScope scope) => scope == ApiTokenScope.Buy ? "buy" : "read";

    public static ApiTokenScope? ScopeFromContractName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "read" => ApiTokenScope.Read,
        "buy" => ApiTokenScope.Buy,
        _ => null,
    };

    /// <summary>What a person reads: "read-only", "buy and manage".</summary>
    public static string Describe(this ApiTokenScope scope) => scope == ApiTokenScope.Buy ? "buy and manage" : "read-only";

    /// <summary>The form values: <c>30d</c>, <c>90d</c>, <c>1y</c>, <c>never</c>.</summary>
    public static string ToContractName(this ApiTokenLifetime lifetime) => lifetime switch
    {
        ApiTokenLifetime.Days30 => "30d",
        ApiTokenLifetime.Days90 => "90d",
        ApiTokenLifetime.Year => "1y",
        _ => "never",
    };

    public static ApiTokenLifetime? LifetimeFromContractName(string? name) =>
        Enum.GetValues<ApiTokenLifetime>().Cast<ApiTokenLifetime?>().FirstOrDefault(l => l!.Value.ToContractName() == name?.Trim().ToLowerInvariant());

    public static string Describe(this ApiTokenLifetime lifetime) => lifetime switch
    {
        ApiTokenLifetime.Days30 => "30 days",
        ApiTokenLifetime.Days90 => "90 days",
        ApiTokenLifetime.Year => "a year",
        _ => "no expiry",
    };

    internal static DateTimeOffset? ExpiryFrom(this ApiTokenLifetime lifetime, DateTimeOffset now) => lifetime switch
    {
        ApiTokenLifetime.Days30 => now.AddDays(30),
        ApiTokenLifetime.Days90 => now.AddDays(90),
        ApiTokenLifetime.Year => now.AddYears(1),
        _ => null,
    };
}

/// <summary>A token as the pages list it (never its value).</summary>
public sealed record ApiTokenSummary(
    Guid Id, string UserId, string? OwnerEmail, string Name, ApiTokenScope Scope, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, string? LastUsedFrom)
{
    public bool HasExpired(DateTimeOffset now) => ExpiresAt <= now;
}

/// <summary>A token just created: <see cref="Value"/> is shown once and never again.</summary>
public sealed record CreatedApiToken(string Value, ApiTokenSummary Token);

/// <summary>Who a request with a valid token acts for.</summary>
public sealed record ApiCaller(Guid TokenId, string UserId, string TokenName, ApiTokenScope Scope, DateTimeOffset? ExpiresAt)
{
    public bool MayBuy => Scope == ApiTokenScope.Buy;
}
