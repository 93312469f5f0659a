namespace OtpWall.Core.Wallet;

/// <summary>Why a wallet reading has no fresh balance.</summary>
public enum WalletProblem
{
    NoKey,
    KeyUnreadable,
    BadKey,
    RateLimited,
    UpstreamDown,
}

/// <summary>
/// What the dashboard knows of a user's wallet. After a failure, <see cref="Balance"/> is still the last good
/// one (read at <see cref="BalanceReadAt"/>), so a person sees both the figure and why it may be stale.
/// </summary>
public sealed record WalletReading(
    Balance? Balance,
    DateTimeOffset? BalanceReadAt,
    DateTimeOffset CheckedAt,
    DateTimeOffset NextReadAt,
    WalletProblem? Problem = null,
    string? Message = null);

/// <summary>A new reading of an account's wallet (<see cref="UserId"/>: a person, or <c>team</c>): every open tab that shows it follows.</summary>
public sealed record WalletRead(string UserId, WalletReading Reading) : LiveUpdates.IUserChange;
