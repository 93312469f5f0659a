using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>Buying with a policy: the next country when one has no numbers, and a price the person will not pay.</summary>
[Trait("Database", "BothEngines")]
public sealed class FallbackPurchasesTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Britain = new("GB", "United Kingdom"), Netherlands = new("NL", "Netherlands"), Germany = new("DE", "Germany");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, _clock);

    public async Task DisposeAsync()
    {
        sandbox.Simulator.Reset();
        await _core.DisposeAsync();
    }

    private FallbackPurchases Buying => _core.Get<FallbackPurchases>();

    [Fact]
    public async Task TheCountriesAreTriedInOrder_OnlyOnNoNumbers_AndOneNumberIsBought()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("rules@example.com");
        sandbox.Simulator.SetStock("telegram", "GB", available: false);
        sandbox.Simulator.SetStock(null, "NL", available: false);

        var result = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, [Britain, Netherlands, Germany], ceiling: null);

        Assert.Equal(BuyOutcome.Bought, result.Result.Outcome);
        Assert.Equal("DE", result.BoughtIn?.Code);
        Assert.Equal([CountryOutcome.NoNumbers, CountryOutcome.NoNumbers, CountryOutcome.Bought], result.Tried.Select(t => t.Outcome));
        Assert.Equal(["DE"], (await ActivationsAsync(userId)).Select(a => a.Country));
        Assert.Equal(10m - PriceOf("telegram", "DE"), sandbox.Simulator.GetBalance(key.Reveal()).Balance);
    }

    [Fact]
    public async Task ARefusalOtherThanNoNumbers_StopsAtOnce()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("poor@example.com", balance: 0.01m);

        var result = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, [Germany, Britain], ceiling: null);

        Assert.Equal((BuyOutcome.Refused, BuyRefusal.NotEnoughBalance), (result.Result.Outcome, result.Result.Refusal));
        Assert.Empty(result.Tried);
        Assert.Empty(await ActivationsAsync(userId));
        Assert.Equal(0.01m, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
    }

    [Fact]
    public async Task ANumberAboveTheCeiling_IsCancelledAtOnceAndRefunded_TheNextCountryBought_AndNextTimeThatCountryIsSkipped()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("thrifty@example.com");
        sandbox.Simulator.SetPrice("telegram", "GB", 0.90m);
        sandbox.Simulator.SetPrice("telegram", "DE", 0.50m);

        var first = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, [Britain, Germany], ceiling: 0.80m);

        Assert.Equal("DE", first.BoughtIn?.Code);
        Assert.Equal([CountryOutcome.CancelledAboveCeiling, CountryOutcome.Bought], first.Tried.Select(t => t.Outcome));
        Assert.Equal(10m - 0.50m, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
        var british = Assert.Single(await ActivationsAsync(userId), a => a.Country == "GB");
        Assert.Equal(ActivationStatus.Cancelled, british.Status);
        Assert.Contains("above the price ceiling", british.Note, StringComparison.Ordinal);
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            Assert.Contains(await db.AuditEntries.Where(e => e.Action == AuditActions.Cancel).Select(e => e.Text).ToListAsync(),
                t => t.Contains("above the price ceiling of 0.80", StringComparison.Ordinal));

        // Its price is known now: the next purchase with that ceiling does not even try it.
        var second = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, [Britain, Germany], ceiling: 0.80m);
        Assert.Equal([CountryOutcome.SkippedAboveCeiling, CountryOutcome.Bought], second.Tried.Select(t => t.Outcome));
        Assert.Equal(1, (await ActivationsAsync(userId)).Count(a => a.Country == "GB"));
    }

    [Fact]
    public async Task TwoTabsAndAScript_UsingOneRuleAtOnceOverASlowLink_NeverBuyMoreThanAsked()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("busy@example.com");
        sandbox.Simulator.SetStock("telegram", "GB", available: false);
        await sandbox.SetFaultsAsync(new { latencyMs = 200 });
        try
        {
            // Two tabs sending the same click (one attempt) and a script with its own request, all at once.
            var click = Guid.NewGuid();
            var results = await Task.WhenAll(
                Buying.BuyAsync(userId, click, Telegram, [Britain, Germany], null),
                Buying.BuyAsync(userId, click, Telegram, [Britain, Germany], null),
                Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, [Britain, Germany], null));

            var kept = (await ActivationsAsync(userId)).Where(a => a.Status != ActivationStatus.Cancelled).ToList();
            Assert.True(kept.Count <= 2, $"{kept.Count} numbers for two requests.");
            Assert.Equal(results.Select(r => r.Result.Activation?.Id).OfType<Guid>().Distinct().Count(), kept.Count);
            Assert.Equal(10m - kept.Count * PriceOf("telegram", "DE"), sandbox.Simulator.GetBalance(key.Reveal()).Balance);
        }
        finally
        {
            await sandbox.ClearFaultsAsync();
        }
    }

    private static decimal PriceOf(string service, string country) =>
        SandboxCatalogue.Price(SandboxCatalogue.FindService(service)!, SandboxCatalogue.FindCountry(country)!);

    private async Task<List<Activation>> ActivationsAsync(string userId)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.CreatedAt).ToListAsync();
    }
}
