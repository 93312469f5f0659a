namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// What the poller keeps in memory of one open activation: enough to ask OTPWALL about it and to tell whether the
/// answer changed anything, so an unchanged answer costs no database work at all.
/// </summary>
internal sealed class TrackedActivation
{
    public required Guid Id { get; init; }

    public required string UserId { get; init; }

    public required string UpstreamId { get; init; }

    public string? KeyFingerprint { get; init; }

    public ApiKeys.Payer Payer { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public ActivationStatus Status { get; init; }

    public string? RawStatus { get; init; }

    public string? LatestSms { get; init; }

    public bool AutoCancelled { get; init; }

    /// <summary>When this poll was meant to happen; the next one is anchored to it, so lateness does not add up.</summary>
    public DateTimeOffset Anchor { get; set; }

    /// <summary>Failed polls in a row (backoff); kept in memory only.</summary>
    public int Failures { get; set; }

    /// <summary>When the poll just taken was due (its lag is measured against it).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>What the owner is told stops it from being followed (as recorded); null when nothing does.</summary>
    public string? FollowProblem { get; set; }

    /// <summary>The read budget it is polled under: one per key, so a person's replaced key keeps its own.</summary>
    public string KeyId => KeyFingerprint is null ? Account : Account + "/" + KeyFingerprint;

    /// <summary>The account that pays: the team key is one account, read under one budget, whoever bought with it.</summary>
    public string Account => ApiKeys.PayingKeys.AccountOf(UserId, Payer);

    /// <summary>Whether OTPWALL's answer says the same as what is recorded.</summary>
    public bool Matches(ActivationSnapshot snapshot) =>
        snapshot.Status == Status && snapshot.RawStatus == RawStatus && (snapshot.Sms is null || snapshot.Sms == LatestSms);

    public static TrackedActivation From(Activation activation, DateTimeOffset anchor) => new()
    {
        Id = activation.Id, UserId = activation.UserId, UpstreamId = activation.UpstreamId!, KeyFingerprint = activation.KeyFingerprint, Payer = activation.Payer,
        CreatedAt = activation.CreatedAt, ExpiresAt = activation.ExpiresAt, Status = activation.Status, RawStatus = activation.RawStatus,
        LatestSms = activation.Messages.MaxBy(m => m.ReceivedAt)?.Text, AutoCancelled = activation.AutoCancelled, Anchor = anchor, FollowProblem = activation.FollowProblem,
    };
}
