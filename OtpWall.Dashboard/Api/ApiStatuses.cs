using System.Collections.Concurrent;
using OtpWall.Core.Activations;
using OtpWall.Core.Diagnostics;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Dashboard.Api;

/// <summary>
/// The status of a person's activations as <c>/api/v1</c> answers it: from what the poller already recorded (a script
/// asking every 200 ms adds no read to OTPWALL), kept in memory until the commit point says the activation changed
/// (<see cref="ActivationChange"/>, on every replica), and held for a change when asked (<c>?wait=N</c>).
/// </summary>
public sealed class ApiStatuses : IDisposable
{
    private const int MaxCached = 50_000;

    private readonly ActivationQueries queries;
    private readonly ChangeBus bus;
    private readonly TimeProvider time;
    private readonly OtpWallMetrics metrics;
    private readonly IDisposable _changes;
    private readonly ConcurrentDictionary<Guid, Known> _known = new();
    // Bumped by every change: a read that began before a change is not kept (it may be older than the change).
    private long _generation;

    private sealed record Known(string UserId, StatusAnswer Answer, bool Final);

    public ApiStatuses(ActivationQueries queries, ChangeBus bus, TimeProvider time, OtpWallMetrics metrics)
    {
        (this.queries, this.bus, this.time, this.metrics) = (queries, bus, time, metrics);
        _changes = bus.Subscribe<ActivationChange>(change =>
        {
            Interlocked.Increment(ref _generation);
            _known.TryRemove(change.ActivationId, out _);
            return Task.CompletedTask;
        });
    }

    public void Dispose() => _changes.Dispose();

    /// <summary>What OTPWALL's status call would answer for one of the person's activations; null when they have none with that id.</summary>
    public async ValueTask<(Guid Id, StatusAnswer Answer, bool Final)?> GetAsync(string userId, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out var own) && _known.TryGetValue(own, out var known))
            return known.UserId == userId ? (own, known.Answer, known.Final) : null;
        var generation = Interlocked.Read(ref _generation);
        var view = await queries.FindAsync(userId, id, cancellationToken);
        if (view is null) return null;
        var answer = AnswerOf(view);
        var final = view.Status.IsFinal();
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_known.Count >= MaxCached) _known.Clear();
            _known[view.Id] = new Known(userId, answer, final);
        }
        return (view.Id, answer, final);
    }

    /// <summary>
    /// The status as soon as it differs from what it is now, or after <paramref name="wait"/> (what it is then); at once
    /// for an activation that can no longer change.
    /// </summary>
    public async ValueTask<StatusAnswer?> WaitForChangeAsync(string userId, string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero) return (await GetAsync(userId, id, cancellationToken))?.Answer;
        var changed = new Signal();
        Guid? watched = Guid.TryParse(id, out var own) ? own : null;
        // Listening starts before the first read: a change between the two is not missed.
        using var subscription = bus.SubscribeFor<ActivationChange>(userId, change =>
        {
            if (watched is null || change.ActivationId == watched) changed.Set();
            return Task.CompletedTask;
        });
        if (await GetAsync(userId, id, cancellationToken) is not { } first) return null;
        if (first.Final) return first.Answer;
        watched = first.Id;
        var deadline = time.GetUtcNow() + wait;
        metrics.ApiLongPollStarted();
        try
        {
            while (true)
            {
                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero || !await changed.WaitAsync(left, time, cancellationToken))
                    return (await GetAsync(userId, id, cancellationToken))?.Answer;
                if (await GetAsync(userId, id, cancellationToken) is not { } now) return null;
                if (now.Answer != first.Answer) return now.Answer;
            }
        }
        finally
        {
            metrics.ApiLongPollEnded();
        }
    }

    /// <summary>OTPWALL's words for a status (the sandbox's, too): waiting, received, complete, cancelled, expired.</summary>
    public static string WireStatus(ActivationView view) => view.Status switch
    {
        ActivationStatus.Waiting => "waiting",
        ActivationStatus.Received => "received",
        ActivationStatus.Completed => "complete",
        ActivationStatus.Cancelled => "cancelled",
        ActivationStatus.Expired => "expired",
        ActivationStatus.Buying => "buying",
        ActivationStatus.OutcomeUnknown => "outcome_unknown",
        _ => string.IsNullOrWhiteSpace(view.RawStatus) ? "unknown" : view.RawStatus.Trim().ToLowerInvariant(),
    };

    public static StatusAnswer AnswerOf(ActivationView view) => new(view.Id.ToString(), WireStatus(view), view.LatestSms);

    // A one-shot wake-up that can be re-armed: set by the bus, awaited by the long poll.
    private sealed class Signal
    {
        private TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set() => Volatile.Read(ref _source).TrySetResult();

        /// <summary>True when set within <paramref name="timeout"/> (and re-armed for the next change).</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            var current = Volatile.Read(ref _source);
            try
            {
                await current.Task.WaitAsync(timeout, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
            Interlocked.CompareExchange(ref _source, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
            return true;
        }
    }
}
