using Microsoft.AspNetCore.Components;

namespace OtpWall.Dashboard.Components;

/// <summary>
/// A component that follows live updates while it is on the page: the one way pages subscribe to Core's channels
/// (<c>NotifyOnChange</c>) and events. Each update runs on the component's dispatcher and then redraws it; every
/// subscription ends when the component goes. A subscription can also be ended early (another account to follow).
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private readonly List<Followed> _followed = [];

    /// <summary>Follows a channel: <paramref name="subscribe"/> is given the handler (for example <c>h =&gt; Wallet.NotifyOnChange(account, h)</c>).</summary>
    protected IDisposable Follow<T>(Func<Func<T, Task>, IDisposable> subscribe, Func<T, Task> update) =>
        Keep(subscribe(message => InvokeAsync(async () =>
        {
            await update(message);
            StateHasChanged();
        })));

    /// <summary>Follows a channel whose updates need no waiting.</summary>
    protected IDisposable Follow<T>(Func<Func<T, Task>, IDisposable> subscribe, Action<T> update) =>
        Follow<T>(subscribe, message =>
        {
            update(message);
            return Task.CompletedTask;
        });

    /// <summary>Follows a .NET event (for example <c>h =&gt; Registration.Registered += h, h =&gt; Registration.Registered -= h</c>).</summary>
    protected IDisposable Follow<T>(Action<Action<T>> add, Action<Action<T>> remove, Func<T, Task> update)
    {
        void Handler(T message) => _ = InvokeAsync(async () =>
        {
            await update(message);
            StateHasChanged();
        });
        add(Handler);
        return Keep(new Unsubscribe(() => remove(Handler)));
    }

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

    private sealed class Unsubscribe(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
