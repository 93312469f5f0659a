using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Data.PostgreSql;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Spending;
using OtpWall.Tests.Api;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Data;

/// <summary>What crosses replicas through the change feed: activation changes once each, every other kind of change, and what a replica missed.</summary>
public sealed partial class ReplicaTests
{
    [PostgreSqlFact]
    public async Task AChangeCommittedOnOneReplica_ReachesTheOthersPagesOnce_AndIsAuditedAndSettledOnlyWhereItWasMade()
    {
        var userId = await AdministratorWithAKeyOnTwoListeningReplicasAsync();
        var onB = new ConcurrentQueue<ActivationChange>();
        using var pages = _b.Services.GetRequiredService<ChangeBus>().SubscribeFor<ActivationChange>(userId, change => { onB.Enqueue(change); return Task.CompletedTask; });

        var bought = await _a.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        var cancelled = await _a.Services.GetRequiredService<ActivationService>().CancelAsync(userId, bought.Activation!.Id);
        Assert.True(cancelled.Confirmed, cancelled.Message);

        // Three changes committed on A (recorded as being sent, bought, cancelled), in the order they were made: B's pages
        // hear each once (the last to arrive is the cancel, so nothing is still on its way after it).
        await Eventually.TrueAsync(() => onB.Count >= 3, "the three changes reach B's pages");
        Assert.Equal([bought.Activation.Id, bought.Activation.Id, bought.Activation.Id], onB.Select(c => c.ActivationId));
        await using var db = await _a.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.Equal(["purchase", "cancel"], await db.AuditEntries.Where(e => e.SubjectId == userId && (e.Action == "purchase" || e.Action == "cancel"))
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(1, await db.AccountMovements.CountAsync(m => m.ActivationId == bought.Activation.Id));
    }

    [PostgreSqlFact]
    public async Task AReplicaWhoseListeningConnectionDropped_CatchesUpOnWhatItMissed_AndHearsChoicesAndEndedSessionsToo()
    {
        var userId = await AdministratorWithAKeyOnTwoListeningReplicasAsync();
        var relayOnB = _b.Services.GetRequiredService<PostgreSqlChangeRelay>();
        var onB = new ConcurrentQueue<ActivationChange>();
        using var pages = _b.Services.GetRequiredService<ChangeBus>().SubscribeFor<ActivationChange>(userId, change => { onB.Enqueue(change); return Task.CompletedTask; });
        var heard = new ConcurrentQueue<ReplicatedChange>();
        var busOnB = _b.Services.GetRequiredService<ChangeBus>();
        using var choices = busOnB.Subscribe<PreferencesChanged>(change => Hear(heard, change));
        using var ended = busOnB.Subscribe<SessionsEnded>(change => Hear(heard, change));
        using var registered = busOnB.Subscribe<MemberRegistered>(change => Hear(heard, change));
        using var policies = busOnB.Subscribe<MemberPolicyChanged>(change => Hear(heard, change));

        // B's listening connection is cut; A buys while B cannot hear (its NOTIFY is lost to B).
        await using (var admin = new Npgsql.NpgsqlConnection(TestDatabase.ConnectionStringFor(_dataA)))
        {
            await admin.OpenAsync();
            await using var cut = new Npgsql.NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", admin)
                { Parameters = { new() { Value = relayOnB.ListenerName } } };
            Assert.Equal(1L, await cut.ExecuteScalarAsync());
        }
        var bought = await _a.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);

        // Listening again, B reads the feed from where it was: its pages hear both changes of the purchase, once each.
        await Eventually.TrueAsync(() => onB.Count >= 2, "B's pages hear the purchase made while it was not listening", timeoutMs: 15_000);
        Assert.Equal([bought.Activation!.Id, bought.Activation.Id], onB.Select(c => c.ActivationId));

        // A person's choices, ended sessions, a registration and a member's limits reach B too, marked as from A.
        await _a.Services.GetRequiredService<BuyPreferences>().SetConfirmQuickBuysAsync(userId, true);
        await Eventually.TrueAsync(() => heard.OfType<PreferencesChanged>().Any(c => c.UserId == userId), "a choice made on A reaches B");
        await _a.Services.GetRequiredService<SessionRegistry>().EndAllAsync(userId, "signed out everywhere");
        await Eventually.TrueAsync(() => heard.OfType<SessionsEnded>().Any(e => e.UserId == userId && e.SessionId is null), "sessions ended on A are ended on B");
        var invite = await _a.CreateInviteAsync(userId);
        var member = await _a.Services.GetRequiredService<RegistrationService>().RegisterAsync("member@example.com", DashboardHostExtensions.Password, invite);
        Assert.NotNull(member.User);
        await Eventually.TrueAsync(() => heard.OfType<MemberRegistered>().Any(c => c.UserId == member.User!.Id), "a registration on A reaches B's Team page");
        Assert.Null(await _a.Services.GetRequiredService<TeamKeyService>().SetLimitsAsync(userId, member.User!.Id, "1.00", null));
        await Eventually.TrueAsync(() => heard.OfType<MemberPolicyChanged>().Any(c => c.UserId == member.User.Id), "a member's limits set on A reach B's app bar");
        Assert.All(heard, change => Assert.Equal(_a.Services.GetRequiredService<ReplicaIdentity>().Id, change.FromReplica));
    }

