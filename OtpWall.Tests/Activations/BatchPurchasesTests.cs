using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>Several numbers of one pair in one go (Buy's "How many"): each bought once, stopping at the first that is not.</summary>
public sealed class BatchPurchasesTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private static readonly decimal Price = SandboxCatalogue.Price(SandboxCatalogue.FindService("telegram")!, SandboxCatalogue.FindCountry("PK")!);
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        await sandbox.ClearFaultsAsync();
        _core = await CoreServices.StartAsync(sandbox, new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private BatchPurchases Batches => _core.Get<BatchPurchases>();

    [Fact]
    public async Task ThreeAsked_ThreeDifferentNumbersAreBought_AndEachLineSaysWhichNumber()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("three@example.com", 10.00m);
        var seen = new List<IReadOnlyList<string>>();

        var batch = await Batches.BuyAsync(userId, Telegram, Pakistan, Payer.Own, 3, lines => seen.Add([.. lines]));

        Assert.Equal((3, BatchTone.Done, "Bought 3 of 3: all 3 are waiting for their SMS."), (batch.Bought.Count, batch.Tone, batch.Message));
        Assert.Equal(3, batch.Bought.Select(a => a.Number).Distinct().Count());
        Assert.Equal(batch.Bought.Select(a => $"Bought {a.Number}"), seen[^1]);
        Assert.Equal("Buying Telegram · Pakistan…", seen[0].Single());
        Assert.Equal(10.00m - 3 * Price, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
    }

    [Fact]
    public async Task WhenTheMoneyRunsOut_TheBatchStopsThere_AndSaysHowManyWereBought()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("short@example.com", 2 * Price + 0.10m);

        var batch = await Batches.BuyAsync(userId, Telegram, Pakistan, Payer.Own, 5);

        Assert.Equal(2, batch.Bought.Count);
        Assert.Equal((BatchTone.Partly, BuyRefusal.NotEnoughBalance), (batch.Tone, batch.Refusal));
        Assert.StartsWith("Bought 2 of 5. Purchase 3 was not made, so the rest were not tried: ", batch.Message, StringComparison.Ordinal);
        Assert.True(batch.SomethingToSee);
        Assert.Equal(0.10m, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
    }

    [Fact]
    public async Task OneNumberRefused_SaysOnlyWhatThePurchaseSaid_AndThatNothingWasBought()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("broke@example.com", 0.00m);

        var batch = await Batches.BuyAsync(userId, Telegram, Pakistan, Payer.Own, 1);

        Assert.Empty(batch.Bought);
        Assert.Equal((BatchTone.Failed, batch.Stopped!.Message, false), (batch.Tone, batch.Message, batch.SomethingToSee));
    }

    [Fact]
    public async Task LeavingThePage_StopsTheBatchBeforeItsNextPurchase()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("leaver@example.com", 10.00m);
        using var leaving = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Batches.BuyAsync(userId, Telegram, Pakistan, Payer.Own, 4, lines =>
        {
            if (lines[^1].StartsWith("Bought", StringComparison.Ordinal)) leaving.Cancel();
        }, leaving.Token));

        Assert.Equal(10.00m - Price, sandbox.Simulator.GetBalance(key.Reveal()).Balance);
    }

    [Fact]
    public async Task MoreThanTenAsked_BuysTen()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("greedy@example.com", 20.00m);

        var batch = await Batches.BuyAsync(userId, Telegram, Pakistan, Payer.Own, 25);

        Assert.Equal((BatchPurchases.MaxQuantity, 10), (batch.Asked, batch.Bought.Count));
    }
}
