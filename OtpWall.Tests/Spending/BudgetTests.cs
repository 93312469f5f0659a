using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>Team-key limits per member: what counts as spent, when a period resets, and that nobody gets past one by racing.</summary>
[Trait("Database", "BothEngines")]
public sealed class BudgetTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private static readonly decimal Price = SandboxCatalogue.Price(
        SandboxCatalogue.Services.Single(s => s.Code == "telegram"), SandboxCatalogue.Countries.Single(c => c.Code == "PK"));

    // 23:30 on 30 November in New York (UTC-5): already 1 December in UTC.
    private static readonly DateTimeOffset LateOnTheLastDayInNewYork = new(2026, 11, 30, 23, 30, 0, TimeSpan.FromHours(-5));

    // In UTC, as the server's clock gives it: a clock with New York's offset hid that budget days were compared in local ticks.
    private readonly FakeTimeProvider _time = new(LateOnTheLastDayInNewYork.ToUniversalTime());
    private CoreServices _core = null!;
    private string _admin = null!;
    private string _member = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(sandbox, _time, settings: new Dictionary<string, string?> { ["OtpWall:Spending:TimeZone"] = "America/New_York" });
        _admin = await _core.NewUserAsync("admin@example.com");
        Assert.True((await _core.Get<TeamKeyService>().SaveAsync(_admin, (await sandbox.NewAccountAsync(50.00m)).Reveal())).Saved);
        _member = await MemberAsync("member@example.com");
    }

    public async Task DisposeAsync()
    {
        await sandbox.ClearFaultsAsync();
        await _core.DisposeAsync();
    }

    private SpendingService Spending => _core.Get<SpendingService>();

    private async Task<string> MemberAsync(string email)
    {
        var member = await _core.NewUserAsync(email);
        Assert.Null(await _core.Get<TeamKeyService>().SetKeyModeAsync(_admin, member, KeyMode.Team));
        return member;
    }

    private async Task LimitAsync(string member, string daily, string monthly = "") =>
        Assert.Null(await _core.Get<TeamKeyService>().SetLimitsAsync(_admin, member, daily, monthly));

    private Task<BuyResult> BuyAsync(string member) => _core.Get<Purchases>().BuyAsync(member, Guid.NewGuid(), Telegram, Pakistan, Payer.Team);

    [Fact]
    public async Task SpentCountsWhatWasNotRefunded_AndAPurchaseIsAllowedWhileSpentIsBelowTheLimit()
    {
        await LimitAsync(_member, "0.50");
        var first = await BuyAsync(_member);
        var second = await BuyAsync(_member);
        Assert.Equal(2 * Price, (await Spending.GetStatusAsync(_member)).Day!.Spent);

        Assert.True((await _core.Get<ActivationService>().CancelAsync(_member, second.Activation!.Id)).Confirmed);
        Assert.Equal(Price, (await Spending.GetStatusAsync(_member)).Day!.Spent);

        Assert.Equal(BuyOutcome.Bought, (await BuyAsync(_member)).Outcome);
        Assert.Equal(BuyOutcome.Bought, (await BuyAsync(_member)).Outcome); // 0.46 spent is still below 0.50: this one crosses it
        var status = await Spending.GetStatusAsync(_member);
        var refused = await BuyAsync(_member);

        Assert.Equal(3 * Price, status.Day!.Spent);
        Assert.Equal(0m, status.Day.Left);
        Assert.Equal(BuyOutcome.Refused, refused.Outcome);
        Assert.Equal(
            $"Your team-key limit for today is reached: {3 * Price:0.00} USD spent of 0.50 USD. It resets at 00:00 on 1 Dec 2026 (America/New_York). " +
            "An administrator can raise it on the Team page.", refused.Message);
        Assert.Equal(BuyOutcome.Bought, first.Outcome);
    }

    [Fact]
    public async Task DaysAndMonths_FollowTheInstancesTimeZone_NotUtc()
    {
        await LimitAsync(_member, "5", "20");
        Assert.Equal(BuyOutcome.Bought, (await BuyAsync(_member)).Outcome);

        var lateInNovember = await Spending.GetStatusAsync(_member);
        _time.Advance(TimeSpan.FromMinutes(45)); // 00:15 on 1 December in New York
        var earlyInDecember = await Spending.GetStatusAsync(_member);

        Assert.Equal((Price, Price), (lateInNovember.Day!.Spent, lateInNovember.Month!.Spent));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), lateInNovember.Day.ResetsAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), lateInNovember.Month.ResetsAt);
        Assert.Equal((0m, 0m), (earlyInDecember.Day!.Spent, earlyInDecember.Month!.Spent));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 5, 0, 0, TimeSpan.Zero), earlyInDecember.Month.ResetsAt);
    }

    [Fact]
    public async Task TheMonthlyLimit_RefusesAcrossDays_UntilTheMonthTurns()
    {
        await LimitAsync(_member, "", "0.40");
        _time.Advance(TimeSpan.FromHours(1)); // 1 December
        await BuyAsync(_member);
        await BuyAsync(_member);
        _time.Advance(TimeSpan.FromDays(3));

        var refused = await BuyAsync(_member);
        _time.Advance(TimeSpan.FromDays(28)); // 1 January, 00:30

        Assert.StartsWith("Your team-key limit for this month is reached", refused.Message, StringComparison.Ordinal);
        Assert.Contains("resets at 00:00 on 1 Jan 2027 (America/New_York)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(BuyOutcome.Bought, (await BuyAsync(_member)).Outcome);
    }

    [Fact]
    public async Task ADaysLength_FollowsDaylightSaving()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var springForward = BudgetPeriods.Day(new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.FromHours(2)), zone);
        var fallBack = BudgetPeriods.Day(new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.FromHours(1)), zone);

        Assert.Equal(TimeSpan.FromHours(23), springForward.End - springForward.Start);
        Assert.Equal(TimeSpan.FromHours(25), fallBack.End - fallBack.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), springForward.Start);
    }

    [Fact]
    public async Task TwoTabsAndTwoMembersBuyingAtOnce_AtTheLimit_CrossItByOnePurchaseAtMost()
    {
        var other = await MemberAsync("other@example.com");
        await LimitAsync(_member, "0.50");
        await LimitAsync(other, "0.50");
        await sandbox.SetFaultsAsync(new { latencyMs = 40 });

        // Four tabs (two per member) keep clicking Buy until the limit refuses them.
        async Task<int> TabAsync(string member)
        {
            var bought = 0;
            for (var click = 0; click < 20; click++)
            {
                var result = await BuyAsync(member);
                if (result.Outcome == BuyOutcome.Bought) bought++;
                else if (result.Message.Contains("limit", StringComparison.Ordinal)) return bought;
                else await Task.Delay(10); // "another purchase is still in progress": the other tab holds the gate
            }
            return bought;
        }
        var bought = await Task.WhenAll(TabAsync(_member), TabAsync(_member), TabAsync(other), TabAsync(other));

        var limit = 0.50m;
        var mostAllowed = (int)Math.Ceiling(limit / Price); // the last allowed purchase starts below the limit
        Assert.Equal(mostAllowed, bought[0] + bought[1]);
        Assert.Equal(mostAllowed, bought[2] + bought[3]);
        Assert.All(new[] { _member, other }, m => Assert.True(Spending.GetStatusAsync(m).Result.Day!.Spent < limit + Price));
    }

    [Fact]
    public async Task ARefundLandingDuringEveryPurchaseOfANeverBoughtPair_UnderARealRoundTrip_CrossesTheLimitByOnePurchaseAtMost()
    {
        var bob = await MemberAsync("bob@example.com");
        var bobs = new Queue<Guid>();
        for (var number = 0; number < 8; number++) bobs.Enqueue((await BuyAsync(bob)).Activation!.Id);
        const decimal Limit = 3.00m;
        await LimitAsync(_member, "3.00");
        await sandbox.SetFaultsAsync(new { latencyMs = 300 });

        var activations = _core.Get<ActivationService>();
        var (bought, refusal) = await RefundDuringPurchases.RunAsync(
            _core.Get<Purchases>(), activations, _core.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>(), _member, bob, bobs);

        Assert.StartsWith("Your team-key limit for today is reached", refusal, StringComparison.Ordinal);
        var reallySpent = bought * RefundDuringPurchases.Price;
        Assert.True(reallySpent < Limit + RefundDuringPurchases.Price, $"{bought} bought: {reallySpent} of team money against a limit of {Limit}");
        Assert.True((await Spending.GetStatusAsync(_member)).Day!.Spent >= reallySpent, "the page counts at least what was really spent");
    }

    [Fact]
    public async Task AMemberWithBothKeys_IsToldTheyCanStillUseTheirOwn()
    {
        var both = await _core.NewUserAsync("both@example.com");
        Assert.Null(await _core.Get<TeamKeyService>().SetKeyModeAsync(_admin, both, KeyMode.Both));
        await LimitAsync(both, "0.01");
        await BuyAsync(both);

        var refused = await BuyAsync(both);

        Assert.EndsWith("You can still buy with your own key.", refused.Message, StringComparison.Ordinal);
    }
}

public sealed class SpendingOptionsTests
{
    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    public void AKnownTimeZone_IsAccepted(string zone) =>
        Assert.Empty(new SpendingOptions { TimeZone = zone }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())));

    [Fact]
    public void AnUnknownTimeZone_FailsTheOptionsValidation_WithASentenceThatNamesIt()
    {
        var problem = Assert.Single(new SpendingOptions { TimeZone = "Mars/Olympus_Mons" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())));

        Assert.Equal("OtpWall:Spending:TimeZone 'Mars/Olympus_Mons' is not a time zone this server knows (for example UTC, Europe/Berlin or America/New_York).", problem.ErrorMessage);
    }
}
