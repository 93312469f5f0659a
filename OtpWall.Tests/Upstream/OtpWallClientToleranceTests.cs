using OtpWall.Core.Activations;
using OtpWall.Core.Upstream;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Upstream;

/// <summary>"Tolerant in what we accept": the variants docs/otpwall-api.md expects OTPWALL may send.</summary>
public sealed class OtpWallClientToleranceTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private readonly OtpWallClient _client = sandbox.CreateClient();

    public Task InitializeAsync() => sandbox.ClearFaultsAsync();

    public Task DisposeAsync() => sandbox.ClearFaultsAsync();

    [Fact]
    public async Task ABalanceSentAsAString_IsReadAsTheSameDecimal()
    {
        var key = await sandbox.NewAccountAsync(12.50m);
        await sandbox.SetFaultsAsync(new { stringBalance = true });

        Assert.Equal(12.50m, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task AnUpperCaseStatus_IsUnderstood_AndItsRawTextKept()
    {
        var key = await sandbox.NewAccountAsync();
        var bought = await _client.BuyNumberAsync(key, "discord", "DE");
        await sandbox.DeliverSmsAsync(bought.ActivationId, "Your Discord security code is: 482913");
        await sandbox.SetFaultsAsync(new { upperCaseStatus = true });

        var snapshot = await _client.GetActivationAsync(key, bought.ActivationId);

        Assert.Equal(ActivationStatus.Received, snapshot.Status);
        Assert.Equal("RECEIVED", snapshot.RawStatus);
    }

    [Fact]
    public async Task ANumericActivationId_IsKeptAsTheSameString()
    {
        var key = await sandbox.NewAccountAsync();
        await sandbox.SetFaultsAsync(new { numericIds = true });

        var bought = await _client.BuyNumberAsync(key, "uber", "BR");
        var snapshot = await _client.GetActivationAsync(key, bought.ActivationId);

        Assert.Matches("^[0-9]+$", bought.ActivationId);
        Assert.Equal(bought.ActivationId, snapshot.ActivationId);
        Assert.Equal(ActivationStatus.Waiting, snapshot.Status);
    }

    [Fact]
    public async Task ACountryCode_IsMatchedWhateverItsCase()
    {
        var key = await sandbox.NewAccountAsync();

        var bought = await _client.BuyNumberAsync(key, "Telegram", "pk");

        Assert.StartsWith("+92", bought.Number, StringComparison.Ordinal);
    }
}
