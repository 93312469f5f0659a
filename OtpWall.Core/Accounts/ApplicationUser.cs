using Microsoft.AspNetCore.Identity;

namespace OtpWall.Core.Accounts;

/// <summary>A person on this dashboard instance.</summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>Set by an administrator: the user cannot sign in and open sessions end.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the person last signed in (any device).</summary>
    public DateTimeOffset? LastSignInAt { get; set; }
}
