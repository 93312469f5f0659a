namespace OtpWall.Core.Accounts;

/// <summary>
/// One signed-in browser: every cookie carries its id, and every request and every open tab checks it is still open.
/// Signing out ends it; signing out everywhere, a password change or reset and disabling the account end them all.
/// </summary>
public sealed class UserSession
{
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it ended, in words ("signed out", "password changed", …).</summary>
    public string? EndReason { get; set; }

    /// <summary>Where the sign-in came from (trusted forwarded headers).</summary>
    public string? ClientAddress { get; set; }
}
