using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OtpWall.Core.ApiKeys;

/// <summary>
/// A user's OTPWALL API key: 32 letters and digits. It never prints itself — <see cref="ToString"/>
/// gives the masked form — so a key cannot reach a log or a message by accident.
/// </summary>
public sealed partial class OtpWallApiKey : IEquatable<OtpWallApiKey>
{
    /// <summary>Length of every OTPWALL key.</summary>
    public const int Length = 32;

    /// <summary>The characters a key is made of.</summary>
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly string _value;

    private OtpWallApiKey(string value) => _value = value;

    /// <summary>The last four characters, the only part ever shown to a person.</summary>
    public string LastFour => _value[^4..];

    /// <summary>
    /// Tells this key apart from a person's other keys without revealing it: the first 16 hex digits of its SHA-256.
    /// Each activation records the fingerprint of the key that bought it.
    /// </summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_value)))[..FingerprintLength];

    public const int FingerprintLength = 16;

    /// <summary>The key as it may be shown: <c>••••abcd</c>.</summary>
    public string Masked => "••••" + LastFour;

    /// <summary>Whether the text (trimmed) has the shape of an OTPWALL key.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? candidate) =>
        candidate is not null && KeyPattern().IsMatch(candidate.Trim());

    /// <summary>Reads a key pasted by a person: surrounding white space is ignored.</summary>
    public static bool TryParse([NotNullWhen(true)] string? candidate, [NotNullWhen(true)] out OtpWallApiKey? key)
    {
        key = IsWellFormed(candidate) ? new OtpWallApiKey(candidate.Trim()) : null;
        return key is not null;
    }

    /// <summary>Reads a key, or throws a <see cref="FormatException"/> that does not contain the input.</summary>
    public static OtpWallApiKey Parse(string candidate) =>
        TryParse(candidate, out var key)
            ? key
            : throw new FormatException($"An OTPWALL API key is exactly {Length} letters and digits.");

    /// <summary>The secret itself, for the Authorization header and for encryption at rest only.</summary>
    public string Reveal() => _value;

    public override string ToString() => Masked;

    public bool Equals(OtpWallApiKey? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as OtpWallApiKey);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);

    [GeneratedRegex("^[A-Za-z0-9]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
