namespace OtpWall.Dashboard.Components.Shared;

/// <summary>
/// Loads that may overlap (a page reloading its list on every change it hears) land in the order they began: the
/// result of a load is kept only if no load that began after it has landed already, so a slow older read never
/// replaces a newer one. For a component's dispatcher (one caller at a time between awaits).
/// </summary>
internal sealed class NewestLoad<T>
{
    private long _started;
    private long _landed;

    /// <summary>Runs <paramref name="load"/>; true when its result is the newest so far (it was given to <paramref name="apply"/>).</summary>
    public async Task<bool> RunAsync(Func<Task<T>> load, Action<T> apply)
    {
        var ticket = ++_started;
        var result = await load();
        if (ticket < _landed) return false;
        _landed = ticket;
        apply(result);
        return true;
    }
}
