using System.ComponentModel.DataAnnotations;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>Bound from <c>OtpWall:Accounts</c>.</summary>
public sealed class AccountSecurityOptions
{
    public const string SectionName = "OtpWall:Accounts";

    /// <summary>Sign-in and registration posts one client address may make per minute before getting 429.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 10;

    /// <summary>How often open sessions are checked against the account (disabled, password changed).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
