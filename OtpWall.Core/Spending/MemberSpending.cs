using OtpWall.Core.ApiKeys;

namespace OtpWall.Core.Spending;

/// <summary>What an administrator decided for one member: which keys they buy with, and their team-key limits.</summary>
public sealed class MemberSpending
{
    public required string UserId { get; set; }

    public KeyMode KeyMode { get; set; } = KeyMode.Own;

    /// <summary>The most the member may spend with the team key per day (in the instance's time zone); null: no limit.</summary>
    public decimal? DailyLimit { get; set; }

    /// <summary>The same per calendar month; null: no limit.</summary>
    public decimal? MonthlyLimit { get; set; }

    /// <summary>Whether the member may buy above the team's default price ceilings (<see cref="PriceCeilings"/>).</summary>
    public bool MayRaiseCeilings { get; set; }
}
