using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Core.LiveUpdates;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>Buy → SMS → code → complete or cancel, through the sandbox over HTTP, with the poller driven by a fake clock.</summary>
[Trait("Database", "BothEngines")]
public sealed class ActivationLifecycleTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        await sandbox.ClearFaultsAsync();
        _core = await CoreServices.StartAsync(sandbox, _time, settings: new Dictionary<string, string?>
        {
            ["OtpWall:Activations:Lifetime"] = "00:01:00",
            ["OtpWall:Activations:AutoCancelMargin"] = "00:00:10",
        });
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await sandbox.ClearFaultsAsync();
    }

    private ActivationService Activations => _core.Get<ActivationService>();


    private Purchases Buying => _core.Get<Purchases>();

    private ActivationQueries Queries => _core.Get<ActivationQueries>();

    private async Task PollRoundAfterAsync(TimeSpan elapsed)
    {
        _time.Advance(elapsed);
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
    }

    private static decimal PriceOf(Service service, Country country) =>
        SandboxCatalogue.Price(SandboxCatalogue.FindService(service.Code)!, SandboxCatalogue.FindCountry(country.Code)!);

    [Fact]
    public async Task ABoughtNumber_ShowsItsCode_OnceTheSmsArrives_AndCompletes()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("buyer@example.com", 5.00m);
        var changes = new List<ActivationChange>();
        using var subscription = _core.Get<ChangeBus>().SubscribeFor<ActivationChange>(userId, change => { lock (changes) changes.Add(change); return Task.CompletedTask; });

        var bought = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        Assert.Equal(ActivationStatus.Waiting, bought.Activation!.Status);
        Assert.Equal(PriceOf(Telegram, Pakistan), bought.Activation.Price);
        Assert.StartsWith("+92", bought.Activation.Number, StringComparison.Ordinal);

        await sandbox.DeliverSmsAsync(bought.Activation.UpstreamId!, "Telegram code: 48213. Do not give it to anyone.");
        await PollRoundAfterAsync(TimeSpan.FromSeconds(2));

        var received = await Queries.GetAsync(userId, bought.Activation.Id);
        Assert.Equal(ActivationStatus.Received, received!.Status);
        Assert.Equal("48213", received.Code);
        Assert.Equal("Telegram code: 48213. Do not give it to anyone.", received.LatestSms);
        Assert.Contains(changes, c => c.ActivationId == received.Id && c.CodeArrived);
        Assert.False(received.CanCancel);

        var completed = await Activations.CompleteAsync(userId, received.Id);

        Assert.True(completed.Confirmed, completed.Message);
        Assert.Equal(ActivationStatus.Completed, (await Queries.GetAsync(userId, received.Id))!.Status);
    }

    [Fact]
    public async Task CancellingAWaitingNumber_RefundsItsPrice()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("canceller@example.com", 3.00m);
        var bought = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);

        var cancelled = await Activations.CancelAsync(userId, bought.Activation!.Id);

        Assert.True(cancelled.Confirmed, cancelled.Message);
        Assert.Equal(ActivationStatus.Cancelled, (await Queries.GetAsync(userId, bought.Activation.Id))!.Status);
        Assert.Equal(3.00m, (await _core.Get<Core.Upstream.OtpWallClient>().GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task CancelAfterAnSms_IsNotOffered_AndRefusedIfTried()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("late@example.com");
        var bought = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        await sandbox.DeliverSmsAsync(bought.Activation!.UpstreamId!, "Telegram code: 11223");
        await PollRoundAfterAsync(TimeSpan.FromSeconds(2));

        var refused = await Activations.CancelAsync(userId, bought.Activation.Id);

        Assert.False(refused.Confirmed);
        Assert.Equal(ActivationStatus.Received, (await Queries.GetAsync(userId, bought.Activation.Id))!.Status);
    }

    [Fact]
    public async Task ANumberWithoutSms_IsCancelledAutomatically_BeforeItExpires_AndTheUserIsTold()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("patient@example.com", 2.00m);
        var bought = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);

        await PollRoundAfterAsync(TimeSpan.FromSeconds(49));
        Assert.Equal(ActivationStatus.Waiting, (await Queries.GetAsync(userId, bought.Activation!.Id))!.Status);
        await PollRoundAfterAsync(TimeSpan.FromSeconds(2));

        var closed = await Queries.GetAsync(userId, bought.Activation.Id);
        Assert.Equal(ActivationStatus.Cancelled, closed!.Status);
        Assert.True(closed.AutoCancelled);
        Assert.Contains("No SMS came in time", closed.Note, StringComparison.Ordinal);
        Assert.Equal(2.00m, (await _core.Get<Core.Upstream.OtpWallClient>().GetBalanceAsync(key)).Amount);
    }

    [Fact]
    public async Task WithAutoCancelSwitchedOff_AnUnansweredNumberIsLeftAlone()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("keeper@example.com");
        await _core.Get<BuyPreferences>().SetAutoCancelUnansweredAsync(userId, false);
        var bought = await Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);

        await PollRoundAfterAsync(TimeSpan.FromSeconds(55));

        var activation = await Queries.GetAsync(userId, bought.Activation!.Id);
        Assert.Equal(ActivationStatus.Waiting, activation!.Status);
        Assert.False(activation.AutoCancelled);
    }

    [Fact]
    public async Task ARefusedPurchase_LeavesNothingBehind()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("refused@example.com");

        var result = await Buying.BuyAsync(userId, Guid.NewGuid(), new Service("wechat", "WeChat"), new Country("US", "United States"));

        Assert.Equal(BuyOutcome.Refused, result.Outcome);
        Assert.Contains("No numbers available", result.Message, StringComparison.Ordinal);
        Assert.Empty(await Queries.LiveAsync(userId));
    }

    [Fact]
    public async Task TheSameClick_ReplayedOrDoubled_BuysOnce()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("double@example.com");
        var before = await sandbox.RequestCountAsync("POST /number");
        var attempt = Guid.NewGuid();
        await sandbox.SetFaultsAsync(new { latencyMs = 300, pathContains = "/number" });

        var results = await Task.WhenAll(
            Buying.BuyAsync(userId, attempt, Telegram, Pakistan),
            Buying.BuyAsync(userId, attempt, Telegram, Pakistan),
            Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan));
        await sandbox.ClearFaultsAsync();
        var replay = await Buying.BuyAsync(userId, attempt, Telegram, Pakistan);

        Assert.Single(results, r => r.Outcome == BuyOutcome.Bought);
        Assert.Equal(2, results.Count(r => r.Message.Contains("Another purchase is still in progress", StringComparison.Ordinal)));
        Assert.Equal("This purchase was already made.", replay.Message);
        Assert.Equal(1, await sandbox.RequestCountAsync("POST /number") - before);
        Assert.Single(await Queries.LiveAsync(userId));
    }

    [Fact]
    public async Task OneUser_CannotSeeCompleteOrCancel_AnothersActivation()
    {
        var (ownerId, _) = await _core.NewUserWithKeyAsync("owner@example.com");
        var (intruderId, _) = await _core.NewUserWithKeyAsync("intruder@example.com");
        var bought = await Buying.BuyAsync(ownerId, Guid.NewGuid(), Telegram, Pakistan);
        var id = bought.Activation!.Id;

        Assert.Null(await Queries.GetAsync(intruderId, id));
        Assert.Empty(await Queries.LiveAsync(intruderId));
        Assert.Equal("This activation does not exist.", (await Activations.CancelAsync(intruderId, id)).Message);
        Assert.Equal("This activation does not exist.", (await Activations.CompleteAsync(intruderId, id)).Message);
        await Activations.DismissAsync(intruderId, id);
        Assert.Equal(ActivationStatus.Waiting, (await Queries.GetAsync(ownerId, id))!.Status);
    }
}
