using Microsoft.Extensions.Time.Testing;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Core.LiveUpdates;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>A purchase on its way shows as Buying… in every tab, from the click until OTPWALL answers, and never vanishes.</summary>
[Trait("Database", "BothEngines")]
public sealed class BuyingStateTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, _time);

    public async Task DisposeAsync()
    {
        await sandbox.ClearFaultsAsync();
        await _core.DisposeAsync();
    }

    [Theory]
    [InlineData("/balance")]
    [InlineData("/number")]
    public async Task ASlowPurchase_IsBuyingInEveryTab_ThenWaiting(string slowPart)
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("buyer@example.com");
        var changes = 0;
        using var tab = _core.Get<ChangeBus>().SubscribeFor<ActivationChange>(userId, _ => { Interlocked.Increment(ref changes); return Task.CompletedTask; });
        await sandbox.SetFaultsAsync(new { latencyMs = 1500, pathContains = slowPart });

        var purchase = _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        var buying = await Eventually.ValueAsync(async () => (await _core.Get<ActivationQueries>().LiveAsync(userId)).SingleOrDefault(), "the purchase shows as Buying");

        Assert.Equal(ActivationStatus.Buying, buying.Status);
        Assert.False(buying.CanAttach);
        // The row is saved before the commit point tells the tabs (its effects run after the save): told while still buying.
        await Eventually.TrueAsync(() => Volatile.Read(ref changes) >= 1, "the other tabs were told");
        Assert.False(purchase.IsCompleted);
        var bought = await purchase;
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        var waiting = Assert.Single(await _core.Get<ActivationQueries>().LiveAsync(userId));
        Assert.Equal((buying.Id, ActivationStatus.Waiting), (waiting.Id, waiting.Status));
    }

    [Fact]
    public async Task ARefusedPurchase_LeavesNoRow_AndTheTabsAreTold()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("poor@example.com", balance: 0.00m);
        var changes = 0;
        using var tab = _core.Get<ChangeBus>().SubscribeFor<ActivationChange>(userId, _ => { Interlocked.Increment(ref changes); return Task.CompletedTask; });

        var refused = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);

        Assert.Equal(BuyOutcome.Refused, refused.Outcome);
        Assert.Empty(await _core.Get<ActivationQueries>().LiveAsync(userId));
        Assert.Equal(2, Volatile.Read(ref changes));
    }

    [Fact]
    public async Task APurchaseGivenUpBeforeItIsSent_LeavesNoRow()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("hasty@example.com");
        await sandbox.SetFaultsAsync(new { latencyMs = 3000, pathContains = "/balance" });
        var sent = await sandbox.RequestCountAsync("POST /number");
        using var leaving = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan, cancellationToken: leaving.Token));

        Assert.Empty(await _core.Get<ActivationQueries>().LiveAsync(userId));
        await sandbox.ClearFaultsAsync();
        Assert.Equal(sent, await sandbox.RequestCountAsync("POST /number"));
    }
}
