using System.Text;
using Microsoft.EntityFrameworkCore;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>The team's own OTPWALL account: who may spend from it, with which key each number is followed, and what it cost.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamKeyTests(SandboxServer sandbox) : TeamKeyTestBase(sandbox), IClassFixture<SandboxServer>
{
    [Fact]
    public async Task TheTeamKey_IsSavedEncrypted_ShownAsItsLastFour_AndOnlyToAdministrators()
    {
        var key = await SaveTeamKeyAsync();
        var member = await MemberAsync("member@example.com", KeyMode.Team);

        var status = await Team.GetStatusAsync(Admin);
        Assert.Equal((StoredKeyState.Available, key.LastFour), (status.State, status.LastFour));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.GetStatusAsync(member));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SaveAsync(member, key.Reveal()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SetKeyModeAsync(member, member, KeyMode.Both));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SetLimitsAsync(member, member, "", ""));

        var database = await TestDatabase.ReadEverythingAsync(Core.DataDirectory);
        Assert.DoesNotContain(key.Reveal(), Encoding.UTF8.GetString(database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyOtpwallRefuses_IsNotSavedAsTheTeamKey()
    {
        var saved = await Team.SaveAsync(Admin, OtpWallApiKey.Parse(Guid.NewGuid().ToString("N")).Reveal());

        Assert.False(saved.Saved);
        Assert.Contains("refused", saved.Message, StringComparison.Ordinal);
        Assert.Equal(StoredKeyState.Missing, (await Team.GetStatusAsync(Admin)).State);
    }

    [Fact]
    public async Task AMember_BuysOnlyWithTheKeysTheAdministratorAllows()
    {
        await SaveTeamKeyAsync();
        var ownOnly = await MemberAsync("own@example.com", KeyMode.Own);
        var teamOnly = await MemberAsync("team@example.com", KeyMode.Team);
        await Core.Get<ApiKeyVault>().SaveAsync(ownOnly, await Sandbox.NewAccountAsync());
        await Core.Get<ApiKeyVault>().SaveAsync(teamOnly, await Sandbox.NewAccountAsync());

        var refusedTeam = await BuyWithTeamKeyAsync(ownOnly);
        var refusedOwn = await Buying.BuyAsync(teamOnly, Guid.NewGuid(), Telegram, Pakistan, Payer.Own);

        Assert.Equal(BuyOutcome.Refused, refusedTeam.Outcome);
        Assert.Equal("An administrator set you to buy with your own key only.", refusedTeam.Message);
        Assert.Equal(BuyOutcome.Refused, refusedOwn.Outcome);
        Assert.Equal("An administrator set you to buy with the team key only.", refusedOwn.Message);
        Assert.Empty(await ActivationsAsync());
    }

    [Fact]
    public async Task BuyingWithTheTeamKey_ChargesTheTeamAccount_AndRecordsTheTeamKeysFingerprintAndThePrice()
    {
        var teamKey = await SaveTeamKeyAsync(10.00m);
        var member = await MemberAsync("buyer@example.com", KeyMode.Both);
        var ownKey = await Sandbox.NewAccountAsync(4.00m);
        await Core.Get<ApiKeyVault>().SaveAsync(member, ownKey);

        var bought = await BuyWithTeamKeyAsync(member);

        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        Assert.Equal((Payer.Team, TelegramInPakistan, false), (bought.Activation!.Payer, bought.Activation.Price, bought.Activation.PriceEstimated));
        Assert.Equal(10.00m - TelegramInPakistan, BalanceOf(teamKey));
        Assert.Equal(4.00m, BalanceOf(ownKey));
        Assert.Equal(teamKey.Fingerprint, (await ActivationsAsync()).Single().KeyFingerprint);
    }

    [Fact]
    public async Task WhenTheTeamKeyIsReplaced_ItsOpenActivation_IsFollowedAndCompletedWithIt_ThenTheOldKeyIsDeleted()
    {
        var firstKey = await SaveTeamKeyAsync();
        var member = await MemberAsync("replaced@example.com", KeyMode.Team);
        var bought = (await BuyWithTeamKeyAsync(member)).Activation!;
        Assert.Equal(1, (await Team.GetStatusAsync(Admin)).OpenActivations);

        var secondKey = await SaveTeamKeyAsync();
        Assert.Equal(0, (await Team.GetStatusAsync(Admin)).OpenActivations);
        Assert.Equal(2, await StoredTeamKeysAsync());

        await Sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 440022");
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        Assert.Equal("440022", (await Core.Get<ActivationQueries>().GetAsync(member, bought.Id))!.Code);

        var completed = await Activations.CompleteAsync(member, bought.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal(1, await StoredTeamKeysAsync());
        Assert.Equal(secondKey.LastFour, (await Team.GetStatusAsync(Admin)).LastFour);
        Assert.Equal(10.00m - TelegramInPakistan, BalanceOf(firstKey));
    }

    [Fact]
    public async Task AfterTheTeamKeyIsRemoved_ItsOpenActivation_CanStillBeCancelledForARefund()
    {
        var key = await SaveTeamKeyAsync();
        var member = await MemberAsync("removed@example.com", KeyMode.Team);
        var bought = (await BuyWithTeamKeyAsync(member)).Activation!;

        Assert.True(await Team.RemoveAsync(Admin));
        Assert.Equal(StoredKeyState.Missing, (await Team.GetStatusAsync(Admin)).State);
        var refused = await BuyWithTeamKeyAsync(member);
        var cancelled = await Activations.CancelAsync(member, bought.Id);

        Assert.Equal("No team key is saved. An administrator adds it on the Team page.", refused.Message);
        Assert.True(cancelled.Confirmed, cancelled.Message);
        Assert.Equal(10.00m, BalanceOf(key));
        Assert.Equal(0, await StoredTeamKeysAsync());
    }

    [Fact]
    public async Task AMemberSwitchedFromTeamToOwnKey_MidActivation_StillHasItFollowedAndCompletedWithTheTeamKey()
    {
        var teamKey = await SaveTeamKeyAsync();
        var member = await MemberAsync("switched@example.com", KeyMode.Team);
        var ownKey = await Sandbox.NewAccountAsync(3.00m);
        await Core.Get<ApiKeyVault>().SaveAsync(member, ownKey);
        var bought = (await BuyWithTeamKeyAsync(member)).Activation!;

        Assert.Null(await Team.SetKeyModeAsync(Admin, member, KeyMode.Own));
        await Sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 771100");
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        var completed = await Activations.CompleteAsync(member, bought.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal("771100", (await Core.Get<ActivationQueries>().GetAsync(member, bought.Id))!.Code);
        Assert.Equal(10.00m - TelegramInPakistan, BalanceOf(teamKey));
        Assert.Equal(3.00m, BalanceOf(ownKey));
        Assert.Equal(BuyOutcome.Refused, (await BuyWithTeamKeyAsync(member)).Outcome);
    }

    [Fact]
    public async Task TwoMembersBuyingWithTheTeamKeyAtOnce_EachIsChargedItsOwnPrice()
    {
        var key = await SaveTeamKeyAsync();
        var first = await MemberAsync("first@example.com", KeyMode.Team);
        var second = await MemberAsync("second@example.com", KeyMode.Team);

        // Each purchase reads the balance, buys and reads it again; with 300 ms per call they would overlap for certain,
        // and each one's "balance before minus after" would include the other's price. They take turns instead.
        await Sandbox.SetFaultsAsync(new { latencyMs = 300 });
        var one = BuyWithTeamKeyAsync(first);
        await RefundDuringPurchases.OnItsWayAsync(one, Core.Get<IDbContextFactory<OtpWallDbContext>>(), first);
        var results = await Task.WhenAll(one, BuyWithTeamKeyAsync(second));

        Assert.All(results, r => Assert.Equal((BuyOutcome.Bought, TelegramInPakistan, false), (r.Outcome, r.Activation!.Price, r.Activation.PriceEstimated)));
        Assert.Equal(10.00m - 2 * TelegramInPakistan, BalanceOf(key));
    }

    [Fact]
    public async Task ARefundOfTheTeamKeyDuringAPurchase_IsNotTakenForItsPrice_ThePairsLastPriceIsUsedAndMarked()
    {
        await SaveTeamKeyAsync();
        var buyer = await MemberAsync("buyer@example.com", KeyMode.Team);
        var canceller = await MemberAsync("canceller@example.com", KeyMode.Team);
        Assert.Equal(TelegramInPakistan, (await BuyWithTeamKeyAsync(buyer)).Activation!.Price);
        var cheap = (await Buying.BuyAsync(canceller, Guid.NewGuid(), new Service("yahoo", "Yahoo"), new Country("IN", "India"), Payer.Team)).Activation!;
        Assert.True(cheap.Price < TelegramInPakistan);

        // Balance reads take a real round trip (300 ms); the cancel leaves once the purchase has read the balance before and
        // sent the purchase itself, so its refund lands while the balance after is on its way: between the two reads.
        // (Waiting only for the first read to reach OTPWALL raced: a cancel slowed by the load could land after the second
        // read, its refund still unsettled, and the price was then rightly counted at its most.)
        await Sandbox.SetFaultsAsync(new { latencyMs = 300, pathContains = "/balance" });
        var purchases = await Sandbox.RequestCountAsync("POST /number");
        var buying = BuyWithTeamKeyAsync(buyer);
        await Eventually.TrueAsync(async () => await Sandbox.RequestCountAsync("POST /number") > purchases, "the purchase read the balance and was sent", everyMs: 10);
        Assert.True((await Activations.CancelAsync(canceller, cheap.Id)).Confirmed); // refunded while the purchase measures
        var bought = await buying;

        Assert.Equal((TelegramInPakistan, true), (bought.Activation!.Price, bought.Activation.PriceEstimated));
    }

    [Fact]
    public async Task OneMembersOwnPurchases_AreMeasuredExactly_WhileOthersSpendFromTheTeamKey()
    {
        await SaveTeamKeyAsync();
        var teamBuyer = await MemberAsync("teambuyer@example.com", KeyMode.Team);
        var ownBuyer = await MemberAsync("ownbuyer@example.com", KeyMode.Own);
        await Core.Get<ApiKeyVault>().SaveAsync(ownBuyer, await Sandbox.NewAccountAsync());

        await Sandbox.SetFaultsAsync(new { latencyMs = 200 });
        var results = await Task.WhenAll(BuyWithTeamKeyAsync(teamBuyer), Buying.BuyAsync(ownBuyer, Guid.NewGuid(), Telegram, Pakistan));

        Assert.All(results, r => Assert.Equal((TelegramInPakistan, false), (r.Activation!.Price, r.Activation.PriceEstimated)));
    }

    [Fact]
    public async Task TheTeamBalance_IsReadFromOtpwallOncePer10Seconds_HoweverManyMembersLook()
    {
        await SaveTeamKeyAsync(7.50m);
        Clock.Advance(TimeSpan.FromSeconds(11));
        var wallet = Core.Get<WalletService>();
        var before = await Sandbox.RequestCountAsync("GET /balance");

        var readings = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => wallet.ReadAsync(TeamKeyVault.Account)));
        Clock.Advance(TimeSpan.FromSeconds(5));
        await wallet.ReadAsync(TeamKeyVault.Account);

        Assert.All(readings, r => Assert.Equal(7.50m, r.Balance!.Amount));
        Assert.Equal(1, await Sandbox.RequestCountAsync("GET /balance") - before);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("5", "5")]
    [InlineData("2.50", "2.50")]
    [InlineData("1,25", "1.25")]
    public void AnAmountTyped_IsReadWithUpToTwoDecimals(string typed, string? expected)
    {
        Assert.True(TeamKeyService.TryParseAmount(typed, out var amount));
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.234")]
    [InlineData("ten")]
    [InlineData("1e3")]
    [InlineData("2000000")]
    public async Task ALimitThatIsNotAnAmount_IsRefusedWithASentence(string typed)
    {
        var member = await MemberAsync("limits@example.com", KeyMode.Team);

        var problem = await Team.SetLimitsAsync(Admin, member, typed, "");

        Assert.Contains("is not an amount", problem?.Message, StringComparison.Ordinal);
        Assert.Null((await Core.Get<SpendingService>().GetPolicyAsync(member)).DailyLimit);
    }

    // A team-key purchase whose answer was lost: what a member can attach an OTPWALL id to.
}
