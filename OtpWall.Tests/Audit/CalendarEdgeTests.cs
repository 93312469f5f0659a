using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Audit;

/// <summary>
/// Dates at the ends of the calendar, typed into a filter or an address: the first day of year 1 in a zone east of UTC
/// begins before time does, the last day of 9999 has no next day. Every page and export answers them with what the
/// range holds, never an error.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed class CalendarEdgeTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly DateOnly FirstDay = DateOnly.MinValue;
    private static readonly DateOnly LastDay = DateOnly.MaxValue;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private CoreServices _core = null!;
    private string _admin = null!;
    private string _member = null!;

    public async Task InitializeAsync()
    {
        // Tokyo is east of UTC: its 1 January of year 1 began before the first instant there is.
        _core = await CoreServices.StartAsync(sandbox, _time, settings: new Dictionary<string, string?> { ["OtpWall:Spending:TimeZone"] = "Asia/Tokyo" });
        _admin = await _core.NewUserAsync("admin@example.com");
        (_member, _) = await _core.NewUserWithKeyAsync("member@example.com");
        Assert.Equal(BuyOutcome.Bought, (await _core.Get<Purchases>().BuyAsync(_member, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Outcome);
        await _core.Get<AuditLog>().RecordAsync(AuditActions.KeySaved, _member, "Saved a key.");
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task TheAuditLog_FromTheFirstDayToTheLastDayOfTheCalendar_ShowsAndExportsEveryEntry()
    {
        var filter = new AuditFilter(From: FirstDay, To: LastDay);

        var all = (await _core.Get<AuditLog>().PageAsync(_admin, new AuditFilter())).Total;
        var page = await _core.Get<AuditLog>().PageAsync(_admin, filter);
        await using var csv = new StringWriter();
        await _core.Get<AuditLog>().WriteCsvAsync(_admin, filter, csv);

        Assert.True(all >= 2);
        Assert.Equal(all, page.Total);
        Assert.Equal(all + 1, csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the header and every entry
        Assert.Equal(0, (await _core.Get<AuditLog>().PageAsync(_admin, new AuditFilter(From: LastDay, To: LastDay))).Total);
        Assert.Equal(0, (await _core.Get<AuditLog>().PageAsync(_admin, new AuditFilter(From: FirstDay, To: FirstDay))).Total);
    }

    [Theory]
    [InlineData("9999-12-01", "9999-12-31")]
    [InlineData("9999-12-31", "9999-12-31")]
    [InlineData("0001-01-01", "9999-12-31")]
    [InlineData("0001-01-01", "0001-01-01")]
    public async Task Usage_OverARangeAtAnEndOfTheCalendar_AnswersWhatTheRangeHolds(string from, string to)
    {
        var (start, end) = (DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        var report = await _core.Get<UsageService>().TeamAsync(_admin, start, end);

        var holdsToday = start.Year == 1 && end.Year == 9999;
        Assert.Equal(holdsToday ? 1 : 0, report.Totals.Bought);
        Assert.Equal((start, end), (report.From, report.To));
    }

    [Fact]
    public async Task History_AndItsOwnFigures_ReadADayAsTheInstancesDay_ANumberBoughtAt5InTheMorningInTokyoIsInThatDay()
    {
        // 20:00 UTC on 20 November is 05:00 on 21 November in Tokyo, the instance's zone.
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 20, 20, 0, 0, TimeSpan.Zero));
        var early = await _core.Get<Purchases>().BuyAsync(_member, Guid.NewGuid(), new Service("whatsapp", "WhatsApp"), new Country("PK", "Pakistan"));
        Assert.Equal(BuyOutcome.Bought, early.Outcome);
        var (tokyo21, tokyo20) = (new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 20));

        var (items, total) = await _core.Get<ActivationQueries>().HistoryAsync(_member, new HistoryFilter(From: tokyo21, To: tokyo21), 0, 10);
        var own = await _core.Get<UsageService>().OwnAsync(_member, tokyo21, tokyo21);
        var dayBefore = await _core.Get<ActivationQueries>().HistoryAsync(_member, new HistoryFilter(From: tokyo20, To: tokyo20), 0, 10);
        var ownDayBefore = await _core.Get<UsageService>().OwnAsync(_member, tokyo20, tokyo20);

        // The list and "Your figures in these dates" above it cover the same window: the Tokyo day.
        Assert.Equal(1, total);
        Assert.Equal(early.Activation!.Id, Assert.Single(items).Id);
        Assert.Equal(1, own.Bought);
        Assert.Equal((1, 1), (dayBefore.Total, ownDayBefore.Bought)); // the purchase at 21:00 Tokyo time on the 20th
        Assert.Equal("2026-11-21 05:00", _core.Get<InstanceCalendar>().Format(early.Activation.CreatedAt));
    }

    [Fact]
    public async Task History_FromTheFirstDayToTheLastDay_ListsEveryNumber_AndItsOwnFiguresCountThem()
    {
        var (items, total) = await _core.Get<ActivationQueries>().HistoryAsync(_member, new HistoryFilter(From: FirstDay, To: LastDay), 0, 10);
        var own = await _core.Get<UsageService>().OwnAsync(_member, FirstDay, LastDay);

        Assert.Equal(1, total);
        Assert.Single(items);
        Assert.Equal(1, own.Bought);
    }
}
