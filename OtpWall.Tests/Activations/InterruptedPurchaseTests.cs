using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>
/// A purchase the server never learned the end of (it stopped mid-purchase), and numbers the poller cannot follow:
/// the person is told what happened and what to check, and can hand the dashboard the OTPWALL id to follow it.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed class InterruptedPurchaseTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Discord = new("discord", "Discord");
    private static readonly Country Germany = new("DE", "Germany");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 30, 0, TimeSpan.Zero));
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        await sandbox.ClearFaultsAsync();
        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory);
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await sandbox.ClearFaultsAsync();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    private ActivationService Activations => _core.Get<ActivationService>();


    private Purchases Buying => _core.Get<Purchases>();

    private async Task PollAfterAsync(TimeSpan elapsed)
    {
        _time.Advance(elapsed);
        await _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
    }

    // What a purchase leaves behind when the server stops right after sending it: the row written before it left.
    private async Task<Guid> CrashMidPurchaseAsync(string userId, OtpWallApiKey key)
    {
        var id = Guid.NewGuid();
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            db.Activations.Add(new Activation
            {
                Id = id, UserId = userId, PurchaseAttemptId = Guid.NewGuid(), Service = Discord.Code, ServiceName = Discord.Name,
                Country = Germany.Code, CountryName = Germany.Name, Status = ActivationStatus.OutcomeUnknown, Note = Activation.InFlightNote,
                BalanceBefore = "10.00 USD", KeyFingerprint = key.Fingerprint, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow(),
                ExpiresAt = _time.GetUtcNow().AddMinutes(20),
            });
            await db.SaveChangesAsync();
        }
        await _core.DisposeAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory);
        await PollAfterAsync(TimeSpan.Zero);
        return id;
    }

    [Fact]
    public async Task AfterARestart_APurchaseThatWasInFlight_SaysWhatHappenedAndWhatToCheck()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("crashed@example.com");

        var id = await CrashMidPurchaseAsync(userId, key);

        var row = (await _core.Get<ActivationQueries>().GetAsync(userId, id))!;
        Assert.Equal(ActivationStatus.OutcomeUnknown, row.Status);
        Assert.Equal(
            "The dashboard stopped while this purchase was being sent to OTPWALL (2026-11-28 09:30 UTC), so it may or may not have gone through. " +
            "Check your balance in OTPWALL: it was 10.00 USD just before. If it dropped by a number's price and OTPWALL lists a Discord number " +
            "in Germany from that time, enter its activation id here and the dashboard follows it; otherwise nothing was bought.", row.Note);
        Assert.True(row.CanAttach);
        Assert.Contains(id, (await _core.Get<ActivationQueries>().LiveAsync(userId)).Select(a => a.Id));
    }

    [Fact]
    public async Task ThePersonAttachesTheIdTheyFoundInOtpwall_AndTheNumberIsFollowedLikeAnyOther()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("attacher@example.com");
        var id = await CrashMidPurchaseAsync(userId, key);
        var bought = sandbox.Simulator.Buy(key.Reveal(), Discord.Code, Germany.Code); // what OTPWALL did with the lost purchase

        var wrong = await Activations.AttachAsync(userId, id, "999999999");
        var malformed = await Activations.AttachAsync(userId, id, "<script>");
        var attached = await Activations.AttachAsync(userId, id, bought.Id);
        var again = await Activations.AttachAsync(userId, id, bought.Id);

        Assert.Equal("OTPWALL knows no activation 999999999 bought with your key. Check the id in OTPWALL.", wrong.Message);
        Assert.StartsWith("An OTPWALL activation id is letters and digits", malformed.Message, StringComparison.Ordinal);
        Assert.True(attached.Confirmed, attached.Message);
        Assert.Equal("Attached. The dashboard follows it now; OTPWALL's status does not include the number, so copy it from OTPWALL.", attached.Message);
        Assert.False(again.Confirmed);
        await sandbox.DeliverSmsAsync(bought.Id, "Your Discord code is 771204");
        await PollAfterAsync(TimeSpan.FromSeconds(3));
        var row = (await _core.Get<ActivationQueries>().GetAsync(userId, id))!;
        Assert.Equal((ActivationStatus.Received, "771204", bought.Id), (row.Status, row.Code, row.UpstreamId));
        Assert.True((await Activations.CompleteAsync(userId, id)).Confirmed);
    }

    [Fact]
    public async Task AttachingAndDismissing_AreInTheAuditLog()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("tidy@example.com");
        var attachedId = await CrashMidPurchaseAsync(userId, key);
        var dismissedId = await CrashMidPurchaseAsync(userId, key);
        var bought = sandbox.Simulator.Buy(key.Reveal(), Discord.Code, Germany.Code);

        Assert.True((await Activations.AttachAsync(userId, attachedId, bought.Id)).Confirmed);
        await Activations.DismissAsync(userId, dismissedId);
        await Activations.DismissAsync(userId, dismissedId); // already dismissed: nothing more to record

        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var lines = await db.AuditEntries.Where(e => e.ActorId == userId && (e.Action == "attach" || e.Action == "dismiss"))
            .OrderBy(e => e.Id).Select(e => e.Text).ToListAsync();
        Assert.Equal(
        [
            $"Attached OTPWALL activation {bought.Id} to a Discord purchase in Germany of unknown outcome.",
            "Dismissed a Discord purchase in Germany of unknown outcome from the live page.",
        ], lines);
    }

    [Fact]
    public async Task AnotherPersonsActivationId_CannotBeAttached()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("mine@example.com");
        var (_, otherKey) = await _core.NewUserWithKeyAsync("theirs@example.com");
        var id = await CrashMidPurchaseAsync(userId, key);
        var theirs = sandbox.Simulator.Buy(otherKey.Reveal(), Discord.Code, Germany.Code);

        var result = await Activations.AttachAsync(userId, id, theirs.Id);

        Assert.False(result.Confirmed);
        Assert.Null((await _core.Get<ActivationQueries>().GetAsync(userId, id))!.UpstreamId);
    }

    [Fact]
    public async Task WhenOtpwallCannotBeReached_TheActivationCarriesTheProblemForItsCard_AndLosesItOnceOtpwallAnswers()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("outage@example.com");
        var bought = (await Buying.BuyAsync(userId, Guid.NewGuid(), Discord, Germany)).Activation!;

        await sandbox.SetFaultsAsync(new { errorRate = 1.0 });
        for (var poll = 0; poll < ActivationPoller.FailuresBeforeProblem; poll++) await PollAfterAsync(TimeSpan.FromSeconds(40));
        var during = (await _core.Get<ActivationQueries>().GetAsync(userId, bought.Id))!;
        await sandbox.ClearFaultsAsync();
        await PollAfterAsync(TimeSpan.FromSeconds(40));
        var after = (await _core.Get<ActivationQueries>().GetAsync(userId, bought.Id))!;

        Assert.StartsWith("OTPWALL cannot be reached right now", during.FollowProblem, StringComparison.Ordinal);
        Assert.EndsWith("The dashboard keeps trying.", during.FollowProblem, StringComparison.Ordinal);
        Assert.Null(after.FollowProblem);
    }

    [Fact]
    public async Task ANumberOtpwallNoLongerKnows_SaysSo_AndCanBeDismissed_StayingInHistory()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("forgotten@example.com");
        var bought = (await Buying.BuyAsync(userId, Guid.NewGuid(), Discord, Germany)).Activation!;
        // OTPWALL forgets the number (as the sandbox did on a restart before it kept its books); the key still works.
        sandbox.Simulator.Reset();
        sandbox.Simulator.CreateAccount(key.Reveal(), 10m, null);

        for (var poll = 0; poll < ActivationPoller.FailuresBeforeProblem; poll++) await PollAfterAsync(TimeSpan.FromSeconds(40));
        var card = (await _core.Get<ActivationQueries>().GetAsync(userId, bought.Id))!;
        await Activations.DismissAsync(userId, bought.Id);

        Assert.Equal(Activation.NotKnownProblem, card.FollowProblem);
        Assert.True(card.CanDismiss);
        Assert.DoesNotContain(bought.Id, (await _core.Get<ActivationQueries>().LiveAsync(userId)).Select(a => a.Id));
        Assert.Contains(bought.Id, (await _core.Get<ActivationQueries>().HistoryAsync(userId, new HistoryFilter(), 0, 10)).Items.Select(a => a.Id));
    }

    [Fact]
    public async Task WhenTheKeyThatBoughtANumberCannotBeDecrypted_TheActivationCarriesThatProblemForItsCard()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("unreadable@example.com");
        var bought = (await Buying.BuyAsync(userId, Guid.NewGuid(), Discord, Germany)).Activation!;
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            await db.ApiKeys.Where(k => k.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Ciphertext, "CfDJ8-not-a-ciphertext"));
        await _core.DisposeAsync();
        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory);

        await PollAfterAsync(TimeSpan.FromSeconds(3));

        Assert.StartsWith("The key that bought this number can no longer be decrypted",
            (await _core.Get<ActivationQueries>().GetAsync(userId, bought.Id))!.FollowProblem, StringComparison.Ordinal);
    }
}
