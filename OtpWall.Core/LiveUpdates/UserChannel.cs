using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace OtpWall.Core.LiveUpdates;

/// <summary>
/// Pushes messages into the open pages of one user, and only theirs. Publishing never waits for a subscriber: a page
/// whose browser went away can take a minute to notice, and whoever publishes (the poller, a purchase) must not wait
/// with it. A failing subscriber is logged and the others still get the message.
/// </summary>
public partial class UserChannel<T>(ILogger logger)
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Func<T, Task>>> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="onMessage"/> with each message for this user until the result is disposed.</summary>
    public IDisposable NotifyOnChange(string userId, Func<T, Task> onMessage)
    {
        _subscribers.AddOrUpdate(userId, _ => [onMessage], (_, existing) => existing.Add(onMessage));
        return new Subscription(() => _subscribers.AddOrUpdate(userId, _ => [], (_, existing) => existing.Remove(onMessage)));
    }

    public virtual void Publish(string userId, T message) => PublishHere(userId, message);

    /// <summary>Delivers to the pages open in this process only.</summary>
    protected void PublishHere(string userId, T message)
    {
        if (!_subscribers.TryGetValue(userId, out var subscribers)) return;
        foreach (var subscriber in subscribers) _ = DeliverAsync(subscriber, message);
    }

    private async Task DeliverAsync(Func<T, Task> subscriber, T message)
    {
        try
        {
            await subscriber(message);
        }
        catch (Exception ex)
        {
            LogSubscriberFailed(logger, typeof(T).Name, ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A page failed to take a {Message} update")]
    private static partial void LogSubscriberFailed(ILogger logger, string message, Exception exception);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
