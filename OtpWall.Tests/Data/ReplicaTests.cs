using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Data.PostgreSql;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Spending;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Data;

/// <summary>
/// Two dashboards (replicas) on one PostgreSQL database and one OTPWALL (the sandbox over HTTP): what one does, the
/// other sees; the gates hold across them; exactly one polls. The multi-process journey behind Caddy is in
/// scripts/replicas-check.sh.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed partial class ReplicaTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private readonly string _dataA = DashboardHost.NewDataDirectory();
    private readonly string _dataB = DashboardHost.NewDataDirectory();
    private DashboardHost _a = null!;
    private DashboardHost _b = null!;

    public Task InitializeAsync()
    {
        // Each replica has a data folder of its own (the test's: a stopped replica leaves the database alone) and the
        // database of the first.
        _a = new DashboardHost(_dataA, Settings());
        _b = new DashboardHost(_dataB, SecondReplicaSettings());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        TestDatabase.Drop(_dataA);
        foreach (var folder in new[] { _dataA, _dataB })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["OtpWall:Sandbox:Enabled"] = "false",
        ["OtpWall:Upstream:BaseUrl"] = sandbox.ApiBaseUrl.ToString(),
        ["OtpWall:Upstream:MaxRetries"] = "0",
        ["OtpWall:Activations:StartDelay"] = "00:00:00",
        // What each poller did, for a failure's message.
        ["Logging:LogLevel:OtpWall"] = "Debug",
    };

    // The second replica's: its own data folder, the first one's database.
    private Dictionary<string, string?> SecondReplicaSettings() => new(Settings())
    {
        ["OtpWall:Database:ConnectionString"] = TestDatabase.IsPostgreSql ? TestDatabase.ConnectionStringFor(_dataA) : null,
    };

    [PostgreSqlFact]
    public async Task AKeySavedThroughOneReplica_IsReadThroughTheOther_AndTheKeyRingIsInTheDatabase()
    {
        var (_, userId) = await _a.RegisterAdministratorAsync();
        var key = await sandbox.NewAccountAsync(12.00m);

        await _a.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, key);
        var onB = await _b.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId);

        Assert.Equal(key.Reveal(), onB.Key?.Reveal());
        await using var db = await _b.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await ((PostgreSqlOtpWallDbContext)db).DataProtectionKeys.ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(_a.DataDirectory, "keys")) && Directory.EnumerateFiles(Path.Combine(_a.DataDirectory, "keys")).Any());
    }

    [PostgreSqlFact]
    public async Task TwoFirstRegistrationsAtOnce_OnTwoReplicas_MakeExactlyOneAdministrator()
    {
        _a.StartServer();
        _b.StartServer();
        using var start = new Barrier(2);
        var registrations = await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); return _a.Services.GetRequiredService<RegistrationService>().RegisterAsync("ana@example.com", DashboardHostExtensions.Password, null); }),
            Task.Run(() => { start.SignalAndWait(); return _b.Services.GetRequiredService<RegistrationService>().RegisterAsync("ben@example.com", DashboardHostExtensions.Password, null); }));

        Assert.Single(registrations, r => r.User is not null);
        Assert.Contains("invit", Assert.Single(registrations, r => r.User is null).Errors.Single(), StringComparison.Ordinal);
        await using var scope = _b.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Single(await users.GetUsersInRoleAsync(TeamRoles.Administrator));
        Assert.Single(await users.Users.ToListAsync());
    }

    [PostgreSqlFact]
    public async Task ARefundOnOneReplicaDuringEveryTeamKeyPurchaseOnTheOther_UnderARealRoundTrip_CrossesTheLimitByOnePurchaseAtMost()
    {
        var (_, adminId) = await _a.RegisterAdministratorAsync();
        Assert.True((await _a.Services.GetRequiredService<OtpWall.Core.Spending.TeamKeyService>().SaveAsync(adminId, (await sandbox.NewAccountAsync(50m)).Reveal())).Saved);
        async Task<string> TeamMemberAsync(string email)
        {
            using var session = _a.NewSession();
            (await session.RegisterAsync(email, DashboardHostExtensions.Password, await _a.CreateInviteAsync(adminId))).Dispose();
            var id = await _a.UserIdAsync(email);
            Assert.Null(await _a.Services.GetRequiredService<OtpWall.Core.Spending.TeamKeyService>().SetKeyModeAsync(adminId, id, KeyMode.Team));
            return id;
        }
        var (member, bob) = (await TeamMemberAsync("member@example.com"), await TeamMemberAsync("bob@example.com"));
        var onB = _b.Services.GetRequiredService<ActivationService>();
        var bobs = new Queue<Guid>();
        for (var number = 0; number < 8; number++) bobs.Enqueue((await _b.Services.GetRequiredService<Purchases>().BuyAsync(bob, Guid.NewGuid(), Telegram, Pakistan, Payer.Team)).Activation!.Id);
        Assert.Null(await _a.Services.GetRequiredService<OtpWall.Core.Spending.TeamKeyService>().SetLimitsAsync(adminId, member, "3.00", ""));
        await sandbox.SetFaultsAsync(new { latencyMs = 300 });

        // The member buys on A; Bob cancels on B (the refund is seen by B only, and told to A through the database).
        var (bought, refusal) = await RefundDuringPurchases.RunAsync(
            _a.Services.GetRequiredService<Purchases>(), onB, _a.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>(), member, bob, bobs);
        await sandbox.ClearFaultsAsync();

        Assert.StartsWith("Your team-key limit for today is reached", refusal, StringComparison.Ordinal);
        var reallySpent = bought * RefundDuringPurchases.Price;
        Assert.True(reallySpent < 3.00m + RefundDuringPurchases.Price, $"{bought} bought: {reallySpent} of team money against a limit of 3.00");
        Assert.True((await _b.Services.GetRequiredService<OtpWall.Core.Spending.SpendingService>().GetStatusAsync(member)).Day!.Spent >= reallySpent);
    }

    [PostgreSqlFact]
    public async Task APersonsPurchaseInFlightOnOneReplica_KeepsTheirSecondOneOnTheOtherFromStarting()
    {
        var (_, userId) = await _a.RegisterAdministratorAsync();
        await _a.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, await sandbox.NewAccountAsync());

        // Replica A is sending this person's purchase (its gate is held as BuyAsync holds it).
        await using (var inFlight = await _a.Services.GetRequiredService<DatabaseGates>().TryEnterAsync(Purchases.PurchaseGate(userId)))
        {
            Assert.NotNull(inFlight);
            var refused = await _b.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
            Assert.Equal((BuyOutcome.Refused, "Another purchase is still in progress for your account. Wait for it to finish."), (refused.Outcome, refused.Message));
        }

        var bought = await _b.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
    }

    [PostgreSqlFact]
    public async Task OneReplicaPolls_ACodeItFindsReachesAPageOnTheOtherWithinASecond_AndTheOtherTakesOverWhenItStops()
    {
        var (_, userId) = await _a.RegisterAdministratorAsync();
        var key = await sandbox.NewAccountAsync();
        await _a.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, key);
        _b.StartServer();
        await Eventually.TrueAsync(() => Polling(_a) ^ Polling(_b), "one replica polls");
        Assert.True(Polling(_a) ^ Polling(_b));
        var (poller, other) = Polling(_a) ? (_a, _b) : (_b, _a);
        await other.Services.GetRequiredService<PostgreSqlChangeRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(10));

        // Bought through the replica that does not poll; the code is found by the one that does.
        var published = new ConcurrentDictionary<string, long>();
        using var onPoller = poller.Services.GetRequiredService<ChangeBus>().SubscribeFor<ActivationChange>(userId, change =>
        {
            if (change.CodeArrived) published.TryAdd("poller", Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        });
        using var onOther = other.Services.GetRequiredService<ChangeBus>().SubscribeFor<ActivationChange>(userId, change =>
        {
            if (change.CodeArrived) published.TryAdd("page", Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        });
        var first = await other.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, first.Outcome);
        // Followed by the polling replica only: it reads the number from OTPWALL, the replica that bought it keeps nothing to poll.
        var statusReads = $"GET /activation/{first.Activation!.UpstreamId}/status";
        await Eventually.TrueAsync(async () => await sandbox.RequestCountAsync(statusReads) > 0, "the polling replica follows the number bought on the other");
        Assert.True(Following(poller) == 1 && Following(other) == 0, Diagnosis(poller, other));
        await sandbox.DeliverSmsAsync(first.Activation!.UpstreamId!, "Your Telegram code is 48213");
        await Eventually.TrueAsync(() => published.ContainsKey("page"), "the code reaches the other replica's page");
        Assert.True(Stopwatch.GetElapsedTime(published["poller"], published["page"]) < TimeSpan.FromSeconds(1));
        Assert.Equal("48213", (await other.Services.GetRequiredService<ActivationQueries>().GetAsync(userId, first.Activation.Id))!.Code);

        // The polling replica stops; the other takes over and follows a number bought before.
        var second = await other.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        await poller.DisposeAsync();
        await sandbox.DeliverSmsAsync(second.Activation!.UpstreamId!, "Your Telegram code is 90417");
        await Eventually.TrueAsync(async () => (await other.Services.GetRequiredService<ActivationQueries>().GetAsync(userId, second.Activation.Id))!.Code == "90417",
            "the other replica takes the polling over", timeoutMs: 15_000);
        Assert.True(Polling(other));
    }


    // What each replica's poller did, for a failure's message.
    private static string Diagnosis(DashboardHost poller, DashboardHost other) => string.Join('\n', new[] { ("polling replica", poller), ("other replica", other) }
        .SelectMany(h => h.Item2.Logs.Lines
            .Where(l => l.Contains(" OtpWall.Core.Activations.Polling.", StringComparison.Ordinal))
            .Select(l => l.Length > 300 ? l[..300] : l)
            .Prepend($"{h.Item1}: polling {Polling(h.Item2)}, following {Following(h.Item2)}")));

    [PostgreSqlFact]
    public async Task AReplicaWithoutTheLease_FollowsNothing_EvenWhenItsWaitsEndBeforeItsClockSaysSo()
    {
        var (_, userId) = await _a.RegisterAdministratorAsync();
        await _a.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, await sandbox.NewAccountAsync());
        await Eventually.TrueAsync(() => Polling(_a), "the first replica takes the lease");
        Assert.Equal(BuyOutcome.Bought, (await _a.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan)).Outcome);

        // B's clocks run slower than its timers (a machine's timers and clocks are not one: a wait may end a
        // millisecond early; here by a fifth): a wait for the next try of the lease ends before the clock says it is time.
        await using var drifting = new DashboardHost(_dataB, SecondReplicaSettings())
        {
            ConfigureServices = services => services.AddSingleton<TimeProvider>(new SlowClock(0.8)),
        };
        drifting.StartServer();
        var watched = Stopwatch.StartNew();
        while (watched.Elapsed < TimeSpan.FromSeconds(5)) // two tries of the lease and more
        {
            Assert.True(!Polling(drifting) && Following(drifting) == 0, Diagnosis(_a, drifting));
            await Task.Delay(50);
        }
        Assert.Equal(1, Following(_a));
    }

    private static long Following(DashboardHost host) => host.Services.GetRequiredService<ActivationPoller>().OpenByStatus().Sum(s => s.Count);

    private static bool Polling(DashboardHost host) => host.Services.GetRequiredService<ActivationPoller>().IsPolling;
}
