namespace OtpWall.Core.Notifications;

/// <summary>A person's webhook: where their events are POSTed, signed with a secret only they were shown.</summary>
public sealed class Webhook
{
    public const int UrlMaxLength = 2000;

    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Url { get; set; }

    /// <summary>The signing secret, encrypted with the key ring (Data Protection): it must be read back to sign.</summary>
    public required string ProtectedSecret { get; set; }

    /// <summary>The events sent, as their contract names separated by spaces.</summary>
    public required string Events { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Since when every delivery has failed (null: the last one succeeded).</summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>Paused after failing for a day: nothing is sent until its owner saves it again.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    public bool Sends(string @event) => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(@event);
}

/// <summary>
/// One message waiting to be delivered (the outbox): staged in the same database transaction as the change it tells of,
/// so nothing is lost in a stop, and delivered by one sender at a time (a lease), so nothing is sent twice by two
/// processes. Its delivery id stays the same on every attempt, for receivers to drop a repeat.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public Guid DeliveryId { get; set; }

    public required string UserId { get; set; }

    /// <summary>Where it goes: <c>webhook</c> or <c>telegram</c>.</summary>
    public string Channel { get; set; } = Channels.Webhook;

    /// <summary>The webhook it goes to (webhook messages).</summary>
    public Guid WebhookId { get; set; }

    /// <summary>The Telegram chat it goes to (Telegram messages).</summary>
    public long? ChatId { get; set; }

    /// <summary>The browser it goes to (push messages).</summary>
    public Guid? PushDeviceId { get; set; }

    public required string Event { get; set; }

    /// <summary>The JSON body, exactly as it is sent and signed.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>A sender holds it until then.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? GaveUpAt { get; set; }
}

/// <summary>One delivery attempt, for the owner's delivery log (the last 100 per webhook are kept).</summary>
public sealed class WebhookDelivery
{
    public const int Kept = 100;

    public long Id { get; set; }

    public Guid WebhookId { get; set; }

    public Guid DeliveryId { get; set; }

    public required string Event { get; set; }

    public int Attempt { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The receiver's HTTP status (null: no answer).</summary>
    public int? StatusCode { get; set; }

    public int DurationMs { get; set; }

    /// <summary>What went wrong, in a few words (never the body or the secret).</summary>
    public string? Error { get; set; }

    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>The channels a message can go through.</summary>
public static class Channels
{
    public const string Webhook = "webhook";
    public const string Telegram = "telegram";
    public const string Push = "push";
}

/// <summary>The events a person can be sent, by their contract names.</summary>
public static class NotificationEvents
{
    public const string CodeReceived = "code.received";
    public const string NumberExpired = "number.expired";
    public const string BalanceLow = "balance.low";
    public const string BudgetNearlyUsed = "budget.nearly_used";
    public const string TeamBalanceLow = "team.balance_low";
    public const string MemberDisabled = "member.disabled";
    public const string LeaseLost = "poller.lease_lost";
    public const string Test = "test";

    /// <summary>What a person can choose, with the words the page shows; the last three for administrators only.</summary>
    public static IReadOnlyList<(string Event, string Label)> Choosable { get; } =
    [
        (CodeReceived, "A code arrived (with the code and the number's last digits)"),
        (NumberExpired, "A number ended without an SMS (expired or cancelled automatically; refunded)"),
        (BalanceLow, "My OTPWALL balance went below my warning (set on Wallet)"),
        (BudgetNearlyUsed, "80 % of my team-key budget for the day or month is spent"),
        (TeamBalanceLow, "The team balance went below its warning (administrators)"),
        (MemberDisabled, "A member was disabled (administrators)"),
        (LeaseLost, "A replica lost the poller's lease (administrators)"),
    ];

    public static bool ForAdministratorsOnly(string @event) => @event is TeamBalanceLow or MemberDisabled or LeaseLost;

    /// <summary>The events a person may choose: administrators see all of them.</summary>
    public static IEnumerable<(string Event, string Label)> For(bool administrator) =>
        Choosable.Where(c => administrator || !ForAdministratorsOnly(c.Event));
}
