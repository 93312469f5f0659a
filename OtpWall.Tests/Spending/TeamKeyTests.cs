using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>The team's own OTPWALL account: who may spend from it, with which key each number is followed, and what it cost.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamKeyTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private static readonly decimal TelegramInPakistan = SandboxCatalogue.Price(
        SandboxCatalogue.Services.Single(s => s.Code == "telegram"), SandboxCatalogue.Countries.Single(c => c.Code == "PK"));

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(sandbox, _time);
        _admin = await _core.NewUserAsync("admin@example.com");
    }

    public async Task DisposeAsync()
    {
        await sandbox.ClearFaultsAsync();
        await _core.DisposeAsync();
    }

    private TeamKeyService Team => _core.Get<TeamKeyService>();

    private ActivationService Activations => _core.Get<ActivationService>();


    private Purchases Buying => _core.Get<Purchases>();

    private async Task<OtpWallApiKey> SaveTeamKeyAsync(decimal balance = 10.00m)
    {
        var key = await sandbox.NewAccountAsync(balance);
        var saved = await Team.SaveAsync(_admin, key.Reveal());
        Assert.True(saved.Saved, saved.Message);
        return key;
    }

    private async Task<string> MemberAsync(string email, KeyMode mode)
    {
        var member = await _core.NewUserAsync(email);
        Assert.Null(await Team.SetKeyModeAsync(_admin, member, mode));
        return member;
    }

    private Task<BuyResult> BuyWithTeamKeyAsync(string userId) => Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team);

    private decimal BalanceOf(OtpWallApiKey key) => sandbox.Simulator.GetBalance(key.Reveal()).Balance;

    private async Task<List<Activation>> ActivationsAsync()
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().OrderBy(a => a.CreatedAt).ToListAsync();
    }

    private async Task<int> StoredTeamKeysAsync()
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.TeamApiKeys.CountAsync();
    }

    [Fact]
    public async Task TheTeamKey_IsSavedEncrypted_ShownAsItsLastFour_AndOnlyToAdministrators()
    {
        var key = await SaveTeamKeyAsync();
        var member = await MemberAsync("member@example.com", KeyMode.Team);

        var status = await Team.GetStatusAsync(_admin);
        Assert.Equal((StoredKeyState.Available, key.LastFour), (status.State, status.LastFour));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.GetStatusAsync(member));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SaveAsync(member, key.Reveal()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SetKeyModeAsync(member, member, KeyMode.Both));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Team.SetLimitsAsync(member, member, "", ""));

        var database = await TestDatabase.ReadEverythingAsync(_core.DataDirectory);
        Assert.DoesNotContain(key.Reveal(), Encoding.UTF8.GetString(database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyOtpwallRefuses_IsNotSavedAsTheTeamKey()
    {
        var saved = await Team.SaveAsync(_admin, OtpWallApiKey.Parse(Guid.NewGuid().ToString("N")).Reveal());

        Assert.False(saved.Saved);
        Assert.Contains("refused", saved.Message, StringComparison.Ordinal);
        Assert.Equal(StoredKeyState.Missing, (await Team.GetStatusAsync(_admin)).State);
    }

    [Fact]
    public async Task AMember_BuysOnlyWithTheKeysTheAdministratorAllows()
    {
        await SaveTeamKeyAsync();
        var ownOnly = await MemberAsync("own@example.com", KeyMode.Own);
        var teamOnly = await MemberAsync("team@example.com", KeyMode.Team);
        await _core.Get<ApiKeyVault>().SaveAsync(ownOnly, await sandbox.NewAccountAsync());
        await _core.Get<ApiKeyVault>().SaveAsync(teamOnly, await sandbox.NewAccountAsync());

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
        var ownKey = await sandbox.NewAccountAsync(4.00m);
        await _core.Get<ApiKeyVault>().SaveAsync(member, ownKey);

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
        Assert.Equal(1, (await Team.GetStatusAsync(_admin)).OpenActivations);

        var secondKey = await SaveTeamKeyAsync();
        Assert.Equal(0, (await Team.GetStatusAsync(_admin)).OpenActivations);
        Assert.Equal(2, await StoredTeamKeysAsync());

        await sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 440022");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        Assert.Equal("440022", (await _core.Get<ActivationQueries>().GetAsync(member, bought.Id))!.Code);

        var completed = await Activations.CompleteAsync(member, bought.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal(1, await StoredTeamKeysAsync());
        Assert.Equal(secondKey.LastFour, (await Team.GetStatusAsync(_admin)).LastFour);
        Assert.Equal(10.00m - TelegramInPakistan, BalanceOf(firstKey));
    }

    [Fact]
    public async Task AfterTheTeamKeyIsRemoved_ItsOpenActivation_CanStillBeCancelledForARefund()
    {
        var key = await SaveTeamKeyAsync();
        var member = await MemberAsync("removed@example.com", KeyMode.Team);
        var bought = (await BuyWithTeamKeyAsync(member)).Activation!;

        Assert.True(await Team.RemoveAsync(_admin));
        Assert.Equal(StoredKeyState.Missing, (await Team.GetStatusAsync(_admin)).State);
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
        var ownKey = await sandbox.NewAccountAsync(3.00m);
        await _core.Get<ApiKeyVault>().SaveAsync(member, ownKey);
        var bought = (await BuyWithTeamKeyAsync(member)).Activation!;

        Assert.Null(await Team.SetKeyModeAsync(_admin, member, KeyMode.Own));
        await sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 771100");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        var completed = await Activations.CompleteAsync(member, bought.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal("771100", (await _core.Get<ActivationQueries>().GetAsync(member, bought.Id))!.Code);
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
        await sandbox.SetFaultsAsync(new { latencyMs = 300 });
        var one = BuyWithTeamKeyAsync(first);
        await RefundDuringPurchases.OnItsWayAsync(one, _core.Get<IDbContextFactory<OtpWallDbContext>>(), first);
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
        await sandbox.SetFaultsAsync(new { latencyMs = 300, pathContains = "/balance" });
        var purchases = await sandbox.RequestCountAsync("POST /number");
        var buying = BuyWithTeamKeyAsync(buyer);
        await Eventually.TrueAsync(async () => await sandbox.RequestCountAsync("POST /number") > purchases, "the purchase read the balance and was sent", everyMs: 10);
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
        await _core.Get<ApiKeyVault>().SaveAsync(ownBuyer, await sandbox.NewAccountAsync());

        await sandbox.SetFaultsAsync(new { latencyMs = 200 });
        var results = await Task.WhenAll(BuyWithTeamKeyAsync(teamBuyer), Buying.BuyAsync(ownBuyer, Guid.NewGuid(), Telegram, Pakistan));

        Assert.All(results, r => Assert.Equal((TelegramInPakistan, false), (r.Activation!.Price, r.Activation.PriceEstimated)));
    }

    [Fact]
    public async Task TheTeamBalance_IsReadFromOtpwallOncePer10Seconds_HoweverManyMembersLook()
    {
        await SaveTeamKeyAsync(7.50m);
        _time.Advance(TimeSpan.FromSeconds(11));
        var wallet = _core.Get<WalletService>();
        var before = await sandbox.RequestCountAsync("GET /balance");

        var readings = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => wallet.ReadAsync(TeamKeyVault.Account)));
        _time.Advance(TimeSpan.FromSeconds(5));
        await wallet.ReadAsync(TeamKeyVault.Account);

        Assert.All(readings, r => Assert.Equal(7.50m, r.Balance!.Amount));
        Assert.Equal(1, await sandbox.RequestCountAsync("GET /balance") - before);
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

        var problem = await Team.SetLimitsAsync(_admin, member, typed, "");

        Assert.Contains("is not an amount", problem, StringComparison.Ordinal);
        Assert.Null((await _core.Get<SpendingService>().GetPolicyAsync(member)).DailyLimit);
    }

    // A team-key purchase whose answer was lost: what a member can attach an OTPWALL id to.
    private async Task<Guid> LostTeamPurchaseAsync(string userId, OtpWallApiKey teamKey)
    {
        var id = Guid.NewGuid();
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        db.Activations.Add(new Activation
        {
            Id = id, UserId = userId, PurchaseAttemptId = Guid.NewGuid(), Service = Telegram.Code, ServiceName = Telegram.Name,
            Country = Pakistan.Code, CountryName = Pakistan.Name, Status = ActivationStatus.OutcomeUnknown, Payer = Payer.Team,
            Note = "OTPWALL did not answer in time.", KeyFingerprint = teamKey.Fingerprint, CreatedAt = _time.GetUtcNow(),
            UpdatedAt = _time.GetUtcNow(), ExpiresAt = _time.GetUtcNow().AddMinutes(20),
        });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task<List<OtpWall.Core.Audit.AuditEntry>> AuditAsync(string action)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync();
    }

    [Fact]
    public async Task ATeammatesTeamKeyNumber_CannotBeTakenThroughAttach_AndTheTryIsAudited()
    {
        var teamKey = await SaveTeamKeyAsync();
        var alice = await MemberAsync("alice@example.com", KeyMode.Team);
        var mallory = await MemberAsync("mallory@example.com", KeyMode.Team);
        var alicesNumber = (await BuyWithTeamKeyAsync(alice)).Activation!;
        var lost = await LostTeamPurchaseAsync(mallory, teamKey);

        var taken = await Activations.AttachAsync(mallory, lost, alicesNumber.UpstreamId);

        Assert.False(taken.Confirmed);
        Assert.Equal($"Activation {alicesNumber.UpstreamId} belongs to another purchase recorded on this dashboard, so it cannot be attached to this one.", taken.Message);
        var rows = await ActivationsAsync();
        Assert.Null(rows.Single(a => a.Id == lost).UpstreamId);
        Assert.Equal(alice, rows.Single(a => a.UpstreamId == alicesNumber.UpstreamId).UserId);
        Assert.Null(await _core.Get<ActivationQueries>().GetAsync(mallory, alicesNumber.Id));
        var refused = Assert.Single(await AuditAsync(OtpWall.Core.Audit.AuditActions.AttachRefused));
        Assert.Equal(mallory, refused.ActorId);
        Assert.Empty(await AuditAsync(OtpWall.Core.Audit.AuditActions.Attach));
    }

    [Fact]
    public async Task TwoMembersAttachingTheSameIdAtOnce_UnderARealRoundTrip_OnlyOneGetsIt_AndThatOneIsAudited()
    {
        var teamKey = await SaveTeamKeyAsync();
        var alice = await MemberAsync("alice@example.com", KeyMode.Team);
        var bob = await MemberAsync("bob@example.com", KeyMode.Team);
        var alicesLost = await LostTeamPurchaseAsync(alice, teamKey);
        var bobsLost = await LostTeamPurchaseAsync(bob, teamKey);
        var bought = sandbox.Simulator.Buy(teamKey.Reveal(), Telegram.Code, Pakistan.Code); // what OTPWALL did with one of them
        await sandbox.SetFaultsAsync(new { latencyMs = 250 });

        var results = await Task.WhenAll(Activations.AttachAsync(alice, alicesLost, bought.Id), Activations.AttachAsync(bob, bobsLost, bought.Id));

        Assert.Single(results, r => r.Confirmed);
        Assert.Single(await ActivationsAsync(), a => a.UpstreamId == bought.Id);
        Assert.Single(await AuditAsync(OtpWall.Core.Audit.AuditActions.Attach));
    }
}
