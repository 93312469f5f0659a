using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.Components.Pages.Buy;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

[Trait("Database", "BothEngines")]
public sealed class BuyPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private async Task SaveKeyAsync(decimal balance = 10.00m) =>
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(balance));

    private Task StarAsync(string service, string serviceName, string country, string countryName) =>
        Services.GetRequiredService<BuyPreferences>().SetFavouriteAsync(UserId, new Service(service, serviceName), new Country(country, countryName), true);

    [Fact]
    public void WithoutAKey_NothingCanBeBought_AndThePageSaysWhy()
    {
        var cut = Render<BuyPage>();

        cut.WaitForAssertion(() => Assert.Contains("No OTPWALL API key is saved yet", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal));
        Assert.True(cut.Find("[data-testid=buy-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task WithAKey_ThePickersOfferTheCatalogue_AndTheBalanceIsShown()
    {
        await SaveKeyAsync(12.50m);

        var cut = Render<BuyPage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("12.50 USD", cut.Find("[data-testid=buy-balance]").TextContent, StringComparison.Ordinal);
            Assert.False(cut.Find("input[data-testid=buy-service]").HasAttribute("disabled"));
            Assert.False(cut.Find("input[data-testid=buy-country]").HasAttribute("disabled"));
        });
        Assert.True(cut.Find("[data-testid=buy-submit]").HasAttribute("disabled"), "nothing is picked yet");
    }

    [Fact]
    public async Task BuyAgain_OpensBuyWithThePairChosen_AndOneClickBuysIt()
    {
        await SaveKeyAsync();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/buy?service=telegram&country=pk");

        var cut = Render<BuyPage>();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Telegram", cut.Find("input[data-testid=buy-service]").GetAttribute("value"));
            Assert.Equal("Pakistan (PK)", cut.Find("input[data-testid=buy-country]").GetAttribute("value"));
            Assert.False(cut.Find("[data-testid=buy-submit]").HasAttribute("disabled"));
        });
        await cut.ClickWhenReadyAsync("[data-testid=buy-submit]");
        cut.WaitForAssertion(() => Assert.Contains("/activations?bought=", navigation.Uri, StringComparison.Ordinal));
        var bought = Assert.Single(await Services.GetRequiredService<ActivationQueries>().LiveAsync(UserId));
        Assert.Equal(("telegram", "PK"), (bought.Service, bought.Country));
    }

    [Fact]
    public async Task BuyAgain_WithAPairTheCatalogueDoesNotHave_ChoosesNothing()
    {
        await SaveKeyAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/buy?service=nosuchservice&country=ZZ");

        var cut = Render<BuyPage>();

        cut.WaitForAssertion(() => Assert.False(cut.Find("input[data-testid=buy-service]").HasAttribute("disabled")));
        Assert.True(cut.Find("[data-testid=buy-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task OneClickOnAFavourite_BuysIt_AndOpensLiveActivations()
    {
        await SaveKeyAsync();
        await StarAsync("telegram", "Telegram", "PK", "Pakistan");
        var cut = Render<BuyPage>();

        await cut.ClickWhenReadyAsync("[data-testid=quick-buy]");

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("/activations?bought=", navigation.Uri, StringComparison.Ordinal));
        var bought = Assert.Single(await Services.GetRequiredService<ActivationQueries>().LiveAsync(UserId));
        Assert.Equal(("telegram", "PK", ActivationStatus.Waiting), (bought.Service, bought.Country, bought.Status));
    }

    [Fact]
    public async Task ARefusedPurchase_IsExplained_AndNothingIsRecorded()
    {
        await SaveKeyAsync();
        await StarAsync("wechat", "WeChat", "US", "United States");
        var cut = Render<BuyPage>();

        await cut.ClickWhenReadyAsync("[data-testid=quick-buy]");

        cut.WaitForAssertion(() => Assert.Contains("No numbers available for WeChat in United States", cut.Find("[data-testid=buy-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(await Services.GetRequiredService<ActivationQueries>().LiveAsync(UserId));
    }

    [Fact]
    public async Task ACatalogueThatFailedToLoad_CanBeTriedAgain_WithoutReloading()
    {
        await SaveKeyAsync();
        await Sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503, pathContains = "/services" });
        var cut = Render<BuyPage>();
        cut.WaitForAssertion(() => Assert.Contains("could not be loaded: OTPWALL is not reachable right now", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal));
        Assert.True(cut.Find("input[data-testid=buy-service]").HasAttribute("disabled"));

        await Sandbox.ClearFaultsAsync();
        await cut.ClickWhenReadyAsync("[data-testid=buy-catalogue-retry]");

        cut.WaitForAssertion(() => Assert.False(cut.Find("input[data-testid=buy-service]").HasAttribute("disabled")));
        Assert.Empty(cut.FindAll("[data-testid=error-message]"));
    }

    [Fact]
    public async Task WhileAPurchaseIsInFlight_TheBuyButtonsAreDisabled()
    {
        await SaveKeyAsync();
        await StarAsync("telegram", "Telegram", "PK", "Pakistan");
        await Sandbox.SetFaultsAsync(new { latencyMs = 1500, pathContains = "/number" });
        var cut = Render<BuyPage>();
        cut.WaitForElement("[data-testid=quick-buy]");

        await cut.InvokeAsync(() => cut.Find("[data-testid=quick-buy]").Click());

        cut.WaitForAssertion(() =>
        {
            Assert.True(cut.Find("[data-testid=quick-buy]").HasAttribute("disabled"));
            Assert.Contains("Buying", cut.Find("[data-testid=buy-submit]").TextContent, StringComparison.Ordinal);
        });
        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("/activations?bought=", navigation.Uri, StringComparison.Ordinal));
    }
}
