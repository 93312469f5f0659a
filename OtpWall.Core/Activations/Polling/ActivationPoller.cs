using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// The one poller of the server: the loop. It keeps every open activation in an in-memory schedule (rebuilt from the
/// database at start, after <see cref="InterruptedPurchases"/> settled what a stop interrupted) and keeps polls going as
/// they fall due: no rounds, no fixed sleep, as many in flight as the load and OTPWALL's round trip need (up to a cap).
/// Each poll is anchored to the one before, so lateness does not add up; people are served fairly and each key stays
/// under a ceiling of reads per second (<see cref="PollSchedule"/>). One poll is <see cref="ActivationFollower"/>'s;
/// whether this replica polls at all is <see cref="LeaseKeeper"/>'s. The commit point tells it what changed
/// (<see cref="Changes.FollowingEffect"/>).
/// </summary>
public sealed partial class ActivationPoller(
    IDbContextFactory<OtpWallDbContext> databases,
    DatabaseReadiness readiness,
    LeaseKeeper lease,
    ActivationFollower follower,
    InterruptedPurchases interrupted,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<ActivationPoller> logger) : BackgroundService
{
    private readonly PollSchedule _schedule = new(options.Value.MaxReadsPerKeyPerSecond);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Guid> _changedElsewhere = new();
    private volatile bool _loaded;
    private int _inFlight;

    /// <summary>
    /// Whether this process polls now: always with SQLite; with PostgreSQL only the replica holding the poller's lease.
    /// </summary>
    public bool IsPolling => lease.IsPolling;

    /// <summary>What the poller follows now, by status (read from memory by the open-activations gauge).</summary>
    public IEnumerable<(string Status, long Count)> OpenByStatus() => _schedule.CountByStatus();

    /// <summary>Polls failing in a row before a card says OTPWALL cannot be reached (about half a minute at the fast pace).</summary>
    internal const int FailuresBeforeProblem = 3;

    /// <summary>Starts following an activation that was just bought or changed by its owner (or stops, when it ended).</summary>
    public void Track(Activation activation)
    {
        if (!lease.IsPolling) return; // the replica holding the poller's lease hears of it (ChangedElsewhere)
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
        if (!lease.IsPolling) return;
        _changedElsewhere.Enqueue(activationId);
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(options.Value.StartDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await readiness.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lastSync = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (lease.IsShared)
                {
                    // Taking over: everything open is read from the database afresh. Handing over: nothing is followed here.
                    if (await lease.KeepAsync(stoppingToken))
                    {
                        _schedule.Clear();
                        _loaded = false;
                    }
                    // Checked on every round, not only when the lease was tried: a wait can end a little before the
                    // next try is due (timers and clocks drift apart), and a replica without the lease must not then
                    // load and poll what the holder follows.
                    if (!lease.IsPolling)
                    {
                        await Task.Delay(lease.UntilNextTry(), time, stoppingToken);
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
                await lease.GiveUpAsync();
                return;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
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
        lease.PollHere(); // the test is the one poller, whatever the lease says
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
            next = await follower.FollowAsync(activation, _schedule, cancellationToken);
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

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded) return;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_loaded) return;
            await interrupted.RecoverAsync(_startedAt, cancellationToken);
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
    }

    /// <summary>Decrypted keys in memory now (tests check that a changed key is dropped).</summary>
    internal int CachedKeys => follower.CachedKeys;

    [LoggerMessage(LogLevel.Error, "The poller failed to dispatch polls")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Polling an activation failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
