using OtpWall.Core.ApiKeys;

namespace OtpWall.Core.Activations.Changes;

/// <summary>How an activation came to change: which code path committed it.</summary>
public enum ChangePath
{
    /// <summary>A purchase: recorded as being sent, then bought, refused (the record goes) or of unknown outcome.</summary>
    Purchase,

    /// <summary>The poller read what OTPWALL says now (an SMS, an expiry, a refund, a problem following it).</summary>
    Poll,

    /// <summary>The poller cancelled a number that got no SMS in time.</summary>
    AutoCancel,

    /// <summary>Its owner completed or cancelled it.</summary>
    UserAction,

    /// <summary>Its owner gave a purchase of unknown outcome its OTPWALL activation id.</summary>
    Attach,

    /// <summary>Its owner hid it from the live page (it stays in History).</summary>
    Dismiss,

    /// <summary>After a stop, a purchase that was being sent was marked as of unknown outcome.</summary>
    Recovery,

    /// <summary>What keeps the poller from following it changed (written only when it changes).</summary>
    FollowProblem,

    /// <summary>Another replica committed it; only what this process keeps of it (pages, the poller, caches) follows here.</summary>
    OtherReplica,
}

/// <summary>A cancel's refund, for the ledger of balance movements.</summary>
/// <param name="StartedMovement">The ledger's movement written before the cancel was sent; null: a refund OTPWALL made on its own, noted now.</param>
/// <param name="AmountKnown">Whether the activation's status after it was read, so the refunded amount is known.</param>
public sealed record RefundMovement(long? StartedMovement, bool AmountKnown);

/// <summary>
/// One activation change, emitted by <see cref="ActivationCommits"/> after it is saved: whose, which, from what status
/// to what, whether a code arrived and whether it closed, and what money moved. Effects subscribe to it
/// (<see cref="IActivationEffect"/>); none is called at the write site.
/// </summary>
/// <param name="From">Its status before (null: it was just recorded).</param>
/// <param name="To">Its status now (null: the record is gone, a purchase that bought nothing).</param>
/// <param name="Changed">Something the owner's pages show changed.</param>
/// <param name="Closed">This change closed it (completed, cancelled or expired for good).</param>
/// <param name="Asked">For a user action, the status the owner asked for.</param>
/// <param name="ObservedAt">For a poll, when the poll began (how late a code reached the page is measured from it).</param>
/// <param name="Activation">The record as saved (read-only for effects); null for another replica's change.</param>
public sealed record ActivationChanged(
    string UserId,
    Guid ActivationId,
    Payer Payer,
    ChangePath Path,
    ActivationStatus? From,
    ActivationStatus? To,
    bool Changed,
    bool CodeArrived,
    bool Closed,
    ActivationStatus? Asked,
    RefundMovement? Refund,
    DateTimeOffset? ObservedAt,
    Activation? Activation)
{
    /// <summary>The balance this activation's money moves in (the person's own account, or the team key's).</summary>
    public string Account => PayingKeys.AccountOf(UserId, Payer);

    public bool IsLocal => Path != ChangePath.OtherReplica;
}

/// <summary>What a write site says about its change; the commit point reads the rest from what it saves.</summary>
/// <param name="Changed">Whether the owner's pages show anything new (a poll that only reschedules changes nothing).</param>
public sealed record ActivationCommit(
    ChangePath Path,
    bool Changed = true,
    bool CodeArrived = false,
    ActivationStatus? Asked = null,
    RefundMovement? Refund = null,
    DateTimeOffset? ObservedAt = null);

/// <summary>Something that follows every committed activation change (one small class per effect).</summary>
public interface IActivationEffect
{
    /// <summary>Runs after the change is saved; must not throw for a change it has nothing to do with.</summary>
    Task ApplyAsync(ActivationChanged change);
}
