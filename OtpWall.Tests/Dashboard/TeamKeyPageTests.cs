using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;
using OtpWall.Dashboard.Components.Layout;
using OtpWall.Dashboard.Components.Pages.Activations;
using OtpWall.Dashboard.Components.Pages.Buy;
using OtpWall.Dashboard.Components.Pages.Team;
using OtpWall.Dashboard.Components.Pages.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

/// <summary>The team key on the pages: the administrator's Team page, and what a member sees on Buy, Wallet and Live activations.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamKeyPageTests(SandboxServer sandbox) : DashboardPageContext(sandbox), IClassFixture<SandboxServer>
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");

    private TeamKeyService TeamKeys => Services.GetRequiredService<TeamKeyService>();

    // Letters at the end, so its last four cannot turn up by chance in a number, a price or a date.
    private async Task<OtpWallApiKey> NewTeamAccountAsync(decimal balance)
    {
        var key = OtpWallApiKey.Parse("T" + Guid.NewGuid().ToString("N")[..27] + "QzXw");
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(
            Sandbox.Control, "keys", new { key = key.Reveal(), balance, currency = "USD" });
        response.EnsureSuccessStatusCode();
        return key;
    }

    private async Task<OtpWallApiKey> SaveTeamKeyAsync(decimal balance = 10.00m)
    {
        var key = await NewTeamAccountAsync(balance);
        Assert.True((await TeamKeys.SaveAsync(UserId, key.Reveal())).Saved);
        return key;
    }

    private async Task<string> MemberAsync(string email)
    {
        var registration = Services.GetRequiredService<RegistrationService>();
        await registration.SetPolicyAsync(UserId, RegistrationPolicy.Open);
        var registered = await registration.RegisterAsync(email, "another long passphrase", null);
        Assert.True(registered.Succeeded, string.Join(" ", registered.Errors));
        return registered.User!.Id;
    }

    [Fact]
    public async Task TheAppBar_FollowsAnAdministratorSwitchingThePersonToTheTeamKey_WithoutAReload()
    {
        await SaveTeamKeyAsync(7.00m);
        var bar = Render<AppBarBalance>();
        bar.WaitForAssertion(() => Assert.Contains("No API key", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal));

        Assert.Null(await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Team));

        bar.WaitForAssertion(() =>
        {
            Assert.Contains("7.00 USD", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Team", bar.Find("[data-testid=appbar-balance]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SavingTheTeamKey_ShowsOnlyItsLastFour_AndTheTeamBalance_AndEmptiesTheField()
    {
        var key = await NewTeamAccountAsync(42.00m);
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => Assert.Contains("No team key saved", cut.Find("[data-testid=teamkey-status]").TextContent, StringComparison.Ordinal));

        cut.Find("[data-testid=teamkey-input]").Input(key.Reveal());
        await cut.Find("[data-testid=teamkey-save]").Closest("form")!.SubmitAsync();

        cut.WaitForAssertion(() =>
        {
            var status = cut.Find("[data-testid=teamkey-status]").TextContent;
            Assert.Contains("••••••••QzXw", status, StringComparison.Ordinal);
            Assert.Contains("team balance 42.00 USD", status, StringComparison.Ordinal);
        });
        Assert.Equal("", cut.Find("[data-testid=teamkey-input]").GetAttribute("value") ?? "");
        Assert.DoesNotContain(key.Reveal(), cut.Markup, StringComparison.Ordinal);
        Assert.Equal(key, (await Services.GetRequiredService<TeamKeyVault>().GetAsync()).Key);
    }

    [Fact]
    public async Task AKeyWithTheWrongShape_IsRefusedWithASentence_AndNothingIsSent()
    {
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=teamkey-input]"));

        cut.Find("[data-testid=teamkey-input]").Input("not-a-key");
        await cut.Find("[data-testid=teamkey-save]").Closest("form")!.SubmitAsync();

        cut.WaitForAssertion(() => Assert.Contains(ApiKeyService.FormatMessage, cut.Markup, StringComparison.Ordinal));
        Assert.Equal(StoredKeyState.Missing, (await TeamKeys.GetStatusAsync(UserId)).State);
    }

    [Fact]
    public async Task ReplacingTheTeamKeyWithOpenNumbers_AsksFirst_SayingHowMany()
    {
        var first = await SaveTeamKeyAsync();
        await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Team);
        Assert.Equal(BuyOutcome.Bought, (await Services.GetRequiredService<Purchases>().BuyAsync(UserId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team)).Outcome);
        var second = await NewTeamAccountAsync(5.00m);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => Assert.Contains("1 number bought with it is open", cut.Find("[data-testid=teamkey-status]").TextContent, StringComparison.Ordinal));

        cut.Find("[data-testid=teamkey-input]").Input(second.Reveal());
        var keeping = cut.Find("[data-testid=teamkey-save]").Closest("form")!.SubmitAsync();
        dialogs.WaitForAssertion(() => Assert.Contains(
            $"1 number bought with the team key ending in {first.LastFour} is still open", dialogs.Find("[data-testid=confirm-dialog]").TextContent, StringComparison.Ordinal));
        await dialogs.Find("[data-testid=confirm-no]").ClickAsync(new());
        await keeping;

        Assert.Equal(first, (await Services.GetRequiredService<TeamKeyVault>().GetAsync()).Key);
    }

    [Fact]
    public async Task ARefusedLimit_IsSaidUnderItsRow_AndTakesAwayTheSavedMessageStillShowing()
    {
        await MemberAsync("member@example.com");
        await MemberAsync("second@example.com");
        var cut = Render<TeamPage>();
        var snackbar = Services.GetRequiredService<MudBlazor.ISnackbar>();
        cut.WaitForAssertion(() => cut.Find("[data-email='member@example.com'] [data-testid=member-keymode]"));

        await cut.Find("[data-email='member@example.com'] [data-testid=member-keymode]").ChangeAsync(new() { Value = "Team" });
        cut.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "member@example.com buys with the team key."));
        await cut.Find("[data-email='member@example.com'] [data-testid=member-budget-month]").ChangeAsync(new() { Value = "lots" });

        cut.WaitForAssertion(() => Assert.Contains("member@example.com: The monthly limit 'lots' is not an amount",
            cut.Find("[data-email='member@example.com'] + tr [data-testid=error-message]").TextContent, StringComparison.Ordinal));
        Assert.Empty(snackbar.ShownSnackbars);
        Assert.Single(cut.FindAll("[data-testid=error-message]"));
    }

    [Fact]
    public async Task AMembersKeyModeAndLimits_AreSetInTheirRow_AndALimitThatIsNotAnAmountIsExplained()
    {
        var member = await MemberAsync("member@example.com");
        var cut = Render<TeamPage>();
        cut.WaitForAssertion(() => cut.Find("[data-email='member@example.com'] [data-testid=member-keymode]"));

        await cut.Find("[data-email='member@example.com'] [data-testid=member-keymode]").ChangeAsync(new() { Value = "Both" });
        await cut.Find("[data-email='member@example.com'] [data-testid=member-budget-day]").ChangeAsync(new() { Value = "two euros" });
        cut.WaitForAssertion(() => Assert.Contains("member@example.com: The daily limit 'two euros' is not an amount", cut.Find("[data-testid=error-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal("two euros", cut.Find("[data-email='member@example.com'] [data-testid=member-budget-day]").GetAttribute("value"));
        await cut.Find("[data-email='member@example.com'] [data-testid=member-budget-day]").ChangeAsync(new() { Value = "1,5" });
        await cut.Find("[data-email='member@example.com'] [data-testid=member-budget-month]").ChangeAsync(new() { Value = "30" });

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=error-message]")));
        var policy = await Services.GetRequiredService<SpendingService>().GetPolicyAsync(member);
        Assert.Equal((KeyMode.Both, 1.50m, 30m), (policy.KeyMode, policy.DailyLimit, policy.MonthlyLimit));
        Assert.Equal("1.50", cut.Find("[data-email='member@example.com'] [data-testid=member-budget-day]").GetAttribute("value"));
    }

    [Fact]
    public async Task WithTheTeamKey_BuySaysWhoPaysAndWhatIsLeft_ThenRefusesPastTheLimitWithTheReason()
    {
        await SaveTeamKeyAsync();
        await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Team);
        Assert.Null(await TeamKeys.SetLimitsAsync(UserId, UserId, "0.30", ""));
        await Services.GetRequiredService<BuyPreferences>().SetFavouriteAsync(UserId, Telegram, Pakistan, true);

        var cut = Render<BuyPage>();
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Paid with the team key", cut.Find("[data-testid=buy-payer]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Team-key budget left: 0.30 USD today", cut.Find("[data-testid=buy-budget-left]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Team balance: 10.00 USD", cut.Find("[data-testid=buy-balance]").TextContent, StringComparison.Ordinal);
        });
        var activations = Services.GetRequiredService<ActivationService>();
        var purchases = Services.GetRequiredService<Purchases>();
        await purchases.BuyAsync(UserId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team);
        await purchases.BuyAsync(UserId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team);

        await cut.ClickWhenReadyAsync("[data-testid=quick-buy]");

        // Said once, in the budget line (not again as the purchase's error), and Buy cannot be clicked any more.
        cut.WaitForAssertion(() => Assert.Contains(
            "Your team-key limit for today is reached: 0.46 USD spent of 0.30 USD. It resets at 00:00 on",
            cut.Find("[data-testid=buy-budget-left]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=buy-error]"));
        Assert.NotNull(cut.Find("[data-testid=buy-submit]").GetAttribute("disabled"));
        Assert.Equal(2, (await Services.GetRequiredService<ActivationQueries>().LiveAsync(UserId)).Count);
    }

    [Fact]
    public async Task WithBothKeysAllowed_ThePersonChoosesWhoPays_AndTheirOwnKeyIsTheDefault()
    {
        await SaveTeamKeyAsync(20.00m);
        await Services.GetRequiredService<ApiKeyVault>().SaveAsync(UserId, await Sandbox.NewAccountAsync(3.00m));
        await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Both);

        var cut = Render<BuyPage>();
        cut.WaitForAssertion(() => Assert.Contains("Balance: 3.00 USD", cut.Find("[data-testid=buy-balance]").TextContent, StringComparison.Ordinal));
        Assert.Equal("own", cut.Find("[data-testid=buy-payer]").GetAttribute("data-payer"));

        await cut.FindAll("[data-testid=buy-payer] input[type=radio]")[1].ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("team", cut.Find("[data-testid=buy-payer]").GetAttribute("data-payer"));
            Assert.Contains("Team balance: 20.00 USD", cut.Find("[data-testid=buy-balance]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task AMemberWhoBuysWithTheTeamKey_SeesItsBalanceAndTheirBudget_NeverTheKey()
    {
        var key = await SaveTeamKeyAsync(10.00m);
        await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Team);
        Assert.Null(await TeamKeys.SetLimitsAsync(UserId, UserId, "2", "20"));
        var bought = (await Services.GetRequiredService<Purchases>().BuyAsync(UserId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team)).Activation!;

        var wallet = Render<WalletPage>();
        var buy = Render<BuyPage>();
        var live = Render<ActivationsPage>();

        wallet.WaitForAssertion(() =>
        {
            Assert.Equal($"{10.00m - bought.Price!.Value:0.00} USD", wallet.Find("[data-testid=wallet-team-balance]").TextContent.Trim());
            Assert.Contains($"{2m - bought.Price.Value:0.00} USD left today", wallet.Find("[data-testid=wallet-budget]").TextContent, StringComparison.Ordinal);
        });
        live.WaitForAssertion(() => Assert.Equal("team", live.Find("[data-testid=activation-payer]").TextContent));
        buy.WaitForAssertion(() => buy.Find("[data-testid=buy-budget-left]"));
        foreach (var markup in new[] { wallet.Markup, buy.Markup, live.Markup })
        {
            Assert.DoesNotContain(key.Reveal(), markup, StringComparison.Ordinal);
            Assert.DoesNotContain(key.LastFour, markup, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BelowTheAdministratorsThreshold_EveryoneWhoBuysWithTheTeamKey_SeesAWarningInTheAppBar()
    {
        await SaveTeamKeyAsync(4.00m);
        Assert.Null(await Services.GetRequiredService<LowBalanceWarnings>().SetForTeamAsync(UserId, "5"));

        var ownKeyOnly = Render<TeamBalanceWarning>();
        await TeamKeys.SetKeyModeAsync(UserId, UserId, KeyMode.Team);
        var teamKey = Render<TeamBalanceWarning>();

        teamKey.WaitForAssertion(() => Assert.Equal("Team balance low: 4.00 USD", teamKey.Find("[data-testid=team-balance-low]").GetAttribute("aria-label")));
        Assert.Empty(ownKeyOnly.FindAll("[data-testid=team-balance-low]"));
    }
}
