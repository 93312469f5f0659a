using OtpWall.Core.Upstream;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Upstream;

public sealed class SecretRedactionTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    public Task InitializeAsync() => sandbox.ClearFaultsAsync();

    public Task DisposeAsync() => sandbox.ClearFaultsAsync();

    [Fact]
    public async Task TheKey_NeverReachesALogLine_EvenAtTraceLevel_OrAnErrorMessage()
    {
        var logs = new CapturingLoggerProvider();
        var client = sandbox.CreateClient(o => o.MaxRetries = 1, logs);
        var key = await sandbox.NewAccountAsync();
        var errors = new List<Exception>();

        var bought = await client.BuyNumberAsync(key, "telegram", "US");
        await client.GetActivationAsync(key, bought.ActivationId);
        errors.Add(await Assert.ThrowsAnyAsync<OtpWallException>(() => client.CompleteAsync(key, bought.ActivationId)));
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorBody = "text" });
        errors.Add(await Assert.ThrowsAnyAsync<OtpWallException>(() => client.GetBalanceAsync(key)));
        errors.Add(await Assert.ThrowsAnyAsync<OtpWallException>(() => client.BuyNumberAsync(key, "telegram", "US")));

        // The HTTP client logged the requests (so the check below has something to look at)...
        Assert.Contains(logs.Lines, line => line.Contains("Authorization", StringComparison.Ordinal));
        // ...and not one line, nor any error, holds the key.
        Assert.DoesNotContain(logs.Lines, line => line.Contains(key.Reveal(), StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.ToString().Contains(key.Reveal(), StringComparison.Ordinal));
    }
}
