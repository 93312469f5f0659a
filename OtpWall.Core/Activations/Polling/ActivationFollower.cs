using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// Follows one activation per call: asks OTPWALL about it with the key that bought it (decrypted keys kept briefly),
/// and when the answer changed anything, or the end of the rental is near, brings the record up to date through the
/// commit point. An answer that changes nothing costs no database work. A number without SMS near the end of its
/// lifetime is cancelled (when its owner allows it) so the price is refunded; one OTPWALL gave no final word on long
/// after it ended is closed here. What keeps a number from being followed is shown on its card.
/// </summary>
public sealed partial class ActivationFollower(
    IDbContextFactory<OtpWallDbContext> databases,
    LiveUpdates.ChangeBus bus,
    PayingKeys keys,
    OtpWallClientFactory clients,
    BalanceMovements movements,
    BuyPreferences preferences,
    ActivationCommits commits,
    Diagnostics.OtpWallMetrics metrics,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<ActivationFollower> logger) : IDisposable
{
    private readonly PollerKeyCache _keys = new(bus, keys, time, options.Value.KeyCacheLifetime);

    /// <summary>Decrypted keys in memory now (tests check that a changed key is dropped).</summary>
    internal int CachedKeys => _keys.Count;

    /// <summary>One poll of <paramref name="tracked"/>; returns when the next one is due (null: no more, or followed on as the
    /// record just committed). A key OTPWALL rate-limits is paused in <paramref name="schedule"/>.</summary>
    internal async Task<DateTimeOffset?> FollowAsync(TrackedActivation tracked, PollSchedule schedule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (await _keys.GetAsync(tracked.UserId, tracked.Payer, tracked.KeyFingerprint, cancellationToken) is not { } key)
        {
            await ShowProblemAsync(tracked, tracked.Payer == Payer.Team
                ? "The team key that bought this number can no longer be decrypted, so the dashboard cannot follow it. An administrator must enter the team key again on the Team page."
                : "The key that bought this number can no longer be decrypted (the server's key ring changed), so the dashboard cannot follow it. Enter your key again on the API key page.",
                cancellationToken);
            return now + settings.MaxErrorBackoff;
        }

        metrics.PollLag(now - tracked.DueAt);
        var client = clients.Create();
        var nearEnd = now >= tracked.ExpiresAt - settings.AutoCancelMargin;
        ActivationSnapshot? snapshot = null;
        try
        {
            if (!nearEnd || tracked.Status != ActivationStatus.Waiting || tracked.LatestSms is not null || tracked.AutoCancelled)
            {
                metrics.StatusRead();
                snapshot = await client.GetActivationAsync(key, tracked.UpstreamId, cancellationToken);
            }
        }
        catch (OtpWallRateLimitedException ex)
        {
            var until = now + (ex.RetryAfter is { } retryAfter && retryAfter > settings.FastPollInterval ? retryAfter : settings.SlowPollInterval);
            schedule.PauseKey(tracked.KeyId, until);
            return until;
        }
        catch (OtpWallException ex)
        {
            tracked.Failures++;
            if (tracked.Failures >= ActivationPoller.FailuresBeforeProblem && ex is OtpWallNotFoundException)
                await ShowProblemAsync(tracked, Activation.NotKnownProblem, cancellationToken);
            else if (tracked.Failures >= ActivationPoller.FailuresBeforeProblem && tracked.Status == ActivationStatus.Waiting)
                await ShowProblemAsync(tracked, $"OTPWALL cannot be reached right now ({ex.Message}), so an SMS may be late to show. The dashboard keeps trying.", cancellationToken);
            if (now < tracked.ExpiresAt + settings.ExpiryGrace) return ActivationUpdates.Backoff(tracked.Failures, now, settings);
            return await RecordAsync(tracked, null, client, key, now, cancellationToken);
        }

        tracked.Failures = 0;
        if (tracked.FollowProblem is not null) await ShowProblemAsync(tracked, null, cancellationToken);
        if (snapshot is not null && tracked.Matches(snapshot) && now < tracked.ExpiresAt + settings.ExpiryGrace)
            return ActivationUpdates.NextPoll(tracked.Status, tracked.CreatedAt, tracked.Anchor, now, settings);
        return await RecordAsync(tracked, snapshot, client, key, now, cancellationToken);
    }

    // Something changed, or the end is near: the recorded activation is brought up to date, and its owner told.
    private async Task<DateTimeOffset?> RecordAsync(
        TrackedActivation tracked, ActivationSnapshot? snapshot, OtpWallClient client, OtpWallApiKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var activation = await db.Activations.Include(a => a.Messages).SingleOrDefaultAsync(a => a.Id == tracked.Id, cancellationToken);
        if (activation is null || activation.Status.IsFinal() || activation.UpstreamId is null) return null;

        var account = PayingKeys.AccountOf(activation.UserId, activation.Payer);
        var autoCancel = snapshot is null ? await CancelIfUnansweredAsync(activation, account, client, key, now, cancellationToken) : null;
        var autoCancelled = autoCancel is not null;
        if (snapshot is null)
        {
            try
            {
                metrics.StatusRead();
                snapshot = await client.GetActivationAsync(key, activation.UpstreamId, cancellationToken);
            }
            catch (OtpWallException) when (now < activation.ExpiresAt + options.Value.ExpiryGrace)
            {
                return ActivationUpdates.Backoff(++tracked.Failures, now, options.Value);
            }
            catch (OtpWallException)
            {
            }
        }
        var (changed, codeArrived) = snapshot is null ? (false, false) : ActivationUpdates.Apply(activation, snapshot, now);
        // The ledger learns what came back: the automatic cancel's refund (unknown if its status could not be read), or
        // a refund OTPWALL made on its own (an expiry, a cancel on OTPWALL's site).
        var refund = autoCancel is { } movement ? new RefundMovement(movement, snapshot is not null)
            : activation.Status is ActivationStatus.Cancelled or ActivationStatus.Expired && changed ? new RefundMovement(null, true) : null;
        if (activation.Status.IsFinal())
        {
        }
        else if (CloseIfLongExpired(activation, now))
        {
            changed = true;
        }
        else
        {
            activation.NextPollAt = ActivationUpdates.NextPoll(activation.Status, activation.CreatedAt, tracked.Anchor, now, options.Value);
        }
        // Saved, then followed on as the updated record (or no more), its owner's pages told, the ledger, the audit...
        await commits.CommitAsync(db, activation, new ActivationCommit(autoCancelled ? ChangePath.AutoCancel : ChangePath.Poll,
            changed || autoCancelled, codeArrived, Refund: refund, ObservedAt: now));
        return null;
    }

    // Tells the owner's pages what keeps this number from being followed (or that nothing does any more): written only
    // when it changes, so a long outage costs one write, not one per poll.
    private async Task ShowProblemAsync(TrackedActivation tracked, string? problem, CancellationToken cancellationToken)
    {
        if (tracked.FollowProblem == problem) return;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.Activations.SingleOrDefaultAsync(a => a.Id == tracked.Id, cancellationToken) is not { } activation) return;
        activation.FollowProblem = problem;
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.FollowProblem));
        tracked.FollowProblem = problem;
    }

    // No SMS and the end of the rental is near: cancel, so OTPWALL refunds rather than keeps the price.
    // Returns the ledger's movement of the cancel that was sent (settled once its status is read), or null when none was.
    private async Task<long?> CancelIfUnansweredAsync(
        Activation activation, string account, OtpWallClient client, OtpWallApiKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (activation.Status != ActivationStatus.Waiting || activation.Messages.Count > 0 ||
            now < activation.ExpiresAt - options.Value.AutoCancelMargin || activation.AutoCancelled)
            return null;
        if (!await preferences.AutoCancelUnansweredAsync(activation.UserId, cancellationToken)) return null;
        // Written before the cancel leaves: a purchase of the same account measuring its price meanwhile allows for it.
        var movement = await movements.StartAsync(account, activation.Id, cancellationToken);
        try
        {
            await client.CancelAsync(key, activation.UpstreamId!, cancellationToken);
            activation.AutoCancelled = true;
            activation.Note = "No SMS came in time, so the dashboard cancelled this number and OTPWALL refunds its price.";
            activation.UpdatedAt = now;
            LogAutoCancelled(logger, activation.Id);
            return movement; // counted and audited once the cancel is saved
        }
        catch (OtpWallException)
        {
            // An SMS may have just arrived (409), or OTPWALL is busy: the next poll shows which. Whether money came back is
            // not known, so a purchase measuring itself meanwhile counts its price high.
            await movements.SettleAsync(movement, account, null);
            return null;
        }
    }

    // OTPWALL gave no final word long after the rental ended: close it here so it stops being polled.
    private bool CloseIfLongExpired(Activation activation, DateTimeOffset now)
    {
        if (now < activation.ExpiresAt + options.Value.ExpiryGrace) return false;
        activation.Status = activation.Status == ActivationStatus.Received ? ActivationStatus.Completed : ActivationStatus.Expired;
        activation.Note ??= "OTPWALL gave no final status after the rental ended, so the dashboard closed this activation.";
        activation.ClosedAt = now;
        activation.UpdatedAt = now;
        activation.NextPollAt = null;
        return true;
    }

    public void Dispose() => _keys.Dispose();

    [LoggerMessage(LogLevel.Information, "Activation {ActivationId} got no SMS in time and was cancelled automatically")]
    private static partial void LogAutoCancelled(ILogger logger, Guid activationId);
}
