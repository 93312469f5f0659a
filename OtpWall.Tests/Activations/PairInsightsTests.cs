using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Insights;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>What the team's own purchases say about a pair before anyone pays: last price, success, time to code, no numbers.</summary>
[Trait("Database", "BothEngines")]
public sealed class PairInsightsTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, _time);

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private async Task AddAsync(string userId, string service, string country, ActivationStatus status, TimeSpan ago,
        decimal? price = 0.50m, TimeSpan? codeAfter = null, bool estimated = false)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var created = _time.GetUtcNow() - ago;
        var activation = new Activation
        {
            Id = Guid.NewGuid(), UserId = userId, PurchaseAttemptId = Guid.NewGuid(), UpstreamId = Guid.NewGuid().ToString("N"),
            Service = service, ServiceName = service, Country = country, CountryName = country, Status = status,
            Price = price, PriceEstimated = estimated, Currency = price is null ? null : "USD", CreatedAt = created, UpdatedAt = created, ExpiresAt = created + TimeSpan.FromMinutes(20),
        };
        if (codeAfter is { } after)
        {
            activation.Messages.Add(new ActivationMessage { Text = "code 123456", Code = "123456", ReceivedAt = created + after });
            activation.FirstSmsAt = created + after;
        }
        db.Activations.Add(activation);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task EveryMembersPurchases_GiveTheLastPrice_TheWeeksSuccess_AndTheMedianTimeToCode()
    {
        var anna = await _core.NewUserAsync("anna@example.com");
        var ben = await _core.NewUserAsync("ben@example.com");
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Completed, TimeSpan.FromDays(2), 0.40m, codeAfter: TimeSpan.FromSeconds(30));
        await AddAsync(ben, "telegram", "PK", ActivationStatus.Received, TimeSpan.FromDays(1), 0.45m, codeAfter: TimeSpan.FromSeconds(90));
        await AddAsync(ben, "telegram", "PK", ActivationStatus.Completed, TimeSpan.FromHours(5), 0.50m, codeAfter: TimeSpan.FromSeconds(60));
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Cancelled, TimeSpan.FromHours(3), 0.55m);
        // Still waiting: neither a success nor a failure yet, but its price is the last one paid.
        await AddAsync(ben, "telegram", "pk", ActivationStatus.Waiting, TimeSpan.FromMinutes(2), 0.60m);
        // Older than the week: counts for nothing but could give a price.
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Cancelled, TimeSpan.FromDays(9), 0.30m);
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Expired, TimeSpan.FromDays(10), 0.30m);
        // Another pair does not leak in.
        await AddAsync(anna, "telegram", "IN", ActivationStatus.Cancelled, TimeSpan.FromHours(1), 0.20m);

        var insight = (await _core.Get<PairInsightsQuery>().ReadAsync()).For("TELEGRAM", "pk");

        Assert.NotNull(insight);
        Assert.Equal((0.60m, "USD"), (insight.LastPrice, insight.LastCurrency));
        Assert.Equal((4, 3), (insight.Finished, insight.GotCode));
        Assert.Equal("75% got a code", insight.SuccessText);
        Assert.Equal(TimeSpan.FromSeconds(60), insight.MedianTimeToCode);
        Assert.Equal("0.60 USD · 75% · 1 min", insight.Summary());
        Assert.Null(insight.LastNoNumbersAt);
    }

    [Fact]
    public async Task AnEstimatedPrice_IsNotShownAsTheLastPricePaid()
    {
        var anna = await _core.NewUserAsync("anna@example.com");
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Completed, TimeSpan.FromHours(3), 0.40m, codeAfter: TimeSpan.FromSeconds(30));
        // Another purchase moved the balance at the same moment: its price is only the pair's last known one.
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Waiting, TimeSpan.FromMinutes(5), 0.40m, estimated: true);
        await AddAsync(anna, "telegram", "PK", ActivationStatus.Waiting, TimeSpan.FromMinutes(1), 9.99m, estimated: true);

        var insight = (await _core.Get<PairInsightsQuery>().ReadAsync()).For("telegram", "PK");

        Assert.Equal(0.40m, insight?.LastPrice);
    }

    [Fact]
    public async Task APairBoughtLongAgo_OrNever_HasNoInsight()
    {
        var anna = await _core.NewUserAsync("anna@example.com");
        await AddAsync(anna, "viber", "DE", ActivationStatus.Completed, TimeSpan.FromDays(40), 0.40m, codeAfter: TimeSpan.FromSeconds(30));

        var insights = await _core.Get<PairInsightsQuery>().ReadAsync();

        Assert.Null(insights.For("viber", "DE"));
        Assert.Null(insights.For("telegram", "PK"));
    }

    [Fact]
    public async Task NoNumbers_IsRecordedForEveryone_WhenOtpwallRefusesAPairForIt()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("buyer@example.com");

        var refused = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("wechat", "WeChat"), new Country("US", "United States"));

        Assert.Equal((BuyOutcome.Refused, BuyRefusal.NoNumbers), (refused.Outcome, refused.Refusal));
        var insight = (await _core.Get<PairInsightsQuery>().ReadAsync()).For("wechat", "US");
        Assert.Equal(_time.GetUtcNow(), insight?.LastNoNumbersAt);

        _time.Advance(TimeSpan.FromHours(2));
        await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("wechat", "WeChat"), new Country("US", "United States"));
        Assert.Equal(_time.GetUtcNow(), (await _core.Get<PairInsightsQuery>().ReadAsync()).For("wechat", "US")?.LastNoNumbersAt);
    }

    [Fact]
    public async Task NotEnoughBalance_IsARefusalOfItsOwnKind_AndNotANoNumbersMark()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("poor@example.com", balance: 0.00m);

        var refused = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));

        Assert.Equal((BuyOutcome.Refused, BuyRefusal.NotEnoughBalance), (refused.Outcome, refused.Refusal));
        Assert.Null((await _core.Get<PairInsightsQuery>().ReadAsync()).For("telegram", "PK"));
    }

    [Fact]
    public async Task PagesGetTheLastSnapshotAtOnce_AndAFreshOneAfterAnyActivationChanged()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("buyer@example.com");
        var insights = _core.Get<PairInsights>();
        var first = await insights.GetAsync();
        Assert.Null(first.For("telegram", "PK"));
        Assert.Same(first, await insights.GetAsync());
        var refreshed = new TaskCompletionSource<PairInsightsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = _core.Get<ChangeBus>().Subscribe<InsightsRefreshed>(r => { refreshed.TrySetResult(r.Snapshot); return Task.CompletedTask; });

        var bought = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);

        // Without asking for a fresh one, the page gets the old snapshot at once and hears of the new one.
        var atOnce = await insights.GetAsync();
        var pushed = await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(atOnce.For("telegram", "PK"));
        Assert.Equal(bought.Activation!.Price, pushed.For("telegram", "PK")?.LastPrice);
        Assert.Equal(bought.Activation.Price, (await insights.GetAsync(fresh: true)).For("telegram", "PK")?.LastPrice);
    }

    [Fact]
    public async Task AnUnknownService_IsRefusedForThatReason_NotMarkedAsHavingNoNumbers()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("typo@example.com");

        var refused = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("nosuchservice", "Nope"), new Country("PK", "Pakistan"));

        Assert.Equal((BuyOutcome.Refused, BuyRefusal.BadRequest), (refused.Outcome, refused.Refusal));
        Assert.Null((await _core.Get<PairInsightsQuery>().ReadAsync()).For("nosuchservice", "PK"));
    }

    [Fact]
    public async Task Alternatives_AreTheThreeCountriesWithTheBestRecentSuccess_ForTheSameService()
    {
        var anna = await _core.NewUserAsync("anna@example.com");
        async Task PairAsync(string country, int codes, int without)
        {
            for (var i = 0; i < codes; i++) await AddAsync(anna, "whatsapp", country, ActivationStatus.Completed, TimeSpan.FromHours(i + 1), codeAfter: TimeSpan.FromSeconds(20));
            for (var i = 0; i < without; i++) await AddAsync(anna, "whatsapp", country, ActivationStatus.Cancelled, TimeSpan.FromHours(i + 1));
        }
        await PairAsync("AE", 5, 0); // the country that has no numbers now
        await PairAsync("GB", 4, 1);
        await PairAsync("DE", 2, 0);
        await PairAsync("IN", 1, 3);
        await PairAsync("BR", 3, 3);
        await PairAsync("FR", 0, 2);
        await AddAsync(anna, "telegram", "US", ActivationStatus.Completed, TimeSpan.FromHours(1), codeAfter: TimeSpan.FromSeconds(5));

        var alternatives = (await _core.Get<PairInsightsQuery>().ReadAsync()).Alternatives("whatsapp", "AE");

        Assert.Equal(["DE", "GB", "BR"], alternatives.Select(a => a.Country));
    }

    [Fact]
    public void AChipsFigures_AreExplainedInWords_ForItsTooltip()
    {
        var insight = new PairInsight("telegram", "PK", 0.96m, "USD", Finished: 4, GotCode: 2, MedianTimeToCode: TimeSpan.FromSeconds(6), LastNoNumbersAt: null);

        Assert.Equal("0.96 USD · 50% · 6 s", insight.Summary());
        Assert.Equal("On this instance: last paid 0.96 USD, 50% of last week's numbers got a code, a code came in 6 s (median).", insight.Explained());
        Assert.Equal("", new PairInsight("telegram", "PK", null, null, 0, 0, null, null).Explained());
    }
}
