using System.ComponentModel.DataAnnotations;

namespace OtpWall.Dashboard.Components.Account.SingleSignOn;

/// <summary>
/// Sign-in through the team's identity provider (OpenID Connect), bound from <c>OtpWall:Sso</c>. Off until
/// <see cref="Authority"/> is set. Lists (<see cref="Scopes"/>, <see cref="AllowedDomains"/>) are separated by spaces or commas.
/// </summary>
public sealed class SsoOptions : IValidatableObject
{
    public const string SectionName = "OtpWall:Sso";

    /// <summary>The authentication scheme's name, and the login provider's name stored with each linked account.</summary>
    public const string Scheme = "oidc";

    /// <summary>Where the provider answers (its issuer), e.g. <c>https://auth.example.com/application/o/otpwall/</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client's secret; kept in configuration (an environment variable), never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>What the button says: "Sign in with ‹DisplayName›".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary><c>offline_access</c> asks for a refresh token, with which a person the provider removed is noticed here.</summary>
    public string Scopes { get; set; } = "openid profile email offline_access";

    /// <summary>E-mail domains whose people (a verified address) may join as members without an invite.</summary>
    public string AllowedDomains { get; set; } = "";

    /// <summary>Members of this group at the provider are administrators here; leaving it makes them members again.</summary>
    public string? AdminGroup { get; set; }

    /// <summary>The claim that lists a person's groups (<c>groups</c> for Authentik, Keycloak, Entra ID).</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Only the provider signs people in: password sign-in is hidden and refused, but for <see cref="BreakGlassEmail"/>.</summary>
    public bool Only { get; set; }

    /// <summary>The one administrator who may still sign in with a password when <see cref="Only"/> is set (the provider may be down).</summary>
    public string? BreakGlassEmail { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);

    public IReadOnlyList<string> ScopeList => Split(Scopes);

    public IReadOnlyList<string> DomainList => Split(AllowedDomains).Select(d => d.TrimStart('@').ToLowerInvariant()).ToList();

    /// <summary>Whether <paramref name="email"/> is of a domain that may join without an invite.</summary>
    public bool IsAllowedDomain(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        return at > 0 && DomainList.Contains(email![(at + 1)..].ToLowerInvariant());
    }

    /// <summary>Whether password sign-in is open to the person with this e-mail address.</summary>
    public bool AllowsPasswordSignIn(string? email) =>
        !Only || (!string.IsNullOrWhiteSpace(BreakGlassEmail) && string.Equals(email?.Trim(), BreakGlassEmail.Trim(), StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            if (Only) yield return new ValidationResult("OtpWall:Sso:Only needs OtpWall:Sso:Authority (an identity provider to sign in with).");
            yield break;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            yield return new ValidationResult("OtpWall:Sso:Authority must be the provider's address, e.g. https://auth.example.com/realms/team.");
        else if (authority.Scheme == "http" && !authority.IsLoopback)
            yield return new ValidationResult("OtpWall:Sso:Authority must use https (plain http only for a provider on this machine).");
        if (string.IsNullOrWhiteSpace(ClientId)) yield return new ValidationResult("OtpWall:Sso:ClientId is missing.");
        if (!ScopeList.Contains("openid")) yield return new ValidationResult("OtpWall:Sso:Scopes must include openid.");
        if (Only && string.IsNullOrWhiteSpace(BreakGlassEmail))
            yield return new ValidationResult("OtpWall:Sso:Only needs OtpWall:Sso:BreakGlassEmail: the administrator who can still sign in when the provider is down.");
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
