using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations;

/// <summary>
/// The one poller of the server. It keeps every open activation in an in-memory schedule (rebuilt from the database at
/// start) and keeps polls going as they fall due: no rounds, no fixed sleep, as many in flight as the load and OTPWALL's
/// round trip need (up to a cap). Each poll is anchored to the one before, so lateness does not add up; an answer that
/// changes nothing costs no database work; people are served fairly and each key stays under a ceiling of reads per
/// second. What changed is written, and pushed to the owner's open pages. A number without SMS near the end of its
/// lifetime is cancelled (when its owner allows it) so the price is refunded.
/// </summary>
public sealed partial class ActivationPoller(
    IDbContextFactory<OtpWallDbContext> databases,
    DatabaseReadiness readiness,
    ApiKeyVault vault,
    TeamKeyVault teamVault,
    PayingKeys keys,
    OtpWallClientFactory clients,
    BalanceMovements movements,
    BuyPreferences preferences,
    ActivationCommits commits,
    Data.PostgreSql.PollerLease lease,
    Data.DatabaseGates gates,
    Diagnostics.OtpWallMetrics metrics,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<ActivationPoller> logger) : BackgroundService
{
    private readonly PollSchedule _schedule = new(options.Value.MaxReadsPerKeyPerSecond);
    private readonly PollerKeyCache _keys = new(vault, teamVault, keys, time, options.Value.KeyCacheLifetime);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Guid> _changedElsewhere = new();
    private volatile bool _loaded;
    private volatile bool _polling = !lease.IsShared;
    private int _inFlight;

    /// <summary>
    /// Whether this process polls now: always with SQLite; with PostgreSQL only the replica holding the poller's lease.
    /// </summary>
    public bool IsPolling => _polling;

    /// <summary>What the poller follows now, by status (read from memory by the open-activations gauge).</summary>
    public IEnumerable<(string Status, long Count)> OpenByStatus() => _schedule.CountByStatus();

    /// <summary>Polls failing in a row before a card says OTPWALL cannot be reached (about half a minute at the fast pace).</summary>
    internal const int FailuresBeforeProblem = 3;

    /// <summary>What a card says of a number OTPWALL answers "not found" for, again and again (then it can be dismissed).</summary>
    public const string NotKnownProblem =
        "OTPWALL no longer knows this number (it answers \"not found\"), so it cannot be followed, completed or cancelled here. " +
        "Look for it in OTPWALL (in the sandbox, a number from before its books were kept is gone). You can hide it here; it stays in History.";

    /// <summary>Starts following an activation that was just bought or changed by its owner (or stops, when it ended).</summary>
    public void Track(Activation activation)
    {
        if (!_polling) return; // the replica holding the poller's lease hears of it (ChangedElsewhere)
        if (activation.UpstreamId is null || activation.NextPollAt is not { } due) _schedule.Forget(activation.Id);
        else _schedule.Track(TrackedActivation.From(activation, due));
        Wake();
    }

    /// <summary>
    /// Another replica bought, changed or closed this activation: the replica that polls reads it again from the database
    /// and follows it on (or stops). Never waits.
    /// </summary>
    public void ChangedElsewhere(Guid activationId)
    {
        if (!_polling) return;
        _changedElsewhere.Enqueue(activationId);
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(options.Value.StartDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await readiness.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lastSync = time.GetUtcNow();
        // The lease's times are read from the monotonic clock (time.GetTimestamp), which a wall-clock step cannot move.
        var leaseDue = 0L;
        long? renewedAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (lease.IsShared)
                {
                    if (time.GetTimestamp() >= leaseDue) (leaseDue, renewedAt) = await KeepLeaseAsync(renewedAt, stoppingToken);
                    // Checked on every round, not only when the lease was tried: a wait can end a little before the
                    // next try is due (timers and clocks drift apart), and a replica without the lease must not then
                    // load and poll what the holder follows.
                    if (!_polling)
                    {
                        var pause = time.GetElapsedTime(time.GetTimestamp(), leaseDue);
                        await Task.Delay(pause > TimeSpan.FromMilliseconds(5) ? pause : TimeSpan.FromMilliseconds(5), time, stoppingToken);
                        continue;
                    }
                }
                await EnsureLoadedAsync(stoppingToken);
                await FollowChangesElsewhereAsync(stoppingToken);
                if (time.GetUtcNow() - lastSync >= options.Value.ResyncInterval)
                {
                    await LoadAsync(stoppingToken);
                    lastSync = time.GetUtcNow();
                }
                var now = time.GetUtcNow();
                while (Volatile.Read(ref _inFlight) < options.Value.MaxConcurrentPolls && _schedule.TryTakeDue(now, out var due))
                {
                    Interlocked.Increment(ref _inFlight);
                    _ = RunAsync(due, stoppingToken);
                }
                // At the cap, the next finished poll wakes the loop; otherwise the next due poll does.
                var wait = Volatile.Read(ref _inFlight) >= options.Value.MaxConcurrentPolls ? TimeSpan.FromSeconds(1)
                    : _schedule.NextDue() is { } next ? next - time.GetUtcNow() : TimeSpan.FromSeconds(1);
                await _wake.WaitAsync(TimeSpan.FromTicks(Math.Clamp(wait.Ticks, TimeSpan.FromMilliseconds(5).Ticks, TimeSpan.TicksPerSecond)), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                if (_polling && lease.IsShared) await GiveUpLeaseAsync();
                return;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Takes or renews the poller's lease (PostgreSQL). A holder that cannot reach the database keeps polling only while
    // its last renewal surely still holds, then stops: by then another replica may have taken over. Returns when to
    // try next and when the lease was last renewed (timestamps of time.GetTimestamp). A renewal counts from when it was
    // sent: the database set its expiry from its own clock no earlier than that, however long the answer took.
    private async Task<(long Next, long? RenewedAt)> KeepLeaseAsync(long? renewedAt, CancellationToken cancellationToken)
    {
        var sentAt = time.GetTimestamp();
        bool held;
        try
        {
            held = await lease.TryHoldAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLeaseFailed(logger, ex);
            held = false;
        }
        if (held) renewedAt = sentAt;
        var polling = held || (_polling && renewedAt is { } renewed
            && time.GetElapsedTime(renewed) < Data.PostgreSql.PollerLease.Duration - Data.PostgreSql.PollerLease.RenewEvery);
        if (polling != _polling)
        {
            // Taking over: everything open is read from the database afresh. Handing over: nothing is followed here.
            _schedule.Clear();
            _loaded = false;
            _polling = polling;
            if (polling) LogLeaseTaken(logger, lease.Holder);
            else LogLeaseLost(logger, lease.Holder);
        }
        return (time.GetTimestamp() + (long)(Data.PostgreSql.PollerLease.RenewEvery.TotalSeconds * time.TimestampFrequency), renewedAt);
    }

    private async Task GiveUpLeaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await lease.ReleaseAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            LogLeaseFailed(logger, ex);
        }
    }

    // What other replicas bought or changed since the last round: read again and followed on (or dropped).
    private async Task FollowChangesElsewhereAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        while (ids.Count < 500 && _changedElsewhere.TryDequeue(out var id)) ids.Add(id);
        if (ids.Count == 0) return;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var activations = await db.Activations.AsNoTracking().Include(a => a.Messages).Where(a => ids.Contains(a.Id)).ToListAsync(cancellationToken);
        foreach (var activation in activations)
        {
            if (activation.UpstreamId is null || activation.NextPollAt is not { } due) _schedule.Forget(activation.Id);
            // One already followed keeps its pace (the stored next poll is not rewritten by every poll, so it may be past).
            else if (!_schedule.IsTracked(activation.Id)) _schedule.Track(TrackedActivation.From(activation, due));
        }
    }

    /// <summary>Every poll due now, all at once, awaited (tests drive the poller with this under a fake clock).</summary>
    internal async Task PollDueAsync(CancellationToken cancellationToken)
    {
        _polling = true; // the test is the one poller, whatever the lease says
        await EnsureLoadedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var polls = new List<Task>();
        while (_schedule.TryTakeDue(now, out var due)) polls.Add(PollAsync(due, cancellationToken));
        await Task.WhenAll(polls);
    }

    private async Task RunAsync(TrackedActivation activation, CancellationToken cancellationToken)
    {
        try
        {
            await PollAsync(activation, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Wake();
        }
    }

    private async Task PollAsync(TrackedActivation activation, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        try
        {
            next = await FollowAsync(activation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was not saved is read again from OTPWALL after the restart.
        }
        catch (Exception ex)
        {
            LogPollFailed(logger, ex);
            next = time.GetUtcNow() + options.Value.MaxErrorBackoff;
        }
        finally
        {
            _schedule.Done(activation, next);
        }
    }

    // One poll; returns when the next one is due (null: no more).
    private async Task<DateTimeOffset?> FollowAsync(TrackedActivation tracked, CancellationToken cancellationToken)
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
            _schedule.PauseKey(tracked.KeyId, until);
            return until;
        }
        catch (OtpWallException ex)
        {
            tracked.Failures++;
            if (tracked.Failures >= FailuresBeforeProblem && ex is OtpWallNotFoundException)
                await ShowProblemAsync(tracked, NotKnownProblem, cancellationToken);
            else if (tracked.Failures >= FailuresBeforeProblem && tracked.Status == ActivationStatus.Waiting)
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

    // A purchase that was on its way to OTPWALL when the server stopped (a crash, a restart) never learned its outcome:
    // it says so, with what to check, instead of "being sent" forever.
    private async Task RecoverInterruptedPurchasesAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var inFlight = db.Activations.Where(a =>
            (a.Status == ActivationStatus.Buying || (a.Status == ActivationStatus.OutcomeUnknown && a.Note == Activation.InFlightNote)) && a.UpstreamId == null);
        if (!lease.IsShared)
        {
            // One process: whatever it did not start itself was interrupted by its stop.
            await MarkInterruptedAsync(db, await inFlight.Where(a => a.CreatedAt < _startedAt).ToListAsync(cancellationToken), cancellationToken);
            return;
        }
        // Several replicas: a purchase is sent while its person's purchase gate is held, and the gate is let go when the
        // replica sending it ends, even by a crash. So a purchase still "being sent" whose gate is free was interrupted;
        // one whose gate is held is on its way, through another replica. Read again inside the gate: it may just have finished.
        foreach (var userId in await inFlight.Select(a => a.UserId).Distinct().ToListAsync(cancellationToken))
        {
            await using var gate = await gates.TryEnterAsync(ActivationService.PurchaseGate(userId), cancellationToken);
            if (gate is null) continue;
            db.ChangeTracker.Clear();
            await MarkInterruptedAsync(db, await inFlight.Where(a => a.UserId == userId).ToListAsync(cancellationToken), cancellationToken);
        }
    }

    private async Task MarkInterruptedAsync(Data.OtpWallDbContext db, List<Activation> interrupted, CancellationToken cancellationToken)
    {
        foreach (var activation in interrupted)
        {
            var payer = activation.Payer == Payer.Team ? "the team's balance" : "your balance";
            activation.Status = ActivationStatus.OutcomeUnknown;
            activation.Note =
                $"The dashboard stopped while this purchase was being sent to OTPWALL ({activation.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC), so it " +
                $"may or may not have gone through. Check {payer} in OTPWALL" +
                (activation.BalanceBefore is { } before ? $": it was {before} just before. " : ". ") +
                $"If it dropped by a number's price and OTPWALL lists a {activation.ServiceName} number in {activation.CountryName} from that time, " +
                "enter its activation id here and the dashboard follows it; otherwise nothing was bought.";
            activation.UpdatedAt = time.GetUtcNow();
            // It may have been bought: budgets count it at the most such a number has cost, never at nothing.
            if (activation.Price is null && await PriceEstimates.ConservativeAsync(db, activation.Service, activation.Country, null, time.GetUtcNow(), cancellationToken) is { } guess)
                (activation.Price, activation.Currency, activation.PriceEstimated) = (guess.Price, guess.Currency, true);
            LogInterrupted(logger, activation.Id);
            await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Recovery));
        }
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

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded) return;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_loaded) return;
            await RecoverInterruptedPurchasesAsync(cancellationToken);
            await LoadAsync(cancellationToken);
            _loaded = true;
        }
        finally
        {
            _loading.Release();
        }
    }

    // Every open activation the schedule does not follow yet: all of them after a restart, later any that slipped by.
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var openIds = await db.Activations.Where(a => a.NextPollAt != null && a.UpstreamId != null).Select(a => a.Id).ToListAsync(cancellationToken);
        var missing = openIds.Where(id => !_schedule.IsTracked(id)).ToList();
        if (missing.Count == 0) return;
        // Only what the schedule lacks is read in full (usually nothing, after the start).
        foreach (var batch in missing.Chunk(500))
        {
            var activations = await db.Activations.AsNoTracking().Include(a => a.Messages)
                .Where(a => batch.Contains(a.Id) && a.NextPollAt != null).ToListAsync(cancellationToken);
            foreach (var activation in activations.Where(a => !_schedule.IsTracked(a.Id)))
                _schedule.Track(TrackedActivation.From(activation, activation.NextPollAt!.Value));
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
        _loading.Dispose();
        _keys.Dispose();
    }

    /// <summary>Decrypted keys in memory now (tests check that a changed key is dropped).</summary>
    internal int CachedKeys => _keys.Count;

    [LoggerMessage(LogLevel.Information, "Activation {ActivationId} got no SMS in time and was cancelled automatically")]
    private static partial void LogAutoCancelled(ILogger logger, Guid activationId);

    [LoggerMessage(LogLevel.Warning, "Activation {ActivationId} was being bought when the server stopped: its outcome is unknown")]
    private static partial void LogInterrupted(ILogger logger, Guid activationId);

    [LoggerMessage(LogLevel.Information, "This replica ({Replica}) took the poller's lease: it polls now")]
    private static partial void LogLeaseTaken(ILogger logger, string replica);

    [LoggerMessage(LogLevel.Warning, "This replica ({Replica}) no longer holds the poller's lease: it stops polling")]
    private static partial void LogLeaseLost(ILogger logger, string replica);

    [LoggerMessage(LogLevel.Warning, "The poller's lease could not be taken or renewed")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "The poller failed to dispatch polls")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Polling an activation failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
