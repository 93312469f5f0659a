using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Spending;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Api;

/// <summary>The team's API as scripts use it: OTPWALL's shapes, a purchase followed to its code, idempotent retries, isolation.</summary>
[Trait("Database", "BothEngines")]
public sealed class TeamApiTests(TeamApiHost team) : IClassFixture<TeamApiHost>
{
    [Fact]
    public async Task AScript_BuysWaitsForTheCodeAndCompletes_GettingTheAnswersOtpwallGives()
    {
        var person = await team.PersonAsync();
        using var api = await team.ClientAsync(person.Id, name: "signup bot");
        using var upstream = team.Upstream(person.Key!);

        // The same calls, against OTPWALL (the sandbox, with the raw key) and the dashboard (with the token): same shapes.
        foreach (var path in new[] { "balance", "countries", "services" })
        {
            var (status, body, _) = await api.GetAsync(path);
            var expected = JsonNode.Parse(await upstream.GetStringAsync(path));
            Assert.Equal(200, status);
            Assert.Equal(TeamApiClient.Shape(expected), TeamApiClient.Shape(body));
        }
        var (_, balance, _) = await api.GetAsync("balance");
        Assert.Equal(10.00m, balance!["balance"]!.GetValue<decimal>());

        var bought = await api.BuyAsync("telegram", "pk");
        var direct = JsonNode.Parse(await (await upstream.PostAsJsonAsync("number", new { service = "telegram", country = "PK" })).Content.ReadAsStringAsync());
        Assert.Equal(200, bought.Status);
        Assert.Equal(TeamApiClient.Shape(direct), TeamApiClient.Shape(bought.Body));
        Assert.Equal("waiting", bought.Body!["status"]!.GetValue<string>());
        var id = bought.Body["activation_id"]!.GetValue<string>();

        // A long poll started before the SMS answers once the poller finds it, with the code.
        var waiting = api.GetAsync($"activation/{id}/status?wait=50");
        var upstreamId = team.Host.Services.GetUpstreamIdOf(person.Id);
        var clock = Stopwatch.StartNew();
        team.Sandbox.DeliverSms(upstreamId, "Your Telegram code is 482913");
        var (waitedStatus, waited, _) = await waiting;
        Assert.Equal(200, waitedStatus);
        Assert.Equal("received", waited!["status"]!.GetValue<string>());
        Assert.Contains("482913", waited["sms"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"The long poll answered after {clock.Elapsed}.");
        var direct2 = JsonNode.Parse(await upstream.GetStringAsync($"activation/{upstreamId}/status"));
        Assert.Equal(TeamApiClient.Shape(direct2), TeamApiClient.Shape(waited));

        var completed = await api.SendAsync(HttpMethod.Post, $"activation/{id}/status", new { status = "complete" });
        Assert.Equal(200, completed.Status);
        Assert.Equal("complete", completed.Body!["status"]!.GetValue<string>());
        Assert.Equal("complete", (await api.GetAsync($"activation/{id}/status")).Body!["status"]!.GetValue<string>());

        // Errors in OTPWALL's shape: an unknown activation, a wrong token.
        var missing = await api.GetAsync($"activation/{Guid.NewGuid()}/status");
        var missingUpstream = await upstream.GetAsync("activation/nope/status");
        Assert.Equal(404, missing.Status);
        Assert.Equal((int)missingUpstream.StatusCode, missing.Status);
        Assert.Equal(TeamApiClient.Shape(JsonNode.Parse(await missingUpstream.Content.ReadAsStringAsync())), TeamApiClient.Shape(missing.Body));
        var wrong = await api.GetAsync("balance", token: new string('A', 32));
        Assert.Equal(401, wrong.Status);
        Assert.Equal("unauthorized", wrong.Body!["error"]!.GetValue<string>());

        // The audit says which token bought it.
        await using var db = await team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var line = await db.AuditEntries.Where(e => e.ActorId == person.Id && e.Action == AuditActions.Purchase).Select(e => e.Text).SingleAsync();
        Assert.Contains("through API token \"signup bot\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameIdempotencyKey_AnswersTheSamePurchase_AndNeverBuysTwice_EvenSentTwiceAtOnceOverASlowLink()
    {
        var person = await team.PersonAsync(balance: 10m);
        using var api = await team.ClientAsync(person.Id);
        var faults = team.Host.Services.GetRequiredService<SandboxFaults>();
        faults.Set(new SandboxFaultSettings { LatencyMs = 250 });
        try
        {
            // A script that timed out and sent its purchase again while the first was still on its way.
            var first = api.BuyAsync(idempotencyKey: "order-17");
            var second = api.BuyAsync(idempotencyKey: "order-17");
            var answers = await Task.WhenAll(first, second);
            var retried = await api.BuyAsync(idempotencyKey: "order-17");

            var bought = Assert.Single(answers, a => a.Status == 200);
            var id = bought.Body!["activation_id"]!.GetValue<string>();
            var other = Assert.Single(answers, a => a != bought);
            // The other is either the same purchase again or "still in progress, retry": never a second number.
            if (other.Status == 200) Assert.Equal(id, other.Body!["activation_id"]!.GetValue<string>());
            else
            {
                Assert.Equal(409, other.Status);
                Assert.Equal("purchase_in_progress", other.Body!["error"]!.GetValue<string>());
                Assert.True(other.Response.Headers.RetryAfter is not null);
            }
            Assert.Equal(200, retried.Status);
            Assert.Equal(id, retried.Body!["activation_id"]!.GetValue<string>());
            Assert.Equal(bought.Body["number"]!.GetValue<string>(), retried.Body["number"]!.GetValue<string>());

            // The same key for something else is refused; a new key buys again.
            var reused = await api.BuyAsync("whatsapp", "PK", idempotencyKey: "order-17");
            Assert.Equal(422, reused.Status);
            Assert.Equal("idempotency_key_reused", reused.Body!["error"]!.GetValue<string>());
            var next = await api.BuyAsync(idempotencyKey: "order-18");
            Assert.Equal(200, next.Status);
            Assert.NotEqual(id, next.Body!["activation_id"]!.GetValue<string>());

            Assert.Equal(2, await ActivationCountAsync(person.Id));
            Assert.Equal(10m - 2 * Price("telegram", "PK"), team.Sandbox.GetBalance(person.Key!).Balance);
        }
        finally
        {
            faults.Set(SandboxFaultSettings.None);
        }
    }

    [Fact]
    public async Task TwoPeoplesTokens_BuyAtOnce_AndEachSeesOnlyTheirOwnActivations()
    {
        var (alice, bob) = (await team.PersonAsync(), await team.PersonAsync());
        using var aliceApi = await team.ClientAsync(alice.Id);
        using var bobApi = await team.ClientAsync(bob.Id);
        var faults = team.Host.Services.GetRequiredService<SandboxFaults>();
        faults.Set(new SandboxFaultSettings { LatencyMs = 200 });
        (int Status, JsonNode? Body, HttpResponseMessage Response)[] bought;
        try
        {
            bought = await Task.WhenAll(aliceApi.BuyAsync(), bobApi.BuyAsync());
        }
        finally
        {
            faults.Set(SandboxFaultSettings.None);
        }
        Assert.All(bought, b => Assert.Equal(200, b.Status));
        var aliceId = bought[0].Body!["activation_id"]!.GetValue<string>();
        var aliceUpstream = team.Host.Services.GetUpstreamIdOf(alice.Id);

        // Bob's token knows nothing of Alice's number, by either id: as if it did not exist.
        Assert.Equal(404, (await bobApi.GetAsync($"activation/{aliceId}/status")).Status);
        Assert.Equal(404, (await bobApi.GetAsync($"activation/{aliceUpstream}/status")).Status);
        Assert.Equal(404, (await bobApi.SendAsync(HttpMethod.Post, $"activation/{aliceId}/status", new { status = "cancel" })).Status);
        Assert.Equal(404, (await bobApi.GetAsync($"activation/{aliceId}/status?wait=1")).Status);
        // Alice's own token still has it, waiting: Bob's cancel did nothing.
        var alices = await aliceApi.GetAsync($"activation/{aliceUpstream}/status");
        Assert.Equal("waiting", alices.Body!["status"]!.GetValue<string>());
        Assert.Equal(1, await ActivationCountAsync(bob.Id));
    }

    [Fact]
    public async Task AReadOnlyToken_AndSomeoneWithoutAKey_AreRefusedWithReasons()
    {
        var reader = await team.PersonAsync();
        using var readOnly = await team.ClientAsync(reader.Id, ApiTokenScope.Read);
        var keyless = await team.PersonAsync(withKey: false);
        using var keylessApi = await team.ClientAsync(keyless.Id);

        var refused = await readOnly.BuyAsync();
        Assert.Equal(403, refused.Status);
        Assert.Equal("forbidden", refused.Body!["error"]!.GetValue<string>());
        Assert.Equal(200, (await readOnly.GetAsync("balance")).Status);
        var noKey = await keylessApi.BuyAsync();
        Assert.Equal(403, noKey.Status);
        Assert.Equal("no_key", noKey.Body!["error"]!.GetValue<string>());
        Assert.Contains("OTPWALL key", noKey.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var noBalance = await keylessApi.GetAsync("balance");
        Assert.Equal(403, noBalance.Status);
        Assert.Equal("no_key", noBalance.Body!["error"]!.GetValue<string>());
        var badBody = await keylessApi.SendAsync(HttpMethod.Post, "number", new { service = "telegram" });
        Assert.Equal(400, badBody.Status);
        Assert.Equal("invalid_request", badBody.Body!["error"]!.GetValue<string>());
        Assert.Equal(0, await ActivationCountAsync(reader.Id) + await ActivationCountAsync(keyless.Id));
    }

    [Fact]
    public async Task AskingTheStatusOften_AddsNoReadToOtpwall()
    {
        var person = await team.PersonAsync();
        using var api = await team.ClientAsync(person.Id);
        var id = (await api.BuyAsync()).Body!["activation_id"]!.GetValue<string>();
        var upstreamId = team.Host.Services.GetUpstreamIdOf(person.Id);
        var stats = team.Host.Services.GetRequiredService<SandboxStats>();
        long Reads() => stats.Read().ByPath.GetValueOrDefault($"GET /activation/{upstreamId}/status");

        var before = Reads();
        var clock = Stopwatch.StartNew();
        // A script's cadence: every 200 ms.
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 15 && await cadence.WaitForNextTickAsync(); i++)
            Assert.Equal(200, (await api.GetAsync($"activation/{id}/status")).Status);
        var elapsed = clock.Elapsed;

        // The poller's own reads (one per its interval, whoever asks) are all OTPWALL saw meanwhile.
        Assert.True(Reads() - before <= 1 + (long)(elapsed.TotalSeconds / 2), $"{Reads() - before} reads of OTPWALL during 15 API reads in {elapsed}.");
    }

    [Fact]
    public async Task TwoMembersScripts_OnTheTeamKey_AtOnceOverASlowLink_NeverSpendPastTheirBudgets()
    {
        var teamKeys = team.Host.Services.GetRequiredService<TeamKeyService>();
        var teamKey = team.Sandbox.CreateAccount(null, 20m, null).Key;
        Assert.True((await teamKeys.SaveAsync(team.AdminId, teamKey)).Saved);
        var price = Price("telegram", "PK");
        var members = new[] { await team.PersonAsync(withKey: false), await team.PersonAsync(withKey: false) };
        foreach (var member in members)
        {
            Assert.Null(await teamKeys.SetKeyModeAsync(team.AdminId, member.Id, KeyMode.Team));
            Assert.Null(await teamKeys.SetLimitsAsync(team.AdminId, member.Id, price.ToString(CultureInfo.InvariantCulture), null));
        }
        var scripts = await Task.WhenAll(members.Select(m => team.ClientAsync(m.Id)));
        var (_, teamBalance, _) = await scripts[0].GetAsync("balance");
        Assert.Equal(20.00m, teamBalance!["balance"]!.GetValue<decimal>());
        var faults = team.Host.Services.GetRequiredService<SandboxFaults>();
        faults.Set(new SandboxFaultSettings { LatencyMs = 200 });
        try
        {
            // Each member's script buys twice at once, both members at the same time: one purchase each fits the budget.
            var answers = await Task.WhenAll(scripts.SelectMany(s => new[] { s.BuyAsync(idempotencyKey: "a"), s.BuyAsync(idempotencyKey: "b") }));
            var afterwards = await Task.WhenAll(scripts.Select(s => s.BuyAsync(idempotencyKey: "c")));

            Assert.Equal(2, answers.Count(a => a.Status == 200));
            Assert.All(answers.Where(a => a.Status != 200), a => Assert.Contains(a.Body!["error"]!.GetValue<string>(), RefusedOnBudget));
            Assert.All(afterwards, a =>
            {
                Assert.Equal(402, a.Status);
                Assert.Equal("limit_reached", a.Body!["error"]!.GetValue<string>());
            });
            foreach (var member in members) Assert.Equal(1, await ActivationCountAsync(member.Id));
            Assert.Equal(20m - 2 * price, team.Sandbox.GetBalance(teamKey).Balance);
        }
        finally
        {
            faults.Set(SandboxFaultSettings.None);
            foreach (var script in scripts) script.Dispose();
            await teamKeys.RemoveAsync(team.AdminId);
        }
    }

    [Fact]
    public async Task AScriptsCountriesAndPriceCeiling_BuyInTheNextCountryWithNumbers_AndRefuseWhatCostsTooMuch()
    {
        var person = await team.PersonAsync();
        using var api = await team.ClientAsync(person.Id);
        team.Sandbox.SetStock("telegram", "GB", available: false);
        team.Sandbox.SetPrice("telegram", "NL", 0.95m);
        try
        {
            var bought = await api.SendAsync(HttpMethod.Post, "number", new { service = "telegram", countries = BritainNetherlandsPakistan, max_price = 0.90m });

            Assert.Equal(200, bought.Status);
            Assert.Equal("PK", bought.Body!["country"]!.GetValue<string>());
            var tried = bought.Body["tried"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
            Assert.Equal(2, tried.Count);
            Assert.Contains("no numbers", tried[0], StringComparison.Ordinal);
            Assert.Contains("above the price ceiling", tried[1], StringComparison.Ordinal);

            var tooDear = await api.SendAsync(HttpMethod.Post, "number", new { service = "telegram", country = "NL", max_price = 0.90m });
            Assert.Equal(422, tooDear.Status);
            Assert.Equal("price_above_ceiling", tooDear.Body!["error"]!.GetValue<string>());
            var open = (await ActivationsOfAsync(person.Id)).Where(a => a.Status is not (Core.Activations.ActivationStatus.Cancelled)).ToList();
            Assert.Equal(["PK"], open.Select(a => a.Country));
        }
        finally
        {
            team.Sandbox.SetStock("telegram", "GB", available: true);
            team.Sandbox.SetPrice("telegram", "NL", Price("telegram", "NL"));
        }
    }

    private async Task<List<Core.Activations.Activation>> ActivationsOfAsync(string userId)
    {
        await using var db = await team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().Where(a => a.UserId == userId).ToListAsync();
    }

    private static readonly string[] BritainNetherlandsPakistan = ["GB", "NL", "PK"];

    private static readonly string[] RefusedOnBudget = ["purchase_in_progress", "limit_reached"];

    private static decimal Price(string service, string country) => SandboxCatalogue.Price(
        SandboxCatalogue.Services.Single(s => s.Code == service), SandboxCatalogue.Countries.Single(c => c.Code == country));

    private async Task<int> ActivationCountAsync(string userId)
    {
        await using var db = await team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.CountAsync(a => a.UserId == userId);
    }

}
