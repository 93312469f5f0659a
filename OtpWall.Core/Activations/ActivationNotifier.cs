using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OtpWall.Core.Activations;

/// <summary>Something happened to one of a user's activations.</summary>
/// <param name="ActivationId">The dashboard's id of the activation.</param>
/// <param name="CodeArrived">A new SMS with a code came in (pages announce it).</param>
public sealed record ActivationChange(Guid ActivationId, bool CodeArrived);

/// <summary>
/// Pushes activation changes into the open pages of their owner, and only theirs. Publishing never waits for a page:
/// a page whose browser went away can take a minute to notice, and the poller must not wait with it.
/// </summary>
public sealed partial class ActivationNotifier(ILogger<ActivationNotifier> logger)
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _handlers = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="onChange"/> for each change to this user's activations until disposed.</summary>
    public IDisposable NotifyOnChange(string userId, Func<ActivationChange, Task> onChange)
    {
        _handlers.AddOrUpdate(userId, _ => new ImmutableHandlers([onChange]), (_, existing) => existing.With(onChange));
        return new Subscription(() => _handlers.AddOrUpdate(userId, _ => new ImmutableHandlers([]), (_, existing) => existing.Without(onChange)));
    }

    public void Publish(string userId, ActivationChange change)
    {
        if (!_handlers.TryGetValue(userId, out var handlers)) return;
        foreach (var handler in handlers.Items) _ = DeliverAsync(handler, change);
    }

    private async Task DeliverAsync(Func<ActivationChange, Task> handler, ActivationChange change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, ex);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A page failed to take an activation change")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    private sealed record ImmutableHandlers(IReadOnlyList<Func<ActivationChange, Task>> Items)
    {
        public ImmutableHandlers With(Func<ActivationChange, Task> handler) => new([.. Items, handler]);

        public ImmutableHandlers Without(Func<ActivationChange, Task> handler) => new([.. Items.Where(h => h != handler)]);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
