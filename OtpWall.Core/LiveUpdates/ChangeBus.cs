using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace OtpWall.Core.LiveUpdates;

/// <summary>
/// The one way parts of the dashboard hear of each other's changes: a key or the team key replaced, a person's choices,
/// ended sessions, a registration, a member's limits, fresh pair insights, an activation a page shows, a new wallet
/// reading. Whoever changes something publishes a typed change; whoever keeps something of it subscribes (to every
/// change of a type, or to one person's). A <see cref="ReplicatedChange"/> published here is also handed to the
/// transport, if one carries changes to other replicas (PostgreSQL's change feed); changes it brings back are delivered
/// here like local ones, with <see cref="ReplicatedChange.FromReplica"/> set. With SQLite there is no transport: the bus
/// is in-process.
/// </summary>
/// <remarks>
/// Publishing never waits for a subscriber: a page whose browser went away can take a minute to notice, and whoever
/// publishes (the poller, a purchase) must not wait with it. A subscriber's synchronous part runs before
/// <see cref="Publish{T}"/> returns (a dropped cache is dropped by then). A failing subscriber is logged and the others
/// still hear the change.
/// </remarks>
public sealed partial class ChangeBus(ILogger<ChangeBus> logger)
{
    private readonly ConcurrentDictionary<(Type Type, string? UserId), ImmutableArray<Func<IChange, Task>>> _subscribers = new();
    private Action<ReplicatedChange>? _transport;

    /// <summary>Calls <paramref name="onChange"/> with every change of type <typeparamref name="T"/> until the result is disposed.</summary>
    public IDisposable Subscribe<T>(Func<T, Task> onChange) where T : IChange => Add((typeof(T), null), change => onChange((T)change));

    /// <summary>Calls <paramref name="onChange"/> with the changes of type <typeparamref name="T"/> that concern <paramref name="userId"/> only.</summary>
    public IDisposable SubscribeFor<T>(string userId, Func<T, Task> onChange) where T : IUserChange
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Add((typeof(T), userId), change => onChange((T)change));
    }

    /// <summary>Tells this process's subscribers, and (for a replicated change made here) the other replicas.</summary>
    public void Publish<T>(T change) where T : IChange
    {
        ArgumentNullException.ThrowIfNull(change);
        Deliver(change);
        if (change is ReplicatedChange { FromReplica: null } replicated) Volatile.Read(ref _transport)?.Invoke(replicated);
    }

    /// <summary>Number of subscriptions open now (tests: a closed page leaves none behind).</summary>
    public int SubscriptionCount => _subscribers.Values.Sum(s => s.Length);

    /// <summary>
    /// Hands every replicated change published here to <paramref name="send"/> until disposed (one transport at a time).
    /// <paramref name="send"/> must not block.
    /// </summary>
    internal IDisposable Carry(Action<ReplicatedChange> send)
    {
        if (Interlocked.CompareExchange(ref _transport, send, null) is not null) throw new InvalidOperationException("Changes already have a transport.");
        return new Subscription(() => Interlocked.CompareExchange(ref _transport, null, send));
    }

    /// <summary>A change another replica made, brought by the transport: delivered here only.</summary>
    internal void Receive(ReplicatedChange change)
    {
        if (change.FromReplica is null) throw new ArgumentException("A received change names the replica it comes from.", nameof(change));
        Deliver(change);
    }

    private void Deliver(IChange change)
    {
        var type = change.GetType();
        if (_subscribers.TryGetValue((type, null), out var everyone)) foreach (var subscriber in everyone) _ = DeliverAsync(subscriber, change);
        if (change is IUserChange { UserId: { } userId } && _subscribers.TryGetValue((type, userId), out var theirs))
            foreach (var subscriber in theirs) _ = DeliverAsync(subscriber, change);
    }

    private Subscription Add((Type, string?) key, Func<IChange, Task> subscriber)
    {
        _subscribers.AddOrUpdate(key, _ => [subscriber], (_, existing) => existing.Add(subscriber));
        return new Subscription(() =>
        {
            var left = _subscribers.AddOrUpdate(key, _ => [], (_, existing) => existing.Remove(subscriber));
            if (left.IsEmpty) _subscribers.TryRemove(new KeyValuePair<(Type, string?), ImmutableArray<Func<IChange, Task>>>(key, left));
        });
    }

    private async Task DeliverAsync(Func<IChange, Task> subscriber, IChange change)
    {
        try
        {
            await subscriber(change);
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(logger, change.GetType().Name, ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A subscriber failed to take a {Change}")]
    private static partial void LogSubscriberFailed(ILogger logger, string change, Exception exception);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
