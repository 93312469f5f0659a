namespace OtpWall.Core.Activations;

/// <summary>
/// A number a user rented, as the dashboard records it. OTPWALL has no "list my activations" call, so this row is
/// the only record of what was bought: it is written before the purchase is sent and never deleted once sent.
/// </summary>
public sealed class Activation
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>The id the page generated for this purchase: the same attempt is never bought twice.</summary>
    public Guid PurchaseAttemptId { get; set; }

    /// <summary>OTPWALL's id, unknown while the purchase is in flight or when its outcome is unknown.</summary>
    public string? UpstreamId { get; set; }

    public string? Number { get; set; }

    public required string Service { get; set; }

    public required string ServiceName { get; set; }

    public required string Country { get; set; }

    public required string CountryName { get; set; }

    public ActivationStatus Status { get; set; }

    /// <summary>The fingerprint of the key that bought it: it is followed, completed and cancelled with that key only.</summary>
    public string? KeyFingerprint { get; set; }

    /// <summary>Whose account paid: the buyer's own key or the team key (the fingerprint says which of its keys).</summary>
    public ApiKeys.Payer Payer { get; set; }

    public string? RawStatus { get; set; }

    /// <summary>The code extracted from the latest SMS.</summary>
    public string? Code { get; set; }

    public decimal? Price { get; set; }

    public string? Currency { get; set; }

    /// <summary>
    /// The price could not be measured (another purchase or refund of the same account moved its balance at the same
    /// time): it is the pair's last known price.
    /// </summary>
    public bool PriceEstimated { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>When its first SMS arrived (pair insights read time to code from it without reading the messages).</summary>
    public DateTimeOffset? FirstSmsAt { get; set; }

    /// <summary>When the poller asks OTPWALL next; null when nothing more is expected.</summary>
    public DateTimeOffset? NextPollAt { get; set; }

    /// <summary>Cancelled by the dashboard because no SMS came in time (the user is told).</summary>
    public bool AutoCancelled { get; set; }

    /// <summary>An outcome-unknown purchase the user has looked into; it leaves the live page, stays in history.</summary>
    public bool Dismissed { get; set; }

    /// <summary>A sentence for the user about what happened (why the outcome is unknown, an automatic cancel).</summary>
    public string? Note { get; set; }

    /// <summary>The paying account's balance just before the purchase was sent ("12.34 USD"), for a purchase whose outcome is unknown.</summary>
    public string? BalanceBefore { get; set; }

    /// <summary>The name of the API token it was bought through; null when bought on the pages.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Why the poller cannot follow it right now (OTPWALL unreachable, the key unreadable); null when all is well.</summary>
    public string? FollowProblem { get; set; }

    /// <summary>What rows being sent said before they had a status of their own (<see cref="ActivationStatus.Buying"/>).</summary>
    public const string InFlightNote = "The purchase is being sent to OTPWALL.";

    /// <summary>What a number cancelled at once because it cost more than the purchase's price ceiling says.</summary>
    public static string OverCeilingNote(string price, string ceiling) =>
        $"{OverCeilingPrefix}it cost {price}, above the price ceiling of {ceiling}. OTPWALL refunds it.";

    public const string OverCeilingPrefix = "Cancelled at once: ";

    /// <summary>What a card says of a number OTPWALL answers "not found" for, again and again (then it can be dismissed).</summary>
    public const string NotKnownProblem =
        "OTPWALL no longer knows this number (it answers \"not found\"), so it cannot be followed, completed or cancelled here. " +
        "Look for it in OTPWALL (in the sandbox, a number from before its books were kept is gone). You can hide it here; it stays in History.";

    public List<ActivationMessage> Messages { get; set; } = [];
}

/// <summary>One SMS an activation received.</summary>
public sealed class ActivationMessage
{
    public long Id { get; set; }

    public Guid ActivationId { get; set; }

    public required string Text { get; set; }

    public string? Code { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>A service and country a user stars for one-click buying.</summary>
public sealed class FavouritePair
{
    public required string UserId { get; set; }

    public required string Service { get; set; }

    public required string ServiceName { get; set; }

    public required string Country { get; set; }

    public required string CountryName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user's choices about activations.</summary>
public sealed class ActivationPreferences
{
    public required string UserId { get; set; }

    /// <summary>Cancel an activation that got no SMS before it expires, so the price is refunded. On by default.</summary>
    public bool AutoCancelUnanswered { get; set; } = true;

    /// <summary>Ask before a one-click buy from a favourite or recent chip. Off by default.</summary>
    public bool ConfirmQuickBuys { get; set; }

    /// <summary>
    /// Below this balance the app bar's balance turns into a warning; null: never. Kept in this row with the person's other
    /// choices, read and set only through <see cref="Wallet.LowBalanceWarnings"/>.
    /// </summary>
    public decimal? LowBalanceThreshold { get; set; }
}

/// <summary>When OTPWALL last said it had no numbers for a service and country (for everyone on this instance).</summary>
public sealed class PairShortage
{
    public required string Service { get; set; }

    public required string Country { get; set; }

    public DateTimeOffset LastNoNumbersAt { get; set; }
}