    private static Task Hear(ConcurrentQueue<ReplicatedChange> heard, ReplicatedChange change)
    {
        heard.Enqueue(change);
        return Task.CompletedTask;
    }

    [PostgreSqlFact]
    public async Task AScriptLongPollingEitherReplica_GetsTheCodeWhicheverPolls_AndATokenRevokedOnOneIsRefusedOnTheOther()
    {
        var userId = await AdministratorWithAKeyOnTwoListeningReplicasAsync();
        var token = (await _a.Services.GetRequiredService<OtpWall.Core.ApiTokens.ApiTokenService>()
            .CreateAsync(userId, "bot", OtpWall.Core.ApiTokens.ApiTokenLifetime.Days30, OtpWall.Core.ApiTokens.ApiTokenScope.Buy)).Value!;
        using var onA = new Api.TeamApiClient(_a.RootUri, token.Value);
        using var onB = new Api.TeamApiClient(_b.RootUri, token.Value);
        var bought = await onA.BuyAsync();
        Assert.Equal(200, bought.Status);
        var id = bought.Body!["activation_id"]!.GetValue<string>();

        // One replica polls; a script waiting on each hears the code (at least one of them through the change feed).
        var waiting = new[] { onA.GetAsync($"activation/{id}/status?wait=40"), onB.GetAsync($"activation/{id}/status?wait=40") };
        sandbox.Simulator.DeliverSms(_a.Services.GetUpstreamIdOf(userId), "Your code is 246810");
        foreach (var (status, body, _) in await Task.WhenAll(waiting))
        {
            Assert.Equal(200, status);
            Assert.Equal("received", body!["status"]!.GetValue<string>());
            Assert.Contains("246810", body["sms"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // B trusts the token from memory now; revoked on A, B refuses it as soon as the feed tells it.
        Assert.Equal(200, (await onB.GetAsync("balance")).Status);
        Assert.Null(await _a.Services.GetRequiredService<OtpWall.Core.ApiTokens.ApiTokenService>().RevokeAsync(userId, token.Token.Id));
        await Eventually.TrueAsync(async () => (await onB.GetAsync("balance")).Status == 401, "B refuses a token revoked on A", timeoutMs: 3_000);
    }

    // The first account (an administrator with a sandbox key) registered on A; both replicas serving and listening.
    private async Task<string> AdministratorWithAKeyOnTwoListeningReplicasAsync()
    {
        var (_, userId) = await _a.RegisterAdministratorAsync();
        await _a.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, await sandbox.NewAccountAsync(5.00m));
        _a.StartServer();
        _b.StartServer();
        foreach (var replica in new[] { _a, _b })
            await replica.Services.GetRequiredService<PostgreSqlChangeRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(10));
        return userId;
    }
}
