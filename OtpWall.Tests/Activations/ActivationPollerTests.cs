using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Core.LiveUpdates;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>The one poller: its pace, its patience with errors and rate limits, and its memory across restarts.</summary>
[Trait("Database", "BothEngines")]
public sealed class ActivationPollerTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Discord = new("discord", "Discord");
    private static readonly Country Germany = new("DE", "Germany");
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["OtpWall:Activations:FastPollInterval"] = "00:00:02",
        ["OtpWall:Activations:FastPollFor"] = "00:01:00",
        ["OtpWall:Activations:SlowPollInterval"] = "00:00:06",
        ["OtpWall:Activations:MaxErrorBackoff"] = "00:00:30",
    };
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        await sandbox.ClearFaultsAsync();
        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory, Settings);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await sandbox.ClearFaultsAsync();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task<(string UserId, ActivationView Activation, string StatusPath)> BuyAsync(string email)
    {
        var (userId, _) = await _core.NewUserWithKeyAsync(email);
        var bought = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Discord, Germany);
        return (userId, bought.Activation!, $"GET /activation/{bought.Activation!.UpstreamId}/status");
    }

    private async Task<long> PollsAfterAsync(string statusPath, params int[] seconds)
    {
        var before = await sandbox.RequestCountAsync(statusPath);
        foreach (var step in seconds)
        {
            _time.Advance(TimeSpan.FromSeconds(step));
            await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        }
        return await sandbox.RequestCountAsync(statusPath) - before;
    }

    [Fact]
    public async Task AYoungActivation_IsPolledEveryTwoSeconds_AndNoMoreOften()
    {
        var (_, _, path) = await BuyAsync("young@example.com");

        Assert.Equal(0, await PollsAfterAsync(path, 1));
        Assert.Equal(1, await PollsAfterAsync(path, 1));
        Assert.Equal(3, await PollsAfterAsync(path, 1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public async Task ALatePoll_DoesNotPushTheNextOnesBack()
    {
        var (_, _, path) = await BuyAsync("anchored@example.com");

        // Due at 2 s but polled at 2.9 s: the next is still due at 4 s, not at 4.9 s.
        _time.Advance(TimeSpan.FromMilliseconds(2900));
        Assert.Equal(1, await PollsAfterAsync(path, 0));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        Assert.Equal(1, await PollsAfterAsync(path, 0));
    }

    [Fact]
    public async Task APollThatChangesNothing_WritesNothingToTheDatabase()
    {
        var (_, activation, path) = await BuyAsync("quiet-poll@example.com");
        var before = await RecordedAsync(activation.Id);

        Assert.Equal(3, await PollsAfterAsync(path, 2, 2, 2));

        var after = await RecordedAsync(activation.Id);
        Assert.Equal((before.UpdatedAt, before.NextPollAt), (after.UpdatedAt, after.NextPollAt));
    }

    [Fact]
    public async Task TheKeyKeptForPolling_IsDroppedTheMomentThePersonsKeyChanges()
    {
        var (userId, _, path) = await BuyAsync("rotating@example.com");
        var poller = _core.Get<ActivationPoller>();
        await PollsAfterAsync(path, 2);
        Assert.Equal(1, poller.CachedKeys);

        await _core.Get<OtpWall.Core.ApiKeys.ApiKeyVault>().SaveAsync(userId, await sandbox.NewAccountAsync());

        Assert.Equal(0, poller.CachedKeys);
        Assert.Equal(1, await PollsAfterAsync(path, 2));
    }

    private async Task<OtpWall.Core.Activations.Activation> RecordedAsync(Guid id)
    {
        await using var db = await _core.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>().CreateDbContextAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Activations, a => a.Id == id);
    }

    [Fact]
    public async Task AnOlderActivation_IsPolledMoreSlowly()
    {
        var (_, _, path) = await BuyAsync("older@example.com");
        await PollsAfterAsync(path, 30, 31);

        Assert.Equal(2, await PollsAfterAsync(path, 2, 2, 2, 2, 2, 2));
    }

    [Fact]
    public async Task PollingStops_WhenTheActivationIsFinal()
    {
        var (userId, activation, path) = await BuyAsync("final@example.com");
        await _core.Get<ActivationService>().CancelAsync(userId, activation.Id);

        Assert.Equal(0, await PollsAfterAsync(path, 2, 2, 2, 6, 6));
    }

    [Fact]
    public async Task AfterARestart_PollingResumesFromTheDatabase()
    {
        var (userId, activation, path) = await BuyAsync("restart@example.com");
        await _core.DisposeAsync();
        await sandbox.DeliverSmsAsync(activation.UpstreamId!, "Your Discord security code is: 904512");

        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory, Settings);

        Assert.Equal(1, await PollsAfterAsync(path, 2));
        var resumed = await _core.Get<ActivationQueries>().GetAsync(userId, activation.Id);
        Assert.Equal(ActivationStatus.Received, resumed!.Status);
        Assert.Equal("904512", resumed.Code);
    }

    [Fact]
    public async Task Errors_AreBackedOffFrom_ThenPollingRecovers()
    {
        var (_, _, path) = await BuyAsync("flaky@example.com");
        await sandbox.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503, pathContains = "/status" });

        // Failures at 2 s, then waits of 4 s and 8 s: three polls in 14 s instead of seven.
        Assert.Equal(3, await PollsAfterAsync(path, 2, 2, 2, 2, 2, 2, 2));
        await sandbox.ClearFaultsAsync();
        Assert.Equal(1, await PollsAfterAsync(path, 16));
        Assert.Equal(1, await PollsAfterAsync(path, 2));
    }

    [Fact]
    public async Task ARateLimit_PausesThatUsersPolls_ButNotAnothers()
    {
        var (_, _, limitedPath) = await BuyAsync("limited@example.com");
        var (_, _, otherPath) = await BuyAsync("other-user@example.com");
        await sandbox.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 20, pathContains = limitedPath.Split(' ')[1], remaining = 1 });

        var limitedPolls = await sandbox.RequestCountAsync(limitedPath);
        var otherPolls = await PollsAfterAsync(otherPath, 2, 2, 2, 2, 2, 2);

        Assert.Equal(1, await sandbox.RequestCountAsync(limitedPath) - limitedPolls);
        Assert.Equal(6, otherPolls);
    }

    [Fact]
    public async Task APageThatNeverAnswers_DoesNotHoldUpPolling()
    {
        var (userId, activation, path) = await BuyAsync("gone-away@example.com");
        var stuck = new TaskCompletionSource();
        using var deadTab = _core.Get<ChangeBus>().SubscribeFor<ActivationChange>(userId, _ => stuck.Task);
        await sandbox.DeliverSmsAsync(activation.UpstreamId!, "Your Discord security code is: 555111");

        var polls = await PollsAfterAsync(path, 2, 2, 2).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, polls);
        Assert.Equal("555111", (await _core.Get<ActivationQueries>().GetAsync(userId, activation.Id))!.Code);
    }

    [Fact]
    public async Task TwoOpenPagesOfOneUser_CauseOnePollPerInterval_AndBothHearTheCode()
    {
        var (userId, activation, path) = await BuyAsync("two-tabs@example.com");
        var heard = new int[2];
        var bus = _core.Get<ChangeBus>();
        using var firstTab = bus.SubscribeFor<ActivationChange>(userId, c => { if (c.CodeArrived) Interlocked.Increment(ref heard[0]); return Task.CompletedTask; });
        using var secondTab = bus.SubscribeFor<ActivationChange>(userId, c => { if (c.CodeArrived) Interlocked.Increment(ref heard[1]); return Task.CompletedTask; });
        await sandbox.DeliverSmsAsync(activation.UpstreamId!, "Your Discord security code is: 123456");

        Assert.Equal(1, await PollsAfterAsync(path, 2));
        Assert.Equal([1, 1], heard);
    }
}

