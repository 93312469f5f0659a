using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Upstream;

/// <summary>
/// Safe requests are retried; a purchase or a status change is sent exactly once, whatever happens — counted by
/// the sandbox, which sees every request that reaches it.
/// </summary>
public sealed class OtpWallClientResilienceTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly TimeSpan ShortAttempt = TimeSpan.FromMilliseconds(400);

    public Task InitializeAsync() => sandbox.ClearFaultsAsync();

    public Task DisposeAsync() => sandbox.ClearFaultsAsync();

    [Fact]
    public async Task AFailingGet_IsRetried_UntilItSucceeds()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 3);
        var key = await sandbox.NewAccountAsync(7.00m);
        var before = await sandbox.RequestCountAsync("GET /balance");
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503, remaining = 2 });

        var balance = await client.GetBalanceAsync(key);

        Assert.Equal(7.00m, balance.Amount);
        Assert.Equal(3, await sandbox.RequestCountAsync("GET /balance") - before);
    }

    [Fact]
    public async Task AShortRetryAfter_IsHonoured_BeforeTheRetry()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 2);
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 1, remaining = 1 });
        var started = TimeProvider.System.GetTimestamp();

        var services = await client.GetServicesAsync(key);

        Assert.NotEmpty(services);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9), "the retry did not wait for Retry-After");
    }

    [Fact]
    public async Task AFailedPurchase_IsSentExactlyOnce_AndItsOutcomeIsUnknown()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 3);
        var key = await sandbox.NewAccountAsync();
        var before = await sandbox.RequestCountAsync("POST /number");
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 500, errorBody = "json" });

        var error = await Assert.ThrowsAsync<PurchaseOutcomeUnknownException>(() => client.BuyNumberAsync(key, "telegram", "US"));

        Assert.Equal(1, await sandbox.RequestCountAsync("POST /number") - before);
        Assert.Contains("will not be repeated automatically", error.Message, StringComparison.Ordinal);
        // What a person reads says what happened, not a status code.
        Assert.Equal("OTPWALL had a problem of its own while it took the purchase.", error.Reason);
    }

    [Fact]
    public async Task ATimedOutPurchase_IsSentOnce_AndReportedUnknown_ThoughItWasCharged()
    {
        var client = sandbox.CreateClient(o =>
        {
            o.MaxRetries = 3;
            o.AttemptTimeout = ShortAttempt;
            o.TotalTimeout = TimeSpan.FromSeconds(2);
        });
        var key = await sandbox.NewAccountAsync(5.00m);
        var before = await sandbox.RequestCountAsync("POST /number");
        await sandbox.SetFaultsAsync(new { timeoutRate = 1.0, timeoutSeconds = 10, pathContains = "/number" });

        var error = await Assert.ThrowsAsync<PurchaseOutcomeUnknownException>(() => client.BuyNumberAsync(key, "telegram", "US"));

        Assert.Equal("OTPWALL did not answer in time.", error.Reason);
        Assert.Equal(1, await sandbox.RequestCountAsync("POST /number") - before);
        // The sandbox processed the purchase before its answer was lost: exactly why it must not be bought again.
        Assert.True((await client.GetBalanceAsync(key)).Amount < 5.00m);
    }

    [Fact]
    public async Task AnUnreadableAnswerToAPurchase_IsAnUnknownOutcome_NotARefusal()
    {
        var client = sandbox.CreateClient();
        var key = await sandbox.NewAccountAsync(5.00m);
        await sandbox.SetFaultsAsync(new { malformedRate = 1.0, pathContains = "/number" });

        await Assert.ThrowsAsync<PurchaseOutcomeUnknownException>(() => client.BuyNumberAsync(key, "telegram", "US"));

        Assert.True((await client.GetBalanceAsync(key)).Amount < 5.00m);
    }

    [Fact]
    public async Task ARateLimitedPurchase_IsARefusal_SentOnce()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 3);
        var key = await sandbox.NewAccountAsync(5.00m);
        var before = await sandbox.RequestCountAsync("POST /number");
        await sandbox.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 1, pathContains = "/number" });

        await Assert.ThrowsAsync<OtpWallRateLimitedException>(() => client.BuyNumberAsync(key, "telegram", "US"));

        Assert.Equal(1, await sandbox.RequestCountAsync("POST /number") - before);
        await sandbox.ClearFaultsAsync();
        Assert.Equal(5.00m, (await client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task APurchaseThatCannotConnect_IsUnavailable_BecauseItWasNeverSent()
    {
        var client = sandbox.CreateClient(baseUrl: new Uri($"http://127.0.0.1:{FreePort.Next()}/v1"));

        await Assert.ThrowsAsync<OtpWallUnavailableException>(() =>
            client.BuyNumberAsync(OtpWallApiKey.Parse(Guid.NewGuid().ToString("N")), "telegram", "US"));
    }

    [Fact]
    public async Task AFailedStatusChange_IsNotRetried()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 3);
        var key = await sandbox.NewAccountAsync();
        var bought = await client.BuyNumberAsync(key, "telegram", "US");
        var path = $"POST /activation/{bought.ActivationId}/status";
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503, pathContains = "/status" });

        await Assert.ThrowsAsync<OtpWallUnavailableException>(() => client.CancelAsync(key, bought.ActivationId));

        Assert.Equal(1, await sandbox.RequestCountAsync(path));
    }

    [Fact]
    public async Task CallerCancellation_IsNotDisguisedAsAnUpstreamError()
    {
        var client = sandbox.CreateClient();
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { latencyMs = 5000 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetBalanceAsync(key, cancel.Token));
    }
}
