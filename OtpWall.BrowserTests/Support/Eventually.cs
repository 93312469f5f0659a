namespace OtpWall.BrowserTests.Support;

public static class Eventually
{
    /// <summary>Asks until the answer is <paramref name="expected"/> or the time is up, then asserts on the last answer.</summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> read, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        var actual = await read();
        while (!EqualityComparer<T>.Default.Equals(actual, expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            actual = await read();
        }
        Assert.Equal(expected, actual);
    }
}
