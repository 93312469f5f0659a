namespace OtpWall.Core.Wallet;

/// <summary>
/// Something other than a purchase measuring itself that moved (or may move) an account's balance: a cancel's refund,
/// an expiry's refund, a purchase of unknown outcome. Kept in the database, so a purchase measuring its price on one
/// replica sees what the poller or a person's cancel did on another. Rows are kept a day.
/// </summary>
public sealed class AccountMovement
{
    public long Id { get; set; }

    /// <summary>The account, as <see cref="ApiKeys.PayingKeys.AccountOf"/> names it (a user id, or the team's).</summary>
    public required string Account { get; set; }

    public Guid? ActivationId { get; set; }

    /// <summary>What came back to the account (0 when nothing did); null while unknown (a cancel still in flight, an unknown outcome).</summary>
    public decimal? Refunded { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When its effect on the balance was known; null while it is in flight.</summary>
    public DateTimeOffset? SettledAt { get; set; }
}
