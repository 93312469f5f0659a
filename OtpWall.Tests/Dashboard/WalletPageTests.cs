using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.ApiKeys;
using OtpWall.Dashboard.Components.Pages.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class WalletPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private async Task<OtpWallApiKey> SaveSandboxKeyAsync(decimal balance = 12.50m)
    {
        var key = await Sandbox.NewAccountAsync(balance);
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, key);
        return key;
    }

    [Fact]
    public void WithoutAKey_ThePageSaysWhereToAddOne()
    {
        var cut = Render<WalletPage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("No OTPWALL API key is saved yet", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal);
            Assert.Equal("/settings/api-key", cut.Find("[data-testid=error-message] a").GetAttribute("href"));
        });
        Assert.Empty(cut.FindAll("[data-testid=wallet-balance]"));
    }

    [Fact]
    public async Task WithAWorkingKey_TheBalanceIsShownWithItsCurrency()
    {
        await SaveSandboxKeyAsync(12.50m);

        var cut = Render<WalletPage>();

        cut.WaitForAssertion(() => Assert.Equal("12.50 USD", cut.Find("[data-testid=wallet-balance]").TextContent.Trim()));
        Assert.Contains("just now", cut.Find("[data-testid=wallet-read-at]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=error-message]"));
    }

    [Fact]
    public async Task ARefusedKey_IsExplained()
    {
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, OtpWallApiKey.Parse(Guid.NewGuid().ToString("N")));

        var cut = Render<WalletPage>();

        cut.WaitForAssertion(() => Assert.Contains("OTPWALL refused the API key", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARateLimit_IsExplainedWithTheWait()
    {
        await SaveSandboxKeyAsync();
        await Sandbox.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 60 });

        var cut = Render<WalletPage>();

        cut.WaitForAssertion(() => Assert.Contains("Try again in 60 s", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpstreamOutage_IsExplained_AndTheLastBalanceStaysVisible()
    {
        await SaveSandboxKeyAsync(7.25m);
        var cut = Render<WalletPage>();
        cut.WaitForAssertion(() => Assert.Equal("7.25 USD", cut.Find("[data-testid=wallet-balance]").TextContent.Trim()));

        await Sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 502, errorBody = "html" });
        Time.Advance(TimeSpan.FromSeconds(11));
        await cut.ClickWhenReadyAsync("[data-testid=wallet-refresh]");

        cut.WaitForAssertion(() =>
        {
            var error = cut.Find("[data-testid=error-message]").TextContent;
            Assert.Contains("OTPWALL is not reachable right now", error, StringComparison.Ordinal);
            Assert.DoesNotContain("<", error, StringComparison.Ordinal);
        });
        Assert.Equal("7.25 USD", cut.Find("[data-testid=wallet-balance]").TextContent.Trim());
        Assert.Contains("it may have changed since", cut.Find("[data-testid=wallet-read-at]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoTabs_ShareOneReading_AndOtpWallIsAskedAtMostOncePerTenSeconds()
    {
        var key = await SaveSandboxKeyAsync(5.00m);
        var before = await Sandbox.RequestCountAsync("GET /balance");

        var firstTab = Render<WalletPage>();
        var secondTab = Render<WalletPage>();
        firstTab.WaitForAssertion(() => Assert.Equal("5.00 USD", firstTab.Find("[data-testid=wallet-balance]").TextContent.Trim()));
        secondTab.WaitForAssertion(() => Assert.Equal("5.00 USD", secondTab.Find("[data-testid=wallet-balance]").TextContent.Trim()));
        await firstTab.ClickWhenReadyAsync("[data-testid=wallet-refresh]");
        await secondTab.ClickWhenReadyAsync("[data-testid=wallet-refresh]");
        Assert.Equal(1, await Sandbox.RequestCountAsync("GET /balance") - before);
        firstTab.WaitForAssertion(() => Assert.Contains("Already up to date", firstTab.Markup, StringComparison.Ordinal));

        // Ten seconds later a refresh in one tab asks OTPWALL again, and the other tab shows the new balance too.
        await Sandbox.Control.PostAsync("keys", System.Net.Http.Json.JsonContent.Create(new { key = key.Reveal(), balance = 4.00m }));
        Time.Advance(TimeSpan.FromSeconds(10));
        await firstTab.ClickWhenReadyAsync("[data-testid=wallet-refresh]");

        secondTab.WaitForAssertion(() => Assert.Equal("4.00 USD", secondTab.Find("[data-testid=wallet-balance]").TextContent.Trim()));
        Assert.Equal(2, await Sandbox.RequestCountAsync("GET /balance") - before);
    }
}
