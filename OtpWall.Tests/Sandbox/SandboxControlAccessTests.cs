using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.BrowserTests.Support;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Sandbox;

/// <summary>The sandbox control surface of a dashboard others can reach: nobody reads or steers another person's sandbox.</summary>
public sealed class SandboxControlAccessTests : DashboardHostTest
{
    private static JsonContent Json(object body) => JsonContent.Create(body);

    private async Task<(BrowserlessSession Admin, BrowserlessSession Member, string MembersActivation, string OthersActivation, string AdminsKey)> TeamAsync()
    {
        var (admin, adminId) = await Host.RegisterAdministratorAsync();
        await Host.Services.GetRequiredService<RegistrationService>().SetPolicyAsync(adminId, RegistrationPolicy.Open);
        var member = Host.NewSession();
        (await member.RegisterAsync("member@example.com", Password)).Dispose();
        var memberId = await Host.UserIdAsync("member@example.com");
        var keys = Host.Services.GetRequiredService<SandboxKeyIssuer>();
        Assert.True((await keys.IssueAsync(adminId)).Saved);
        Assert.True((await keys.IssueAsync(memberId)).Saved);
        var buy = Host.Services.GetRequiredService<Purchases>();
        var mine = (await buy.BuyAsync(memberId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!.UpstreamId!;
        var theirs = (await buy.BuyAsync(adminId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!.UpstreamId!;
        return (admin, member, mine, theirs, (await Host.Services.GetRequiredService<ApiKeyVault>().GetAsync(adminId)).Key!.Reveal());
    }

    [Fact]
    public async Task SomeoneNotSignedIn_CanNeitherReadNorSteerTheSandbox()
    {
        var (_, _, activation, _, _) = await TeamAsync();
        using var stranger = Host.NewSession();

        using var stats = await stranger.GetAsync("/sandbox/control/stats");
        using var faults = await stranger.PostAsync("/sandbox/control/faults", Json(new { errorRate = 1 }));
        using var sms = await stranger.PostAsync($"/sandbox/control/activations/{activation}/sms", Json(new { text = "code 123456" }));
        using var keys = await stranger.PostAsync("/sandbox/control/keys", Json(new { balance = 5 }));

        Assert.All(new[] { stats, faults, sms, keys }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("signed in", await stats.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMember_DeliversSmsOnlyToTheirOwnNumbers_AndCannotTouchFaultsStatsOrOthersKeys()
    {
        var (_, member, mine, theirs, adminsKey) = await TeamAsync();

        using var own = await member.PostAsync($"/sandbox/control/activations/{mine}/sms", Json(new { text = "Telegram code: 12345" }));
        using var other = await member.PostAsync($"/sandbox/control/activations/{theirs}/sms", Json(new { text = "Telegram code: 12345" }));
        using var stats = await member.GetAsync("/sandbox/control/stats");
        using var faults = await member.PostAsync("/sandbox/control/faults", Json(new { errorRate = 1 }));
        using var newAccount = await member.PostAsync("/sandbox/control/keys", Json(new { balance = 5 }));
        using var resetOthers = await member.PostAsync("/sandbox/control/keys", Json(new { key = adminsKey, balance = 0 }));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stats.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, faults.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newAccount.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, resetOthers.StatusCode);
        Assert.NotEqual(0m, Host.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>().GetBalance(adminsKey).Balance);
    }

    [Theory]
    [InlineData("Key")]
    [InlineData("KEY")]
    public async Task AnotherPersonsKey_IsRefusedWhateverTheCaseOfItsPropertyName(string property)
    {
        var (_, member, _, _, adminsKey) = await TeamAsync();
        var before = Host.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>().GetBalance(adminsKey).Balance;

        using var reset = await member.PostAsync("/sandbox/control/keys",
            new StringContent($$"""{"{{property}}": "{{adminsKey}}", "balance": 0}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);
        Assert.Equal(before, Host.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>().GetBalance(adminsKey).Balance);
    }

    [Fact]
    public async Task AnAdministratorDemotedAMomentAgo_LosesSandboxAdministrationAtOnce_ThoughTheirCookieStillSaysAdministrator()
    {
        var (_, member, _, _, _) = await TeamAsync();
        var adminId = await Host.UserIdAsync("admin@example.com");
        var memberId = await Host.UserIdAsync("member@example.com");
        var team = Host.Services.GetRequiredService<TeamService>();
        Assert.Null(await team.SetAdministratorAsync(adminId, memberId, administrator: true));
        using var promoted = Host.NewSession();
        (await promoted.SignInAsync("member@example.com", Password)).Dispose();
        using (var asAdministrator = await promoted.GetAsync("/sandbox/control/stats")) Assert.Equal(HttpStatusCode.OK, asAdministrator.StatusCode);

        Assert.Null(await team.SetAdministratorAsync(adminId, memberId, administrator: false));

        using var stats = await promoted.GetAsync("/sandbox/control/stats");
        using var faults = await promoted.PostAsync("/sandbox/control/faults", Json(new { errorRate = 1 }));
        using var reset = await promoted.PostAsync("/sandbox/control/reset", Json(new { }));
        Assert.All(new[] { stats, faults, reset }, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
    }

    [Fact]
    public async Task WhatAMemberDoesWithTheSandbox_IsInTheAuditLog_AndWhatIsRefusedIsNot()
    {
        var (_, member, mine, theirs, _) = await TeamAsync();
        var memberId = await Host.UserIdAsync("member@example.com");

        (await member.PostAsync($"/sandbox/control/activations/{mine}/sms", Json(new { text = "Telegram code: 12345" }))).Dispose();
        (await member.PostAsync($"/sandbox/control/activations/{theirs}/sms", Json(new { text = "Telegram code: 12345" }))).Dispose();
        (await member.PostAsync("/sandbox/control/keys", Json(new { balance = 1000000 }))).Dispose();
        var ownKey = (await Host.Services.GetRequiredService<ApiKeyVault>().GetAsync(memberId)).Key!.Reveal();
        (await member.PostAsync("/sandbox/control/keys", Json(new { key = ownKey, balance = 3.5 }))).Dispose();

        await using var db = await Host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>().CreateDbContextAsync();
        var lines = db.AuditEntries.Where(e => e.ActorId == memberId && e.Action.StartsWith("sandbox-")).OrderBy(e => e.Id)
            .Select(e => new { e.Action, e.Text }).ToList();
        Assert.Equal(
        [
            new { Action = OtpWall.Core.Audit.AuditActions.SandboxSms, Text = $"Delivered a simulated SMS to their sandbox Telegram number in Pakistan (OTPWALL {mine})." },
            new { Action = OtpWall.Core.Audit.AuditActions.SandboxAccount, Text = "Created a sandbox account with a balance of 1000000.00." },
            new { Action = OtpWall.Core.Audit.AuditActions.SandboxAccount, Text = "Reset their sandbox account with a balance of 3.50." },
        ], lines);
        // The code on its own (an OTPWALL number such as 412345678 may hold the same digits inside it).
        Assert.DoesNotContain(db.AuditEntries.Select(e => e.Text).ToList(), t => t.Contains(ownKey, StringComparison.Ordinal)
            || System.Text.RegularExpressions.Regex.IsMatch(t, @"(?<!\d)12345(?!\d)"));
    }

    [Fact]
    public async Task AnAdministrator_ReadsTheStatistics_AndSwitchesFaults()
    {
        var (admin, _, _, _, _) = await TeamAsync();

        using var stats = await admin.GetAsync("/sandbox/control/stats");
        using var faults = await admin.PostAsync("/sandbox/control/faults", Json(new { }));

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.True((await stats.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("byPath", out _));
        Assert.Equal(HttpStatusCode.OK, faults.StatusCode);
    }

    [Fact]
    public async Task WithTheSettingOn_TheSurfaceIsOpen_AsTestSuitesNeed()
    {
        await using var open = new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Sandbox:OpenControl"] = "true" });
        using var stranger = open.NewSession();

        using var stats = await stranger.GetAsync("/sandbox/control/stats");

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }
}
