using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Audit;

/// <summary>The audit log: what is recorded and what never is, that it cannot be changed, how it pages and prunes.</summary>
[Trait("Database", "BothEngines")]
public sealed class AuditLogTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private CoreServices _core = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(sandbox, _time);
        _admin = await _core.NewUserAsync("admin@example.com");
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private AuditLog Audit => _core.Get<AuditLog>();

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task APersonsOwnActivity_ShowsTheAddressesOfTheirOwnActions_NotOfTheAdministratorWhoActedOnThem()
    {
        var member = await _core.NewUserAsync("member@example.com");
        AuditClient.Address = "203.0.113.5";
        await Audit.RecordAsync(AuditActions.SignIn, member, "Signed in with password.");
        AuditClient.Address = "198.51.100.1";
        await Audit.RecordAsync(AuditActions.RoleChanged, _admin, "Made member@example.com an administrator.", member);
        AuditClient.Address = null;

        var own = await Audit.PageOwnAsync(member);
        var all = await Audit.PageAsync(_admin, new AuditFilter(UserId: member));

        Assert.Equal("203.0.113.5", own.Entries.Single(e => e.Action == AuditActions.SignIn).ClientAddress);
        Assert.Null(own.Entries.Single(e => e.Action == AuditActions.RoleChanged).ClientAddress);
        Assert.Contains(all.Entries, e => e.Action == AuditActions.RoleChanged && e.ClientAddress == "198.51.100.1");
    }

    [Fact]
    public async Task Purchases_Completions_Cancels_AndAutomaticCancels_AreRecorded_WithoutNumbersOrSmsTexts()
    {
        var (member, _) = await _core.NewUserWithKeyAsync("member@example.com");
        var activations = _core.Get<ActivationService>();
        var purchases = _core.Get<Purchases>();
        var first = (await purchases.BuyAsync(member, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        var second = (await purchases.BuyAsync(member, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        var third = (await purchases.BuyAsync(member, Guid.NewGuid(), Telegram, Pakistan)).Activation!;
        await sandbox.DeliverSmsAsync(first.UpstreamId!, "Telegram code: 48213. Secret words inside.");
        _time.Advance(TimeSpan.FromSeconds(2));
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        Assert.True((await activations.CompleteAsync(member, first.Id)).Confirmed);
        Assert.True((await activations.CancelAsync(member, second.Id)).Confirmed);
        // The third waits to the end of its rental: the dashboard cancels it.
        for (var i = 0; i < 40 && (await _core.Get<ActivationQueries>().GetAsync(member, third.Id))!.Status == ActivationStatus.Waiting; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        }

        var entries = await EntriesAsync();
        Assert.Equal(3, entries.Count(e => e.Action == AuditActions.Purchase && e.ActorId == member));
        var purchase = entries.First(e => e.Action == AuditActions.Purchase);
        Assert.Contains("Telegram number in Pakistan", purchase.Text, StringComparison.Ordinal);
        Assert.Contains(first.UpstreamId!, purchase.Text, StringComparison.Ordinal);
        Assert.Single(entries, e => e.Action == AuditActions.Complete && e.Text.Contains(first.UpstreamId!, StringComparison.Ordinal));
        Assert.Single(entries, e => e.Action == AuditActions.Cancel && e.Text.Contains(second.UpstreamId!, StringComparison.Ordinal));
        var automatic = Assert.Single(entries, e => e.Action == AuditActions.AutoCancel);
        Assert.Null(automatic.ActorId);
        Assert.Equal(member, automatic.SubjectId);
        Assert.All(entries, e =>
        {
            Assert.DoesNotContain("48213", e.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret words", e.Text, StringComparison.Ordinal);
            foreach (var number in new[] { first.Number, second.Number, third.Number }) Assert.DoesNotContain(number!, e.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Keys_AreRecordedByTheirLastFourOnly()
    {
        var member = await _core.NewUserAsync("member@example.com");
        var keys = _core.Get<ApiKeyService>();
        var first = await sandbox.NewAccountAsync(5m);
        var second = await sandbox.NewAccountAsync(5m);
        var team = await sandbox.NewAccountAsync(5m);
        Assert.True((await keys.SaveAsync(member, first.Reveal())).Saved);
        Assert.True((await keys.SaveAsync(member, second.Reveal())).Saved);
        Assert.True(await keys.RemoveAsync(member));
        Assert.True((await _core.Get<TeamKeyService>().SaveAsync(_admin, team.Reveal())).Saved);
        Assert.True(await _core.Get<TeamKeyService>().RemoveAsync(_admin));

        var entries = await EntriesAsync();
        Assert.Equal($"Saved an API key ending {first.LastFour}.", Assert.Single(entries, e => e.Action == AuditActions.KeySaved).Text);
        Assert.Equal($"Replaced the API key ending {first.LastFour} with one ending {second.LastFour}.", Assert.Single(entries, e => e.Action == AuditActions.KeyReplaced).Text);
        Assert.Equal($"Removed the API key ending {second.LastFour}.", Assert.Single(entries, e => e.Action == AuditActions.KeyRemoved).Text);
        Assert.Single(entries, e => e.Action == AuditActions.TeamKeySaved && e.ActorId == _admin);
        Assert.Single(entries, e => e.Action == AuditActions.TeamKeyRemoved && e.ActorId == _admin);
        foreach (var key in new[] { first, second, team })
            Assert.DoesNotContain(entries, e => e.Text.Contains(key.Reveal()[..8], StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeamActions_NameTheActorAndTheSubject_AndKeepTheClientAddress()
    {
        var member = await _core.NewUserAsync("member@example.com");
        var team = _core.Get<TeamService>();
        AuditClient.Address = "203.0.113.9";
        try
        {
            Assert.Null(await team.SetDisabledAsync(_admin, member, disabled: true));
            Assert.Null(await team.SetDisabledAsync(_admin, member, disabled: false));
            Assert.Null(await team.SetAdministratorAsync(_admin, member, administrator: true));
            Assert.Null(await _core.Get<TeamKeyService>().SetLimitsAsync(_admin, member, "2", "20"));
        }
        finally
        {
            AuditClient.Address = null;
        }

        var entries = await EntriesAsync();
        var disabled = Assert.Single(entries, e => e.Action == AuditActions.MemberDisabled);
        Assert.Equal(("admin@example.com", "member@example.com", "203.0.113.9"), (disabled.ActorEmail, disabled.SubjectEmail, disabled.ClientAddress));
        Assert.Single(entries, e => e.Action == AuditActions.MemberEnabled && e.SubjectId == member);
        Assert.Single(entries, e => e.Action == AuditActions.RoleChanged && e.SubjectId == member);
        Assert.Contains("2.00 a day and 20.00 a month", Assert.Single(entries, e => e.Action == AuditActions.BudgetChanged).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_ChangesTheirOwnRole_AndOnlyAdministratorsChangeRoles()
    {
        var member = await _core.NewUserAsync("member@example.com");
        var team = _core.Get<TeamService>();

        Assert.NotNull(await team.SetAdministratorAsync(_admin, _admin, administrator: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => team.SetAdministratorAsync(member, _admin, administrator: false));
        Assert.Contains(_admin, await Administrators.Ids(await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync()).ToListAsync());
    }

    [Fact]
    public async Task APurchase_ThatWentThrough_IsBought_EvenWhenItsAuditLineCannotBeWritten()
    {
        var (member, _) = await _core.NewUserWithKeyAsync("member@example.com");
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            await db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgreSql
                ? """
                  CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
                  CREATE TRIGGER "NoAudit" BEFORE INSERT ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION no_audit();
                  """
                : "CREATE TRIGGER NoAudit BEFORE INSERT ON AuditEntries BEGIN SELECT RAISE(ABORT, 'disk full'); END;");

        var bought = await _core.Get<Purchases>().BuyAsync(member, Guid.NewGuid(), Telegram, Pakistan);

        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        Assert.Equal(ActivationStatus.Waiting, (await _core.Get<ActivationQueries>().GetAsync(member, bought.Activation!.Id))!.Status);
    }

    [Fact]
    public async Task Entries_CannotBeChanged_InTheDatabase()
    {
        await Audit.RecordAsync(AuditActions.InviteCreated, _admin, "Created an invite link.");
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();

        // SqliteException or PostgresException: the database itself refuses.
        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            db.AuditEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.Text, "Nothing happened.")));

        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Created an invite link.", (await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AuditActions.InviteCreated)).Text);
    }

    [Fact]
    public async Task Paging_VisitsEveryEntryOnce_NewestFirst_AndComesBackTheSameWay()
    {
        var member = await _core.NewUserAsync("member@example.com");
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            var start = _time.GetUtcNow();
            db.AuditEntries.AddRange(Enumerable.Range(0, 1234).Select(i => new AuditEntry
            {
                At = start.AddMinutes(i), Action = i % 3 == 0 ? AuditActions.Purchase : AuditActions.SignIn,
                ActorId = i % 2 == 0 ? member : _admin, SubjectId = i % 2 == 0 ? member : _admin, Text = $"Entry {i}.",
            }));
            await db.SaveChangesAsync();
        }
        var all = (await EntriesAsync()).Where(e => e.Text.StartsWith("Entry", StringComparison.Ordinal)).ToList();

        var seen = new List<long>();
        var pages = new List<AuditPage>();
        var page = await Audit.PageAsync(_admin, new AuditFilter());
        while (true)
        {
            pages.Add(page);
            seen.AddRange(page.Entries.Select(e => e.Id));
            if (page.OlderCursor is not { } older) break;
            page = await Audit.PageAsync(_admin, new AuditFilter(), olderThan: older);
        }
        Assert.Equal(all.Select(e => e.Id).OrderDescending(), seen.Where(id => all.Any(e => e.Id == id)));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Null(pages[0].NewerCursor);
        Assert.All(pages, p => Assert.Equal(pages[0].Total, p.Total));
        // Back from the last page: the same pages, in reverse.
        for (var i = pages.Count - 1; i > 0; i--)
        {
            var newer = await Audit.PageAsync(_admin, new AuditFilter(), newerThan: pages[i].NewerCursor);
            Assert.Equal(pages[i - 1].Entries.Select(e => e.Id), newer.Entries.Select(e => e.Id));
        }

        var purchases = await Audit.PageAsync(_admin, new AuditFilter(member, AuditActions.Purchase));
        Assert.Equal(all.Count(e => e.ActorId == member && e.Action == AuditActions.Purchase), purchases.Total);
        Assert.All(purchases.Entries, e => Assert.Equal((member, AuditActions.Purchase), (e.SubjectId!, e.Action)));
        var oneDay = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).AddDays(1);
        var dayPage = await Audit.PageAsync(_admin, new AuditFilter(From: oneDay, To: oneDay));
        Assert.Equal(all.Count(e => DateOnly.FromDateTime(e.At.UtcDateTime) == oneDay), dayPage.Total);
    }

    [Fact]
    public async Task APerson_SeesTheirOwnSecurityEvents_AndAMember_CannotReadTheLog()
    {
        var member = await _core.NewUserAsync("member@example.com");
        await Audit.RecordAsync(AuditActions.SignIn, member, "Signed in with password.");
        await Audit.RecordAsync(AuditActions.Purchase, member, "Bought a number.");
        await Audit.RecordAsync(AuditActions.SignIn, _admin, "Signed in with password.");
        await Audit.RecordAsync(AuditActions.MemberDisabled, _admin, "Disabled the account.", member);

        var own = await Audit.PageOwnAsync(member);

        Assert.Equal([AuditActions.MemberDisabled, AuditActions.SignIn, AuditActions.Registered], own.Entries.Select(e => e.Action));
        Assert.All(own.Entries, e => Assert.Equal(member, e.SubjectId));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Audit.PageAsync(member, new AuditFilter()));
    }

    [Fact]
    public async Task TheDailyPrune_DeletesEntriesPastTheRetention_AndEndedSessionsAfterAMonth()
    {
        await Audit.RecordAsync(AuditActions.SignIn, _admin, "Old.");
        var sessions = _core.Get<SessionRegistry>();
        var ended = await sessions.StartAsync(_admin, null);
        var open = await sessions.StartAsync(_admin, null);
        await sessions.EndAsync(_admin, ended, "signed out");
        _time.Advance(TimeSpan.FromDays(364));
        await Audit.RecordAsync(AuditActions.SignIn, _admin, "Recent.");
        _time.Advance(TimeSpan.FromDays(2));

        await _core.Get<AuditPruner>().PruneOnceAsync();

        Assert.Equal(["Recent."], (await EntriesAsync()).Select(e => e.Text));
        Assert.False(await sessions.IsOpenAsync(_admin, ended));
        Assert.True(await sessions.IsOpenAsync(_admin, open));
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.Equal([open], await db.UserSessions.Select(s => s.Id).ToListAsync());
    }
}
