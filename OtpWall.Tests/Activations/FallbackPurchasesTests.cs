using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
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
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            Assert.Contains("United Kingdom: its last price here (0.90) is above the ceiling of 0.80",
                await db.AuditEntries.Where(e => e.Action == AuditActions.SkippedOverCeiling && e.ActorId == userId).Select(e => e.Text).SingleAsync(), StringComparison.Ordinal);
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

    [Fact]
    public async Task TheTeamsDefaultCeiling_HoldsForMembersOnEveryPurchase_UnlessTheyMayRaiseIt()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var (member, key) = await _core.NewUserWithKeyAsync("member@example.com");
        var ceilings = _core.Get<PriceCeilings>();
        sandbox.Simulator.SetPrice("telegram", "DE", 0.90m);
        Assert.Null(await ceilings.SetAsync(admin, Telegram, 0.80m));

        // A plain purchase (Buy's button, a one-click pair) is held to it: bought, found too dear, cancelled at once.
        var plain = await _core.Get<BatchPurchases>().BuyAsync(member, Telegram, Germany, Core.ApiKeys.Payer.Own, 1);
        Assert.Empty(plain.Bought);
        Assert.Contains("above the price ceiling of 0.80", plain.Message, StringComparison.Ordinal);
        Assert.Equal(10m, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
        // Asking for more does not lift it; the administrator letting the member raise it does.
        Assert.Equal(0.80m, await ceilings.EffectiveAsync(member, "telegram", 1.00m));
        Assert.Null(await _core.Get<TeamKeyService>().SetMayRaiseCeilingsAsync(admin, member, true));
        Assert.Equal(1.00m, await ceilings.EffectiveAsync(member, "telegram", 1.00m));
        var raised = await Buying.BuyAsync(member, Guid.NewGuid(), Telegram, [Germany], 1.00m);
        Assert.Equal("DE", raised.BoughtIn?.Code);
        Assert.Equal(0.70m, await ceilings.EffectiveAsync(member, "telegram", 0.70m));
        Assert.Equal(0.80m, await ceilings.EffectiveAsync(member, "telegram", null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ceilings.SetAsync(member, Telegram, 5m));
    }

    [Fact]
    public async Task TwoMembersBuyingAtOnceOverASlowLink_AreBothHeldToTheTeamCeiling_AndStillAreAfterTheRevalidationInterval()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var (alice, aliceKey) = await _core.NewUserWithKeyAsync("alice@example.com");
        var (bob, bobKey) = await _core.NewUserWithKeyAsync("bob@example.com");
        Assert.Null(await _core.Get<PriceCeilings>().SetAsync(admin, Telegram, 0.60m));
        sandbox.Simulator.SetPrice("telegram", "GB", 0.75m);
        sandbox.Simulator.SetPrice("telegram", "DE", 0.50m);
        await sandbox.SetFaultsAsync(new { latencyMs = 200 });
        try
        {
            // Both ask for more than the team allows, at once: each is held to 0.60, so Britain is cancelled and Germany bought.
            var results = await Task.WhenAll(
                Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, [Britain, Germany], 1.00m),
                Buying.BuyAsync(bob, Guid.NewGuid(), Telegram, [Britain, Germany], 1.00m));
            Assert.All(results, r => Assert.Equal("DE", r.BoughtIn?.Code));
            Assert.Equal(10m - 0.50m, sandbox.Simulator.GetBalance(aliceKey.Reveal()).Balance);
            Assert.Equal(10m - 0.50m, sandbox.Simulator.GetBalance(bobKey.Reveal()).Balance);

            // Two minutes on (past a sign-in's revalidation): the ceiling holds, and Britain is now skipped before buying.
            _clock.Advance(TimeSpan.FromMinutes(2));
            var later = await Buying.BuyAsync(alice, Guid.NewGuid(), Telegram, [Britain, Germany], null);
            Assert.Equal([CountryOutcome.SkippedAboveCeiling, CountryOutcome.Bought], later.Tried.Select(t => t.Outcome));
        }
        finally
        {
            await sandbox.ClearFaultsAsync();
        }
    }

    [Fact]
    public async Task Rules_AreSavedForOneselfOrByAnAdministratorForTheTeam_AndEachSeesTheirOwnAndTheTeams()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var (alice, bob) = (await _core.NewUserAsync("alice@example.com"), await _core.NewUserAsync("bob@example.com"));
        var rules = _core.Get<BuyRules>();

        Assert.Null(await rules.SaveAsync(admin, "Telegram, Europe", Telegram, [Britain, Netherlands, Germany], 0.80m, forTeam: true));
        Assert.Null(await rules.SaveAsync(alice, "Mine", Telegram, [Germany], null, forTeam: false));
        Assert.NotNull(await rules.SaveAsync(bob, "Team?", Telegram, [Germany], null, forTeam: true));

        var alices = await rules.ListAsync(alice);
        Assert.Equal(["Telegram, Europe", "Mine"], alices.Select(r => r.Name));
        Assert.Equal(["GB", "NL", "DE"], alices[0].Countries.Select(c => c.Code));
        Assert.Equal("Telegram in United Kingdom, then Netherlands, then Germany, at most 0.80", alices[0].Describe());
        Assert.Equal(["Telegram, Europe"], (await rules.ListAsync(bob)).Select(r => r.Name));
        Assert.NotNull(await rules.RemoveAsync(bob, alices[1].Id));
        Assert.NotNull(await rules.RemoveAsync(alice, alices[0].Id));
        Assert.Null(await rules.RemoveAsync(admin, alices[0].Id));
        Assert.Equal(["Mine"], (await rules.ListAsync(alice)).Select(r => r.Name));
    }

    private static decimal PriceOf(string service, string country) =>
        SandboxCatalogue.Price(SandboxCatalogue.FindService(service)!, SandboxCatalogue.FindCountry(country)!);

    private async Task<List<Activation>> ActivationsAsync(string userId)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.CreatedAt).ToListAsync();
    }
}
