using System.Diagnostics;

namespace OtpWall.BrowserTests.Support;

/// <summary>
/// The one way the tests wait for something that happens on its own time (a background poll, another process, a page
/// rendering): ask again until it is so or the time is up. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// Asks every <paramref name="everyMs"/> until the answer is <paramref name="expected"/> or the time is up, then asserts
    /// on the last answer.
    /// </summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> read, int timeoutMs = 10_000, int everyMs = 250)
    {
        var actual = await read();
        var started = Stopwatch.GetTimestamp();
        while (!EqualityComparer<T>.Default.Equals(actual, expected) && Stopwatch.GetElapsedTime(started).TotalMilliseconds < timeoutMs)
        {
            await Task.Delay(everyMs);
            actual = await read();
        }
        Assert.Equal(expected, actual);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails saying <paramref name="what"/> did not happen in time.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, int timeoutMs = 10_000, int everyMs = 50) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutMs, everyMs);

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, int, int)"/>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000, int everyMs = 50)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started).TotalMilliseconds < timeoutMs, $"Not within {timeoutMs} ms: {what}.");
            await Task.Delay(everyMs);
        }
    }

    /// <summary>Waits until <paramref name="read"/> gives something, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, string what, int timeoutMs = 10_000, int everyMs = 20) where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await read()) is not null, what, timeoutMs, everyMs);
        return value!;
    }
}
