using System.Net;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Upstream;

/// <summary>Each way OTPWALL refuses becomes its own error type, with a message a person can act on.</summary>
public sealed class OtpWallClientErrorTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private readonly OtpWallClient _client = sandbox.CreateClient(o => o.MaxRetries = 1);

    public Task InitializeAsync() => sandbox.ClearFaultsAsync();

    public Task DisposeAsync() => sandbox.ClearFaultsAsync();

    [Fact]
    public async Task AnUnknownKey_IsABadKey()
    {
        var stranger = OtpWallApiKey.Parse(Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<OtpWallBadKeyException>(() => _client.GetBalanceAsync(stranger));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain(stranger.Reveal(), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuyingWithoutEnoughBalance_IsInsufficientBalance_AndChargesNothing()
    {
        var key = await sandbox.NewAccountAsync(0.05m);

        await Assert.ThrowsAsync<OtpWallInsufficientBalanceException>(() => _client.BuyNumberAsync(key, "wechat", "CN"));

        Assert.Equal(0.05m, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task AnUnknownActivation_IsNotFound()
    {
        var key = await sandbox.NewAccountAsync();

        await Assert.ThrowsAsync<OtpWallNotFoundException>(() => _client.GetActivationAsync(key, "999"));
    }

    [Fact]
    public async Task AnotherKeysActivation_IsNotFound_AndCannotBeCancelled()
    {
        var owner = await sandbox.NewAccountAsync();
        var intruder = await sandbox.NewAccountAsync();
        var bought = await _client.BuyNumberAsync(owner, "telegram", "US");

        await Assert.ThrowsAsync<OtpWallNotFoundException>(() => _client.GetActivationAsync(intruder, bought.ActivationId));
        await Assert.ThrowsAsync<OtpWallNotFoundException>(() => _client.CancelAsync(intruder, bought.ActivationId));

        Assert.Equal(Core.Activations.ActivationStatus.Waiting, (await _client.GetActivationAsync(owner, bought.ActivationId)).Status);
    }

    [Fact]
    public async Task AnUnknownService_IsABadRequest_SayingWhich()
    {
        var key = await sandbox.NewAccountAsync();

        var error = await Assert.ThrowsAsync<OtpWallBadRequestException>(() => _client.BuyNumberAsync(key, "myspace", "US"));

        Assert.Equal("OTPWALL refused the request: Unknown service 'myspace'.", error.Message);
    }

    [Fact]
    public async Task APairWithNoNumbers_IsABadRequest_SayingSo()
    {
        var key = await sandbox.NewAccountAsync();

        var error = await Assert.ThrowsAsync<OtpWallBadRequestException>(() => _client.BuyNumberAsync(key, "wechat", "US"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Contains("No numbers available for WeChat in United States", error.Message, StringComparison.Ordinal);
        Assert.Equal(10.00m, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task ALongRateLimit_IsReportedWithItsDelay_NotWaitedOut()
    {
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 60 });

        var error = await Assert.ThrowsAsync<OtpWallRateLimitedException>(() => _client.GetBalanceAsync(key));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Equal("OTPWALL is limiting requests for this key. Try again in 60 s.", error.Message);
    }

    [Fact]
    public async Task AnHtmlErrorPage_IsUpstreamUnavailable_WithoutAnyHtmlInTheMessage()
    {
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 502, errorBody = "html" });

        var error = await Assert.ThrowsAsync<OtpWallUnavailableException>(() => _client.GetBalanceAsync(key));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal("OTPWALL is not reachable right now. Try again in a moment.", error.Message);
    }

    [Fact]
    public async Task ASlowAnswer_IsATimeout()
    {
        var client = sandbox.CreateClient(o =>
        {
            o.MaxRetries = 0;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
        });
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { timeoutRate = 1.0, timeoutSeconds = 5 });

        await Assert.ThrowsAsync<OtpWallTimeoutException>(() => client.GetBalanceAsync(key));
    }

    [Fact]
    public async Task ABrokenBody_IsAnUnreadableResponse()
    {
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { malformedRate = 1.0 });

        await Assert.ThrowsAsync<OtpWallUnreadableResponseException>(() => _client.GetBalanceAsync(key));
    }

    [Fact]
    public async Task NoServerListening_IsUpstreamUnavailable()
    {
        var client = sandbox.CreateClient(o => o.MaxRetries = 0, baseUrl: new Uri($"http://127.0.0.1:{FreePort.Next()}/v1"));
        var key = OtpWallApiKey.Parse(Guid.NewGuid().ToString("N"));

        await Assert.ThrowsAsync<OtpWallUnavailableException>(() => client.GetBalanceAsync(key));
    }

    [Fact]
    public async Task Bodies_AreSentWithAContentLength_SoServersThatRefuseChunkedBodiesStillBuyCompleteAndCancel()
    {
        var key = await sandbox.NewAccountAsync(10.00m);
        await sandbox.SetFaultsAsync(new { requireContentLength = true });

        var kept = await _client.BuyNumberAsync(key, "telegram", "PK");
        var cancelled = await _client.BuyNumberAsync(key, "google", "US");
        await _client.CancelAsync(key, cancelled.ActivationId);
        await sandbox.DeliverSmsAsync(kept.ActivationId, "Your code is 123456");
        await _client.CompleteAsync(key, kept.ActivationId);

        Assert.Equal(ActivationStatus.Cancelled, (await _client.GetActivationAsync(key, cancelled.ActivationId)).Status);
        Assert.Equal(ActivationStatus.Completed, (await _client.GetActivationAsync(key, kept.ActivationId)).Status);
    }
}
