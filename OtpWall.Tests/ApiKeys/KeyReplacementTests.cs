using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.ApiKeys;

/// <summary>A person replaces or removes their key while numbers it bought are still open: nothing they paid for is orphaned.</summary>
[Trait("Database", "BothEngines")]
public sealed class KeyReplacementTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, _time);

    public Task DisposeAsync() => _core.DisposeAsync().AsTask();

    private ApiKeyVault Vault => _core.Get<ApiKeyVault>();

    private async Task PollRoundAfterAsync(TimeSpan elapsed)
    {
        _time.Advance(elapsed);
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
    }

    private async Task<int> RetiredKeysAsync()
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.RetiredApiKeys.CountAsync();
    }

    [Fact]
    public async Task AfterTheKeyIsReplaced_AnOpenActivation_IsStillFollowedAndCompletedWithTheKeyThatBoughtIt()
    {
        var (userId, firstKey) = await _core.NewUserWithKeyAsync("switcher@example.com", 5.00m);
        var bought = (await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        Assert.Equal(1, await Vault.OpenActivationsOfCurrentKeyAsync(userId));

        await Vault.SaveAsync(userId, await sandbox.NewAccountAsync(3.00m));
        await sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 551177");
        await PollRoundAfterAsync(TimeSpan.FromSeconds(2));

        var received = await _core.Get<ActivationQueries>().GetAsync(userId, bought.Id);
        Assert.Equal(ActivationStatus.Received, received!.Status);
        Assert.Equal("551177", received.Code);
        Assert.Equal(0, await Vault.OpenActivationsOfCurrentKeyAsync(userId));
        Assert.Equal(1, await RetiredKeysAsync());

        var completed = await _core.Get<ActivationService>().CompleteAsync(userId, bought.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal(0, await RetiredKeysAsync());
        Assert.NotEqual(firstKey.Fingerprint, (await Vault.GetAsync(userId)).Key!.Fingerprint);
    }

    [Fact]
    public async Task AfterTheKeyIsRemoved_AnOpenActivation_CanStillBeCancelledForARefund()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("remover@example.com", 5.00m);
        var bought = (await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan)).Activation!;

        Assert.True(await Vault.RemoveAsync(userId));
        var cancelled = await _core.Get<ActivationService>().CancelAsync(userId, bought.Id);

        Assert.True(cancelled.Confirmed, cancelled.Message);
        Assert.Equal(StoredKeyState.Missing, (await Vault.GetAsync(userId)).State);
        Assert.Equal(0, await RetiredKeysAsync());
    }

    [Fact]
    public async Task AKeyWithNoOpenActivations_IsNotKeptWhenReplaced_AndTheDatabaseHoldsOnlyFingerprints()
    {
        var (userId, firstKey) = await _core.NewUserWithKeyAsync("tidy@example.com", 5.00m);
        var bought = (await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        await _core.Get<ActivationService>().CancelAsync(userId, bought.Id);

        await Vault.SaveAsync(userId, await sandbox.NewAccountAsync(3.00m));

        Assert.Equal(0, await RetiredKeysAsync());
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var recorded = await db.Activations.SingleAsync(a => a.Id == bought.Id);
        Assert.Equal(firstKey.Fingerprint, recorded.KeyFingerprint);
        Assert.Equal(16, recorded.KeyFingerprint!.Length);
    }
}
