using OtpWall.Core.Activations;
using OtpWall.Core.Upstream;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Upstream;

/// <summary>Every OTPWALL call through the real client against the sandbox over HTTP.</summary>
public sealed class OtpWallClientCallTests(SandboxServer sandbox) : IClassFixture<SandboxServer>
{
    private readonly OtpWallClient _client = sandbox.CreateClient();

    private static decimal TelegramInPakistan =>
        SandboxCatalogue.Price(SandboxCatalogue.FindService("telegram")!, SandboxCatalogue.FindCountry("PK")!);

    [Fact]
    public async Task Balance_IsTheAccountsAmountAndCurrency()
    {
        var key = await sandbox.NewAccountAsync(12.50m);

        var balance = await _client.GetBalanceAsync(key);

        Assert.Equal(12.50m, balance.Amount);
        Assert.Equal("USD", balance.Currency);
        Assert.Equal("12.50 USD", balance.ToString());
    }

    [Fact]
    public async Task Buying_ReturnsAWaitingNumber_AndChargesItsPrice()
    {
        var key = await sandbox.NewAccountAsync(10.00m);

        var bought = await _client.BuyNumberAsync(key, "telegram", "PK");

        Assert.False(string.IsNullOrWhiteSpace(bought.ActivationId));
        Assert.StartsWith("+92", bought.Number, StringComparison.Ordinal);
        Assert.Equal(ActivationStatus.Waiting, bought.Status);
        Assert.Equal(10.00m - TelegramInPakistan, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task Status_ShowsTheLatestSms_OnceOneArrives()
    {
        var key = await sandbox.NewAccountAsync();
        var bought = await _client.BuyNumberAsync(key, "whatsapp", "IN");
        Assert.Equal(ActivationStatus.Waiting, (await _client.GetActivationAsync(key, bought.ActivationId)).Status);

        await sandbox.DeliverSmsAsync(bought.ActivationId, "Your WhatsApp code: 123-456");
        await sandbox.DeliverSmsAsync(bought.ActivationId, "Your WhatsApp code: 654-321");
        var snapshot = await _client.GetActivationAsync(key, bought.ActivationId);

        Assert.Equal(ActivationStatus.Received, snapshot.Status);
        Assert.Equal("received", snapshot.RawStatus);
        Assert.Equal("Your WhatsApp code: 654-321", snapshot.Sms);
        Assert.Equal(bought.ActivationId, snapshot.ActivationId);
    }

    [Fact]
    public async Task Complete_AfterAnSms_CompletesTheActivation()
    {
        var key = await sandbox.NewAccountAsync();
        var bought = await _client.BuyNumberAsync(key, "google", "US");
        await sandbox.DeliverSmsAsync(bought.ActivationId, "G-123456 is your Google verification code.");

        await _client.CompleteAsync(key, bought.ActivationId);

        Assert.Equal(ActivationStatus.Completed, (await _client.GetActivationAsync(key, bought.ActivationId)).Status);
    }

    [Fact]
    public async Task Complete_BeforeAnySms_IsNotAllowed()
    {
        var key = await sandbox.NewAccountAsync();
        var bought = await _client.BuyNumberAsync(key, "google", "US");

        var error = await Assert.ThrowsAsync<OtpWallNotAllowedException>(() => _client.CompleteAsync(key, bought.ActivationId));

        Assert.Contains("No SMS has arrived yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WhileWaiting_RefundsThePrice()
    {
        var key = await sandbox.NewAccountAsync(3.00m);
        var bought = await _client.BuyNumberAsync(key, "telegram", "PK");
        Assert.Equal(3.00m - TelegramInPakistan, (await _client.GetBalanceAsync(key)).Amount);

        await _client.CancelAsync(key, bought.ActivationId);

        Assert.Equal(ActivationStatus.Cancelled, (await _client.GetActivationAsync(key, bought.ActivationId)).Status);
        Assert.Equal(3.00m, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task Cancel_IsRefused_AfterSmsArrived()
    {
        var key = await sandbox.NewAccountAsync(3.00m);
        var bought = await _client.BuyNumberAsync(key, "telegram", "PK");
        await sandbox.DeliverSmsAsync(bought.ActivationId, "Telegram code: 12345");

        var error = await Assert.ThrowsAsync<OtpWallNotAllowedException>(() => _client.CancelAsync(key, bought.ActivationId));

        Assert.Contains("can no longer be cancelled", error.Message, StringComparison.Ordinal);
        Assert.Equal(3.00m - TelegramInPakistan, (await _client.GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task Countries_ListTheCatalogue_WithCodesAsSent()
    {
        var key = await sandbox.NewAccountAsync();

        var countries = await _client.GetCountriesAsync(key);

        Assert.True(countries.Count >= 30, $"only {countries.Count} countries");
        Assert.Contains(countries, c => c is { Code: "PK", Name: "Pakistan" });
        Assert.Equal(countries.Count, countries.Select(c => c.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task Services_ListTheCatalogue()
    {
        var key = await sandbox.NewAccountAsync();

        var services = await _client.GetServicesAsync(key);

        Assert.True(services.Count >= 25, $"only {services.Count} services");
        Assert.Contains(services, s => s is { Code: "telegram", Name: "Telegram" });
    }
}
