using Microsoft.AspNetCore.Components;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Dashboard.Components;

/// <summary>
/// A component that follows live updates while it is on the page: the one way pages subscribe to the change bus. Each
/// update runs on the component's dispatcher and then redraws it; every subscription ends when the component goes. A
/// subscription can also be ended early (another account to follow).
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly List<Followed> _followed = [];

    [Inject]
    private ChangeBus Changes { get; set; } = default!;

    /// <summary>Follows every change of type <typeparamref name="T"/>.</summary>
    protected IDisposable Follow<T>(Func<T, Task> update) where T : IChange => Keep(Changes.Subscribe<T>(change => Redraw(update, change)));

    /// <summary>Follows the changes of type <typeparamref name="T"/> of one person (or paying account) only.</summary>
    protected IDisposable FollowFor<T>(string userId, Func<T, Task> update) where T : IUserChange =>
        Keep(Changes.SubscribeFor<T>(userId, change => Redraw(update, change)));

    /// <summary>Follows the changes of one person whose updates need no waiting.</summary>
    protected IDisposable FollowFor<T>(string userId, Action<T> update) where T : IUserChange =>
        FollowFor<T>(userId, change =>
        {
            update(change);
            return Task.CompletedTask;
        });

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Followed[] all;
        lock (_followed) all = [.. _followed];
        foreach (var followed in all) followed.Dispose();
    }

    private Task Redraw<T>(Func<T, Task> update, T change) => InvokeAsync(async () =>
    {
        await update(change);
        StateHasChanged();
    });

    private Followed Keep(IDisposable subscription)
    {
        var followed = new Followed(this, subscription);
        lock (_followed) _followed.Add(followed);
        return followed;
    }

    private sealed class Followed(LiveComponent owner, IDisposable subscription) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            subscription.Dispose();
            lock (owner._followed) owner._followed.Remove(this);
        }
    }
}
