using System.ComponentModel.DataAnnotations;

namespace OtpWall.Core.Accounts;

/// <summary>Bound from <c>OtpWall:Registration</c>.</summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "OtpWall:Registration";

    /// <summary>The policy of a new instance, until an administrator changes it.</summary>
    public RegistrationPolicy DefaultPolicy { get; set; } = RegistrationPolicy.InviteOnly;

    /// <summary>How long an invite link stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);
}
