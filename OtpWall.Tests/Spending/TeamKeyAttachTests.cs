using Microsoft.EntityFrameworkCore;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>Attach with the team key: a teammate's number is never handed over, and two people attaching one id at once get it once.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamKeyAttachTests(SandboxServer sandbox) : TeamKeyTestBase(sandbox), IClassFixture<SandboxServer>
{
    private async Task<Guid> LostTeamPurchaseAsync(string userId, OtpWallApiKey teamKey)
    {
        var id = Guid.NewGuid();
        await using var db = await Core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        db.Activations.Add(new Activation
        {
            Id = id, UserId = userId, PurchaseAttemptId = Guid.NewGuid(), Service = Telegram.Code, ServiceName = Telegram.Name,
            Country = Pakistan.Code, CountryName = Pakistan.Name, Status = ActivationStatus.OutcomeUnknown, Payer = Payer.Team,
            Note = "OTPWALL did not answer in time.", KeyFingerprint = teamKey.Fingerprint, CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(), ExpiresAt = Clock.GetUtcNow().AddMinutes(20),
        });
        await db.SaveChangesAsync();
        return id;
    }

    private async Task<List<OtpWall.Core.Audit.AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync();
    }

    [Fact]
    public async Task ATeammatesTeamKeyNumber_CannotBeTakenThroughAttach_AndTheTryIsAudited()
    {
        var teamKey = await SaveTeamKeyAsync();
        var alice = await MemberAsync("alice@example.com", KeyMode.Team);
        var mallory = await MemberAsync("mallory@example.com", KeyMode.Team);
        var alicesNumber = (await BuyWithTeamKeyAsync(alice)).Activation!;
        var lost = await LostTeamPurchaseAsync(mallory, teamKey);

        var taken = await Activations.AttachAsync(mallory, lost, alicesNumber.UpstreamId);

        Assert.False(taken.Confirmed);
        Assert.Equal($"Activation {alicesNumber.UpstreamId} belongs to another purchase recorded on this dashboard, so it cannot be attached to this one.", taken.Message);
        var rows = await ActivationsAsync();
        Assert.Null(rows.Single(a => a.Id == lost).UpstreamId);
        Assert.Equal(alice, rows.Single(a => a.UpstreamId == alicesNumber.UpstreamId).UserId);
        Assert.Null(await Core.Get<ActivationQueries>().GetAsync(mallory, alicesNumber.Id));
        var refused = Assert.Single(await AuditAsync(OtpWall.Core.Audit.AuditActions.AttachRefused));
        Assert.Equal(mallory, refused.ActorId);
        Assert.Empty(await AuditAsync(OtpWall.Core.Audit.AuditActions.Attach));
    }

    [Fact]
    public async Task TwoMembersAttachingTheSameIdAtOnce_UnderARealRoundTrip_OnlyOneGetsIt_AndThatOneIsAudited()
    {
        var teamKey = await SaveTeamKeyAsync();
        var alice = await MemberAsync("alice@example.com", KeyMode.Team);
        var bob = await MemberAsync("bob@example.com", KeyMode.Team);
        var alicesLost = await LostTeamPurchaseAsync(alice, teamKey);
        var bobsLost = await LostTeamPurchaseAsync(bob, teamKey);
        var bought = Sandbox.Simulator.Buy(teamKey.Reveal(), Telegram.Code, Pakistan.Code); // what OTPWALL did with one of them
        await Sandbox.SetFaultsAsync(new { latencyMs = 250 });

        var results = await Task.WhenAll(Activations.AttachAsync(alice, alicesLost, bought.Id), Activations.AttachAsync(bob, bobsLost, bought.Id));

        Assert.Single(results, r => r.Confirmed);
        Assert.Single(await ActivationsAsync(), a => a.UpstreamId == bought.Id);
        Assert.Single(await AuditAsync(OtpWall.Core.Audit.AuditActions.Attach));
    }
}
