using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>Usage per member: what was bought, what delivered a code, what was spent and refunded on which key.</summary>
[Trait("Database", "BothEngines")]
public sealed class UsageTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private static readonly decimal Price = SandboxCatalogue.Price(SandboxCatalogue.FindService("telegram")!, SandboxCatalogue.FindCountry("PK")!);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private CoreServices _core = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(sandbox, _time);
        _admin = await _core.NewUserAsync("admin@example.com");
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private ActivationService Activations => _core.Get<ActivationService>();


    private Purchases Buying => _core.Get<Purchases>();

    [Fact]
    public async Task EachMember_HasTheirNumbersCodesSpentAndRefunded_PerKey_AndTheTotalsAddUp()
    {
        var (alice, _) = await _core.NewUserWithKeyAsync("alice@example.com");
        var (bob, _) = await _core.NewUserWithKeyAsync("bob@example.com");
        Assert.True((await _core.Get<TeamKeyService>().SaveAsync(_admin, (await sandbox.NewAccountAsync(10m)).Reveal())).Saved);
        Assert.Null(await _core.Get<TeamKeyService>().SetKeyModeAsync(_admin, bob, KeyMode.Both));

        // Alice, own key: one with a code, one cancelled (refunded), one still waiting (charged until refunded).
        var coded = (await Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        var cancelled = (await Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        Assert.NotNull((await Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, Pakistan)).Activation);
        await sandbox.DeliverSmsAsync(coded.UpstreamId!, "Telegram code: 11111");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        Assert.True((await Activations.CancelAsync(alice, cancelled.Id)).Confirmed);
        // Bob: one with his own key, one with the team key; the next day, outside the range asked for.
        Assert.NotNull((await Buying.BuyAsync(bob, Guid.NewGuid(), Telegram, Pakistan)).Activation);
        Assert.NotNull((await Buying.BuyAsync(bob, Guid.NewGuid(), Telegram, Pakistan, Payer.Team)).Activation);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.NotNull((await Buying.BuyAsync(bob, Guid.NewGuid(), Telegram, Pakistan, Payer.Team)).Activation);

        var day = new DateOnly(2026, 11, 20);
        var report = await _core.Get<UsageService>().TeamAsync(_admin, day, day);

        var a = report.Members.Single(m => m.Email == "alice@example.com");
        Assert.Equal((3, 1), (a.Bought, a.CodesReceived));
        Assert.Equal(1 / 3.0, a.SuccessRate, 3);
        Assert.Equal(2 * Price, a.OwnSpent.In("USD"));
        Assert.Equal(Price, a.OwnRefunded.In("USD"));
        Assert.True(a.TeamSpent.IsZero);
        var b = report.Members.Single(m => m.Email == "bob@example.com");
        Assert.Equal((2, 0), (b.Bought, b.CodesReceived));
        Assert.Equal(Price, b.OwnSpent.In("USD"));
        Assert.Equal(Price, b.TeamSpent.In("USD"));
        Assert.Equal(5, report.Totals.Bought);
        Assert.Equal(3 * Price, report.Totals.OwnSpent.In("USD"));
        Assert.Equal(4 * Price, Assert.Single(report.Days).Total);

        var twoDays = await _core.Get<UsageService>().TeamAsync(_admin, day, day.AddDays(1));
        Assert.Equal(2, twoDays.Members.Single(m => m.Email == "bob@example.com").TeamSpent.In("USD") / Price);
        Assert.Equal([4 * Price, Price], twoDays.Days.Select(d => d.Total));

        var own = await _core.Get<UsageService>().OwnAsync(alice, null, null);
        Assert.Equal((3, 1), (own.Bought, own.CodesReceived));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _core.Get<UsageService>().TeamAsync(alice, day, day));
    }

    [Fact]
    public async Task TheCsv_HasARowPerMemberAndTheTotals_WithAmountsAsNumbers()
    {
        var (alice, _) = await _core.NewUserWithKeyAsync("alice@example.com");
        Assert.NotNull((await Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, Pakistan)).Activation);
        var day = new DateOnly(2026, 11, 20);
        var report = await _core.Get<UsageService>().TeamAsync(_admin, day, day);

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await UsageService.WriteCsvAsync(report, writer);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("member,from,to,numbers_bought,codes_received,success_rate,currency,own_spent", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        var row = lines.Single(l => l.StartsWith("alice@", StringComparison.Ordinal)).Split(',');
        Assert.Equal(["alice@example.com", "2026-11-20", "2026-11-20", "1", "0", "0.000", "USD", Price.ToString("0.00", CultureInfo.InvariantCulture), "0.00", "0.00", "0.00"], row[..11]);
        Assert.StartsWith("All members,", lines[^1], StringComparison.Ordinal);
    }
}
