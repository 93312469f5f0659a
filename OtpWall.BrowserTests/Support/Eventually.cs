namespace OtpWall.BrowserTests.Support;

public static class Eventually
{
    /// <summary>
    /// Asks every <paramref name="everyMs"/> until the answer is <paramref name="expected"/> or the time is up, then asserts
    /// on the last answer.
    /// </summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> read, int timeoutMs = 10_000, int everyMs = 250)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        var actual = await read();
        while (!EqualityComparer<T>.Default.Equals(actual, expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(everyMs);
            actual = await read();
        }
        Assert.Equal(expected, actual);
    }
}
