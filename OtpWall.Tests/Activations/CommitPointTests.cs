using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>
/// Every activation change goes through one commit point: it is saved, then each effect (the poller, the owner's pages,
/// the ledger, retired keys, the audit trail, metrics) acts on it exactly once, on every path that changes an
/// activation: a purchase, a poll, the owner's action, an automatic cancel, recovery after a stop, another replica.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed class CommitPointTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private static readonly Service Telegram = new("telegram", "Telegram");
    private static readonly Country Pakistan = new("PK", "Pakistan");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();
    // What each effect saw, in the order the commit point ran them: the first and the last registered are witnesses.
    private readonly ConcurrentQueue<EffectWitness.Seen> _first = new();
    private readonly ConcurrentQueue<EffectWitness.Seen> _last = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Outcome)> _measurements = new();
    private readonly ConcurrentQueue<(string UserId, ActivationChange Change)> _pages = new();
    private MeterListener? _meters;
    private CoreServices _core = null!;

    public async Task InitializeAsync()
    {
        await sandbox.ClearFaultsAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        _meters?.Dispose();
        await _core.DisposeAsync();
        await sandbox.ClearFaultsAsync();
        TestDatabase.Drop(_dataDirectory);
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task StartAsync()
    {
        _core = await CoreServices.StartAsync(sandbox, _time, _dataDirectory, new Dictionary<string, string?>
        {
            ["OtpWall:Activations:Lifetime"] = "00:01:00",
            ["OtpWall:Activations:AutoCancelMargin"] = "00:00:10",
        }, services =>
        {
            services.Insert(0, ServiceDescriptor.Singleton<IActivationEffect>(provider => new EffectWitness(provider, _first)));
            services.AddSingleton<IActivationEffect>(provider => new EffectWitness(provider, _last));
        });
        // This host's own meter only (other tests' hosts run in the same process).
        _meters?.Dispose();
        var factory = _core.Get<IMeterFactory>();
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name is "otpwall.purchases" or "otpwall.auto_cancels" or "otpwall.codes.delivered")
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags) if (tag.Key == "outcome") outcome = tag.Value as string;
            _measurements.Enqueue((instrument.Name, value, outcome));
        });
        _meters.Start();
    }

    private IDisposable WatchPages(string userId) =>
        _core.Get<ChangeBus>().SubscribeFor<ActivationChange>(userId, change => { _pages.Enqueue((userId, change)); return Task.CompletedTask; });

    private List<ActivationChanged> Changes(Guid id) => [.. _last.Select(w => w.Change).Where(c => c.ActivationId == id)];

    private int PageNotices(Guid id, bool codeArrived = false) => _pages.Count(p => p.Change.ActivationId == id && (!codeArrived || p.Change.CodeArrived));

    private long Measured(string instrument, string? outcome = null) =>
        _measurements.Where(m => m.Instrument == instrument && (outcome is null || m.Outcome == outcome)).Sum(m => m.Value);

    private async Task<List<string>> AuditActionsAsync(string userId)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.SubjectId == userId && EffectWitness.ActivationActions.Contains(e.Action)).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
    }

    private async Task<List<(decimal? Refunded, bool Settled)>> MovementsAsync(Guid activationId)
    {
        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return [.. (await db.AccountMovements.Where(m => m.ActivationId == activationId).Select(m => new { m.Refunded, m.SettledAt }).ToListAsync())
            .Select(m => (m.Refunded, m.SettledAt is not null))];
    }

    private long Followed(string status) => _core.Get<ActivationPoller>().OpenByStatus().Where(s => s.Status == status).Sum(s => s.Count);

    private Task PollAfterAsync(TimeSpan elapsed)
    {
        _time.Advance(elapsed);
        return _core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
    }

    private async Task<ActivationView> BuyAsync(string userId)
    {
        // This process polls (on PostgreSQL it would wait for the poller's lease): what it follows is what the effects told it.
        await PollAfterAsync(TimeSpan.Zero);
        var bought = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);
        Assert.Equal(BuyOutcome.Bought, bought.Outcome);
        return bought.Activation!;
    }

    // Every effect ran after the save: the first effect to run already reads the saved status (or the record gone).
    private void AssertEveryEffectRanAfterTheSave(Guid id)
    {
        Assert.Contains(_first, w => w.Change.ActivationId == id);
        foreach (var witnessed in _first.Where(w => w.Change.ActivationId == id))
            Assert.Equal(witnessed.Change.To, witnessed.StillStored ? witnessed.Saved : null);
    }

    [Fact]
    public async Task APurchase_IsTwoChanges_SendingThenBought_AndIsFollowedShownAuditedAndCountedOnce()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("buyer@example.com", 5.00m);
        using var pages = WatchPages(userId);

        var bought = await BuyAsync(userId);

        Assert.Equal(
            [(ChangePath.Purchase, (ActivationStatus?)null, (ActivationStatus?)ActivationStatus.Buying), (ChangePath.Purchase, ActivationStatus.Buying, ActivationStatus.Waiting)],
            Changes(bought.Id).Select(c => (c.Path, c.From, c.To)));
        AssertEveryEffectRanAfterTheSave(bought.Id);
        Assert.Equal(2, PageNotices(bought.Id));
        Assert.Equal(["purchase"], await AuditActionsAsync(userId));
        Assert.Equal(1, Measured("otpwall.purchases", "bought"));
        Assert.Equal(1, Followed("waiting"));
    }

    [Fact]
    public async Task ARefusedPurchase_LeavesNoRecord_ThePagesHearItGo_AndNothingIsAuditedFollowedOrCountedAsBought()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("broke@example.com", 0.00m);
        using var pages = WatchPages(userId);
        await PollAfterAsync(TimeSpan.Zero);

        var refused = await _core.Get<Purchases>().BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan);

        Assert.Equal(BuyOutcome.Refused, refused.Outcome);
        var id = Assert.Single(_last.Select(w => w.Change.ActivationId).Distinct());
        Assert.Equal([((ActivationStatus?)null, (ActivationStatus?)ActivationStatus.Buying), (ActivationStatus.Buying, null)], Changes(id).Select(c => (c.From, c.To)));
        AssertEveryEffectRanAfterTheSave(id);
        Assert.Equal(2, PageNotices(id));
        Assert.Empty(await AuditActionsAsync(userId));
        Assert.Equal(0, Measured("otpwall.purchases", "bought"));
        Assert.Equal(1, Measured("otpwall.purchases", "refused"));
        Assert.Equal(0, Followed("waiting"));
    }

    [Fact]
    public async Task AnSmsFoundByAPoll_IsOneChange_ThePagesHearOfTheCodeOnce_AndItIsCountedOnce()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("waiter@example.com", 5.00m);
        var bought = await BuyAsync(userId);
        using var pages = WatchPages(userId);

        await sandbox.DeliverSmsAsync(bought.UpstreamId!, "Telegram code: 48213");
        await PollAfterAsync(TimeSpan.FromSeconds(2));
        await PollAfterAsync(TimeSpan.FromSeconds(5)); // nothing new: no change

        var poll = Assert.Single(Changes(bought.Id), c => c.Path == ChangePath.Poll);
        Assert.Equal((ActivationStatus.Waiting, ActivationStatus.Received, true), (poll.From, poll.To, poll.CodeArrived));
        AssertEveryEffectRanAfterTheSave(bought.Id);
        Assert.Equal(1, PageNotices(bought.Id, codeArrived: true));
        Assert.Equal(1, Measured("otpwall.codes.delivered"));
        Assert.Equal(["purchase"], await AuditActionsAsync(userId));
        Assert.Equal(1, Followed("received"));
    }

    [Fact]
    public async Task ACancelByItsOwner_IsOneChange_SettlesItsRefundOnce_IsAuditedOnce_AndIsNoLongerFollowed()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("canceller@example.com", 5.00m);
        var bought = await BuyAsync(userId);
        using var pages = WatchPages(userId);

        var cancelled = await _core.Get<ActivationService>().CancelAsync(userId, bought.Id);

        Assert.True(cancelled.Confirmed, cancelled.Message);
        var change = Assert.Single(Changes(bought.Id), c => c.Path == ChangePath.UserAction);
        Assert.Equal((ActivationStatus.Waiting, ActivationStatus.Cancelled, true), (change.From, change.To, change.Closed));
        AssertEveryEffectRanAfterTheSave(bought.Id);
        Assert.Equal(1, PageNotices(bought.Id));
        Assert.Equal([(bought.Price, true)], await MovementsAsync(bought.Id));
        Assert.Equal(["purchase", "cancel"], await AuditActionsAsync(userId));
        Assert.Equal(0, Followed("waiting"));
    }

    [Fact]
    public async Task AnAutomaticCancel_IsAuditedOnlyAfterItIsSaved_AndSettledAuditedAndCountedOnce()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("late@example.com", 5.00m);
        var bought = await BuyAsync(userId);
        using var pages = WatchPages(userId);

        await PollAfterAsync(TimeSpan.FromSeconds(51)); // within the last 10 s of a one-minute rental, no SMS
        await PollAfterAsync(TimeSpan.FromSeconds(5));

        var change = Assert.Single(Changes(bought.Id), c => c.Path == ChangePath.AutoCancel);
        Assert.Equal((ActivationStatus.Waiting, ActivationStatus.Cancelled), (change.From, change.To));
        // The first effect to run sees the cancel saved and no audit line of it yet; the audit line follows the save.
        var first = Assert.Single(_first, w => w.Change.Path == ChangePath.AutoCancel);
        Assert.Equal((ActivationStatus.Cancelled, 1), (first.Saved!.Value, first.AuditLines));
        Assert.Equal(["purchase", "auto-cancel"], await AuditActionsAsync(userId));
        Assert.Equal([(bought.Price, true)], await MovementsAsync(bought.Id));
        Assert.Equal(1, Measured("otpwall.auto_cancels"));
        Assert.Equal(1, PageNotices(bought.Id));
        Assert.Equal(0, Followed("waiting"));
    }

    [Fact]
    public async Task APurchaseAStopInterrupted_IsRecoveredOnce_ThenAttached_EachOneChangeShownAndAuditedOnce()
    {
        var (userId, key) = await _core.NewUserWithKeyAsync("crashed@example.com", 5.00m);
        var id = Guid.NewGuid();
        await using (var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            db.Activations.Add(new Activation
            {
                Id = id, UserId = userId, PurchaseAttemptId = Guid.NewGuid(), Service = Telegram.Code, ServiceName = Telegram.Name,
                Country = Pakistan.Code, CountryName = Pakistan.Name, Status = ActivationStatus.Buying, KeyFingerprint = key.Fingerprint,
                CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow(), ExpiresAt = _time.GetUtcNow().AddMinutes(20),
            });
            await db.SaveChangesAsync();
        }
        await _core.DisposeAsync(); // the server stops while the purchase is on its way
        _time.Advance(TimeSpan.FromMinutes(2));
        await StartAsync();
        using var pages = WatchPages(userId);

        await PollAfterAsync(TimeSpan.Zero);
        await PollAfterAsync(TimeSpan.FromSeconds(5));

        var recovered = Assert.Single(Changes(id));
        Assert.Equal((ChangePath.Recovery, ActivationStatus.Buying, ActivationStatus.OutcomeUnknown), (recovered.Path, recovered.From, recovered.To));
        AssertEveryEffectRanAfterTheSave(id);
        Assert.Equal(1, PageNotices(id));
        Assert.Equal(["outcome-unknown"], await AuditActionsAsync(userId));

        var upstream = sandbox.Simulator.Buy(key.Reveal(), Telegram.Code, Pakistan.Code); // what OTPWALL did with it
        Assert.True((await _core.Get<ActivationService>().AttachAsync(userId, id, upstream.Id)).Confirmed);

        var attached = Assert.Single(Changes(id), c => c.Path == ChangePath.Attach);
        Assert.Equal((ActivationStatus.OutcomeUnknown, ActivationStatus.Waiting), (attached.From, attached.To));
        Assert.Equal(2, PageNotices(id));
        Assert.Equal(["outcome-unknown", "attach"], await AuditActionsAsync(userId));
        Assert.Equal(1, Followed("waiting"));
    }

    [Fact]
    public async Task AChangeFromAnotherReplica_ReachesThePagesHere_AndIsNeitherAuditedNorCountedNorSettledAgain()
    {
        var (userId, _) = await _core.NewUserWithKeyAsync("elsewhere@example.com", 5.00m);
        var (hereId, _) = await _core.NewUserWithKeyAsync("here@example.com", 5.00m);
        var bus = _core.Get<ChangeBus>();
        var announced = new ConcurrentQueue<ActivationCommitted>();
        using (bus.Subscribe<ActivationCommitted>(c => { announced.Enqueue(c); return Task.CompletedTask; }))
        {
            var sent = await BuyAsync(hereId);
            // Each change made here is announced once for the other replicas (being sent, bought), and not run again here.
            Assert.Equal([sent.Id, sent.Id], announced.Select(c => c.ActivationId));
            Assert.All(announced, c => Assert.Null(c.FromReplica));
            Assert.DoesNotContain(Changes(sent.Id), c => c.Path == ChangePath.OtherReplica);
        }
        var bought = await BuyAsync(userId);
        using var pages = WatchPages(userId);
        var measuredBefore = _measurements.Count;

        bus.Receive(new ActivationCommitted(userId, bought.Id, CodeArrived: true) { FromReplica = "replica-b" });

        await Eventually.TrueAsync(() => Changes(bought.Id).Last().Path == ChangePath.OtherReplica, "the commit point hears the other replica's change");
        Assert.Single(Changes(bought.Id), c => c.Path == ChangePath.OtherReplica);
        Assert.Equal(1, PageNotices(bought.Id, codeArrived: true));
        Assert.Equal(["purchase"], await AuditActionsAsync(userId));
        Assert.Empty(await MovementsAsync(bought.Id));
        Assert.Equal(measuredBefore, _measurements.Count);
    }
}