/// <summary>A purchase whose answer is lost, on a real clock (timeouts are real time).</summary>
public sealed class OutcomeUnknownPurchaseTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, TimeProvider.System, settings: new Dictionary<string, string?>
    {
        ["OtpWall:Upstream:AttemptTimeout"] = "00:00:00.400",
        ["OtpWall:Upstream:TotalTimeout"] = "00:00:01",
    });

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await sandbox.ClearFaultsAsync();
    }

    [Fact]
    public async Task ATimedOutPurchase_IsKeptAsOutcomeUnknown_AndNeverSentAgain()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("unlucky@example.com");
        var before = await sandbox.RequestCountAsync("POST /number");
        await sandbox.SetFaultsAsync(new { timeoutRate = 1.0, timeoutSeconds = 5, pathContains = "/number" });

        var result = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("US", "United States"));
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);

        Assert.Equal(BuyOutcome.OutcomeUnknown, result.Outcome);
        Assert.Contains("will not be repeated automatically", result.Message, StringComparison.Ordinal);
        var kept = Assert.Single(await _core.Get<ActivationQueries>().LiveAsync(userId));
        Assert.Equal(ActivationStatus.OutcomeUnknown, kept.Status);
        Assert.Equal("outcome-unknown", kept.Status.ToContractName());
        Assert.Equal(1, await sandbox.RequestCountAsync("POST /number") - before);

        await _core.Get<ActivationService>().DismissAsync(userId, kept.Id);
        Assert.Empty(await _core.Get<ActivationQueries>().LiveAsync(userId));
        Assert.Equal(1, (await _core.Get<ActivationQueries>().HistoryAsync(userId, new HistoryFilter(), 0, 10)).Total);
    }

    [Fact]
    public async Task ATeamKeyPurchaseOfUnknownOutcome_CountsTowardTheLimit_AtTheHighestPriceThePairHasCost()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var team = _core.Get<OtpWall.Core.Spending.TeamKeyService>();
        Assert.True((await team.SaveAsync(admin, (await sandbox.NewAccountAsync(50m)).Reveal())).Saved);
        var member = await _core.NewUserAsync("member@example.com");
        Assert.Null(await team.SetKeyModeAsync(admin, member, OtpWall.Core.ApiKeys.KeyMode.Team));
        Task<BuyResult> BuyAsync() => _core.Get<Purchases>().BuyAsync(
            member, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("US", "United States"), OtpWall.Core.ApiKeys.Payer.Team);
        var price = (await BuyAsync()).Activation!.Price!.Value;
        // Room for one more purchase, and not for a third.
        Assert.Null(await team.SetLimitsAsync(admin, member, (2 * price - 0.01m).ToString(System.Globalization.CultureInfo.InvariantCulture), ""));
        await sandbox.SetFaultsAsync(new { timeoutRate = 1.0, timeoutSeconds = 5, pathContains = "/number" });

        var unknown = await BuyAsync();
        await sandbox.ClearFaultsAsync();
        var third = await BuyAsync();

        Assert.Equal(BuyOutcome.OutcomeUnknown, unknown.Outcome);
        Assert.Equal((price, true), (unknown.Activation!.Price, unknown.Activation.PriceEstimated));
        Assert.Equal(2 * price, (await _core.Get<OtpWall.Core.Spending.SpendingService>().GetStatusAsync(member)).Day!.Spent);
        Assert.Equal(BuyOutcome.Refused, third.Outcome);
        Assert.StartsWith("Your team-key limit for today is reached", third.Message, StringComparison.Ordinal);
    }
}
