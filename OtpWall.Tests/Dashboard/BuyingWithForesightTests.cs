using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OtpWall.Core.Activations;
using OtpWall.Core.Wallet;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Layout;
using OtpWall.Dashboard.Components.Pages.Buy;
using OtpWall.Dashboard.Components.Pages.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

/// <summary>Issue 14 on the pages: several at once, what the team saw of a pair, other countries, chips, the balance everywhere.</summary>
[Trait("Database", "BothEngines")]
public sealed class BuyingWithForesightTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private async Task SaveKeyAsync(decimal balance = 10.00m) =>
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(balance));

    private IRenderedComponent<BuyPage> OpenBuy(string service, string country)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/buy?service={service}&country={country}");
        var cut = Render<BuyPage>();
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=buy-submit]").HasAttribute("disabled")));
        return cut;
    }

    private async Task<List<Activation>> BoughtAsync()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().Where(a => a.UserId == UserId).ToListAsync();
    }

    [Fact]
    public async Task ThreeAtOnce_AreBoughtOneAfterAnother_EachOnce_AndThePageSaysSo()
    {
        await SaveKeyAsync();
        var cut = OpenBuy("telegram", "PK");

        await cut.InvokeAsync(() => cut.Find("input[data-testid=buy-quantity]").Change("3"));
        cut.WaitForAssertion(() => Assert.Equal("Buy 3 × Telegram · Pakistan", cut.Find("[data-testid=buy-submit]").TextContent.Trim()));
        await cut.ClickWhenReadyAsync("[data-testid=buy-submit]");

        cut.WaitForAssertion(() => Assert.Contains("Bought 3 of 3", cut.Find("[data-testid=buy-error]").TextContent, StringComparison.Ordinal));
        var bought = await BoughtAsync();
        Assert.Equal(3, bought.Count);
        Assert.Equal(3, bought.Select(a => a.PurchaseAttemptId).Distinct().Count());
        Assert.All(bought, a => Assert.Equal(ActivationStatus.Waiting, a.Status));
        Assert.Equal(3, cut.FindAll("[data-testid=buy-batch] li").Count);
        Assert.EndsWith("/buy?service=telegram&country=PK", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABatch_StopsAtTheFirstRefusal_SaysHowManyWereBought_AndLinksToTopUp()
    {
        // Telegram in Pakistan costs 0.23 in the sandbox: 0.50 pays for two.
        await SaveKeyAsync(0.50m);
        var cut = OpenBuy("telegram", "PK");

        await cut.InvokeAsync(() => cut.Find("input[data-testid=buy-quantity]").Change("5"));
        await cut.ClickWhenReadyAsync("[data-testid=buy-submit]");

        cut.WaitForAssertion(() =>
        {
            var message = cut.Find("[data-testid=buy-error]").TextContent;
            Assert.Contains("Bought 2 of 5. Purchase 3 was not made", message, StringComparison.Ordinal);
            Assert.Contains("Not enough balance", message, StringComparison.Ordinal);
        });
        Assert.Equal("https://otpwall.online/", cut.Find("[data-testid=buy-top-up]").GetAttribute("href"));
        Assert.Equal(2, (await BoughtAsync()).Count);
    }

    [Fact]
    public async Task QuantityIsKeptBetweenOneAndTen()
    {
        await SaveKeyAsync();
        var cut = OpenBuy("telegram", "PK");

        await cut.InvokeAsync(() => cut.Find("input[data-testid=buy-quantity]").Change("25"));

        cut.WaitForAssertion(() => Assert.Equal("Buy 10 × Telegram · Pakistan", cut.Find("[data-testid=buy-submit]").TextContent.Trim()));
    }

    [Fact]
    public async Task ThePair_ShowsWhatTheTeamSaw_AndNoNumbers_OffersCountriesThatDelivered()
    {
        await SaveKeyAsync();
        var registration = Services.GetRequiredService<OtpWall.Core.Accounts.RegistrationService>();
        await registration.SetPolicyAsync(UserId, OtpWall.Core.Accounts.RegistrationPolicy.Open);
        var other = (await registration.RegisterAsync("colleague@example.com", "correct horse battery staple", null)).User!.Id;
        await using (var db = await Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            var at = Time.GetUtcNow() - TimeSpan.FromHours(2);
            var activation = new Activation
            {
                Id = Guid.NewGuid(), UserId = other, PurchaseAttemptId = Guid.NewGuid(), UpstreamId = "x1", Number = "+447700900123",
                Service = "whatsapp", ServiceName = "WhatsApp", Country = "GB", CountryName = "United Kingdom", Status = ActivationStatus.Completed,
                Price = 0.84m, Currency = "USD", CreatedAt = at, UpdatedAt = at, ExpiresAt = at.AddMinutes(20),
            };
            activation.Messages.Add(new ActivationMessage { Text = "Your WhatsApp code: 123-456", Code = "123456", ReceivedAt = at.AddSeconds(40) });
            activation.FirstSmsAt = at.AddSeconds(40);
            db.Activations.Add(activation);
            await db.SaveChangesAsync();
        }
        var cut = OpenBuy("whatsapp", "AE");
        Assert.Contains("Nobody here has bought it", cut.Find("[data-testid=buy-insight]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=buy-alternatives]"));

        await cut.ClickWhenReadyAsync("[data-testid=buy-submit]");

        cut.WaitForAssertion(() => Assert.Contains("No numbers available", cut.Find("[data-testid=buy-error]").TextContent, StringComparison.Ordinal));
        Assert.Contains("OTPWALL last had no numbers", cut.Find("[data-testid=buy-insight]").TextContent, StringComparison.Ordinal);
        var offered = cut.Find("[data-testid=buy-alternatives]");
        Assert.Contains("United Kingdom · 100% got a code", offered.TextContent, StringComparison.Ordinal);
        Assert.Empty(await BoughtAsync());

        await cut.ClickWhenReadyAsync("[data-testid=buy-alternative]");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("United Kingdom (GB)", cut.Find("input[data-testid=buy-country]").GetAttribute("value"));
            Assert.Equal("Buy WhatsApp · United Kingdom", cut.Find("[data-testid=buy-submit]").TextContent.Trim());
            var insight = cut.Find("[data-testid=buy-insight]").TextContent;
            Assert.Contains("Last price paid: 0.84 USD", insight, StringComparison.Ordinal);
            Assert.Contains("1 of 1 got a code in the last 7 days (100%)", insight, StringComparison.Ordinal);
            Assert.Contains("the code took 40 s", insight, StringComparison.Ordinal);
        });
        Assert.Empty(cut.FindAll("[data-testid=buy-error]"));
    }

    [Fact]
    public async Task Chips_SayBuyAndThePair_AndAskFirst_WhenThePersonChoseThat()
    {
        await SaveKeyAsync();
        await Services.GetRequiredService<BuyPreferences>().SetFavouriteAsync(UserId, new Service("telegram", "Telegram"), new Country("PK", "Pakistan"), true);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<BuyPage>();
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=quick-buy]").HasAttribute("disabled")));
        Assert.StartsWith("Buy", cut.Find("[data-testid=quick-buy]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("Telegram · Pakistan", cut.Find("[data-testid=quick-buy]").TextContent, StringComparison.Ordinal);

        await cut.Find("[data-testid=buy-confirm-quick]").ChangeAsync(new ChangeEventArgs { Value = true });
        Assert.True((await Services.GetRequiredService<BuyPreferences>().GetAsync(UserId)).ConfirmQuickBuys);
        await cut.StartClick("[data-testid=quick-buy]");
        dialogs.WaitForAssertion(() => Assert.Contains("Buy one Telegram number in Pakistan", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        Assert.Empty(await BoughtAsync());

        await cut.StartClick("[data-testid=quick-buy]");
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-yes]"));
        await dialogs.Find("[data-testid=confirm-yes]").ClickAsync(new());

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("/activations?bought=", navigation.Uri, StringComparison.Ordinal));
        Assert.Single(await BoughtAsync());
    }

    [Fact]
    public async Task TheAppBarBalance_TurnsIntoAWarning_BelowThePersonsOwnThreshold()
    {
        await SaveKeyAsync(3.00m);
        var bar = Render<AppBarBalance>();
        bar.WaitForAssertion(() => Assert.Contains("3.00 USD", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal));
        Assert.Equal("false", bar.Find("[data-testid=appbar-balance]").GetAttribute("data-low"));

        var wallet = Render<WalletPage>();
        // Typed at once, even while the page still loads what was saved before: what the person typed is kept.
        wallet.WaitForElement("input[data-testid=wallet-low-threshold]");
        await wallet.Find("input[data-testid=wallet-low-threshold]").ChangeAsync(new ChangeEventArgs { Value = "5" });
        await wallet.ClickWhenReadyAsync("[data-testid=wallet-low-threshold-save]");

        wallet.WaitForAssertion(() => Assert.Contains("below 5.00", wallet.Find("[data-testid=wallet-low-threshold-saved]").TextContent, StringComparison.Ordinal));
        bar.WaitForAssertion(() =>
        {
            Assert.Equal("true", bar.Find("[data-testid=appbar-balance]").GetAttribute("data-low"));
            Assert.Contains("Your balance is low", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal);
        });
        Assert.Equal(5.00m, await Services.GetRequiredService<LowBalanceWarnings>().ForPersonAsync(UserId));
        // The sandbox's money is pretend: no top-up link, a way to a fresh balance instead.
        Assert.Empty(wallet.FindAll("[data-testid=wallet-top-up]"));
        Assert.Contains("cannot be topped up", wallet.Find("[data-testid=wallet-sandbox-money]").TextContent, StringComparison.Ordinal);

        await wallet.Find("input[data-testid=wallet-low-threshold]").ChangeAsync(new ChangeEventArgs { Value = "" });
        await wallet.ClickWhenReadyAsync("[data-testid=wallet-low-threshold-save]");
        bar.WaitForAssertion(() => Assert.Equal("false", bar.Find("[data-testid=appbar-balance]").GetAttribute("data-low")));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,000.50")]
    [InlineData("-3")]
    [InlineData("2.505")]
    public async Task AWarningLevelThatIsNotAnAmount_IsRefusedWithASentence_AndTheSavedOneStays(string typed)
    {
        Assert.Null(await Services.GetRequiredService<LowBalanceWarnings>().SetForPersonAsync(UserId, "4.00"));
        var wallet = Render<WalletPage>();
        wallet.WaitForAssertion(() => Assert.Equal("4.00", wallet.Find("input[data-testid=wallet-low-threshold]").GetAttribute("value")));

        await wallet.Find("input[data-testid=wallet-low-threshold]").ChangeAsync(new ChangeEventArgs { Value = typed });
        await wallet.ClickWhenReadyAsync("[data-testid=wallet-low-threshold-save]");

        wallet.WaitForAssertion(() => Assert.Equal("true", wallet.Find("[data-testid=wallet-low-threshold-saved]").GetAttribute("data-refused")));
        Assert.Equal($"'{typed}' is not an amount: use digits with up to two decimals, like 5 or 2.50. Nothing was changed.",
            wallet.Find("[data-testid=wallet-low-threshold-saved]").TextContent.Trim());
        Assert.Equal(4.00m, await Services.GetRequiredService<LowBalanceWarnings>().ForPersonAsync(UserId));
    }

    [Theory]
    [InlineData("12,5", 12.50)]
    [InlineData("12.5", 12.50)]
    [InlineData(" 7 ", 7.00)]
    public async Task AWarningLevel_ReadsACommaOrAPointAsTheDecimalSeparator_AsTeamDoes(string typed, double expected)
    {
        var wallet = Render<WalletPage>();
        wallet.WaitForElement("input[data-testid=wallet-low-threshold]");

        await wallet.Find("input[data-testid=wallet-low-threshold]").ChangeAsync(new ChangeEventArgs { Value = typed });
        await wallet.ClickWhenReadyAsync("[data-testid=wallet-low-threshold-save]");

        var amount = ((decimal)expected).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        wallet.WaitForAssertion(() => Assert.Equal($"Saved: the balance turns into a warning below {amount}.", wallet.Find("[data-testid=wallet-low-threshold-saved]").TextContent.Trim()));
        Assert.Equal((decimal)expected, await Services.GetRequiredService<LowBalanceWarnings>().ForPersonAsync(UserId));
        Assert.True(OtpWall.Core.Spending.TeamKeyService.TryParseAmount(typed, out var onTeam) && onTeam == (decimal)expected);
    }

    [Fact]
    public async Task AMemberWhoBuysWithTheTeamKeyOnly_IsNotOfferedAPersonalWarningOrTopUp()
    {
        // The first person is the administrator: they save a team key and set themselves to it.
        var teamKeys = Services.GetRequiredService<OtpWall.Core.Spending.TeamKeyService>();
        Assert.True((await teamKeys.SaveAsync(UserId, (await Sandbox.NewAccountAsync(6.00m)).Reveal())).Saved);
        Assert.Null(await teamKeys.SetKeyModeAsync(UserId, UserId, OtpWall.Core.ApiKeys.KeyMode.Team));

        var wallet = Render<WalletPage>();

        // Once the page knows who pays (the team balance shows), it offers no personal warning or top-up.
        wallet.WaitForAssertion(() => Assert.Equal("6.00 USD", wallet.Find("[data-testid=wallet-team-balance]").TextContent.Trim()));
        Assert.Empty(wallet.FindAll("[data-testid=wallet-low-threshold]"));
        Assert.Empty(wallet.FindAll("[data-testid=wallet-top-up]"));
    }

    [Fact]
    public void WithoutAKey_TheAppBarSaysSo()
    {
        var bar = Render<AppBarBalance>();
        bar.WaitForAssertion(() => Assert.Contains("No API key", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal));
    }
}

/// <summary>The dashboard pointed at the real OTPWALL (no simulator anywhere).</summary>
public sealed class RealOtpwallWalletTests : DashboardPageContext, IClassFixture<SandboxServer>
{
    public RealOtpwallWalletTests(SandboxServer sandbox) : base(sandbox) =>
        Services.AddSingleton(new OtpWall.Dashboard.SandboxMode.UpstreamMode(IsSandbox: false, InApp: false));

    [Fact]
    public void Wallet_LinksToOtpwallsTopUpPage_AndSaysNothingOfASandbox()
    {
        var wallet = Render<WalletPage>();

        wallet.WaitForAssertion(() => Assert.Equal("https://otpwall.online/", wallet.Find("[data-testid=wallet-top-up]").GetAttribute("href")));
        Assert.Empty(wallet.FindAll("[data-testid=wallet-sandbox-money]"));
    }
}
