using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Api;

/// <summary>One dashboard that logs everything at Trace and lets a token read three times a second.</summary>
public sealed class TracedTeamApiHost : IAsyncLifetime
{
    public TeamApiHost Team { get; } = new();

    public Task InitializeAsync() => Team.StartAsync(new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Api:ReadsPerSecond"] = "3" })
    {
        TraceLogs = true,
    });

    public Task DisposeAsync() => Team.DisposeAsync();
}

/// <summary>The tokens page, what ends a token, a token's limits, the documentation, and secrets kept out of logs.</summary>
public sealed partial class ApiTokenPageAndLimitsTests(TracedTeamApiHost traced) : IClassFixture<TracedTeamApiHost>
{
    private TeamApiHost Team => traced.Team;

    [Fact]
    public async Task TheTokensPage_ShowsANewTokenOnce_ListsItWithoutIt_AndRevokingItRefusesItsNextRequest()
    {
        var person = await Team.PersonAsync();

        using var created = await person.Session.SubmitAsync("/account/tokens", "create-token",
            new Dictionary<string, string> { ["Input.Name"] = "signup bot", ["Input.Expiry"] = "30d", ["Input.Scope"] = "buy" });
        var page = await created.Content.ReadAsStringAsync();
        var token = TokenValue().Match(page).Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9]{32}$", token);
        Assert.Contains("data-testid=\"token-row\" data-name=\"signup bot\" data-scope=\"buy\"", page, StringComparison.Ordinal);
        Assert.Contains($"{Team.Host.RootUri.ToString().TrimEnd('/')}/api/v1/balance", page, StringComparison.Ordinal);

        // Shown once: the page again lists it, without its value.
        var again = await person.Session.GetPageAsync("/account/tokens");
        Assert.Contains("data-name=\"signup bot\"", again, StringComparison.Ordinal);
        Assert.DoesNotContain(token, again, StringComparison.Ordinal);
        using var api = new TeamApiClient(Team.Host.RootUri, token);
        Assert.Equal(200, (await api.GetAsync("balance")).Status);
        Assert.Contains("from 127.0.0.1", await person.Session.GetPageAsync("/account/tokens"), StringComparison.Ordinal);

        var id = (await Team.Tokens.ListOwnAsync(person.Id)).Single().Id;
        using var revoked = await person.Session.SubmitAsync("/account/tokens", "revoke-token", new Dictionary<string, string> { ["RevokeId"] = id.ToString() });
        var after = await revoked.Content.ReadAsStringAsync();
        Assert.Contains("revoked: scripts using it are refused from now on", after, StringComparison.Ordinal);
        Assert.DoesNotContain("data-name=\"signup bot\"", after, StringComparison.Ordinal);
        Assert.Equal(401, (await api.GetAsync("balance")).Status);

        var activity = await person.Session.GetPageAsync("/account/activity");
        Assert.Contains("data-action=\"api-token-created\"", activity, StringComparison.Ordinal);
        Assert.Contains("data-action=\"api-token-revoked\"", activity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningOutEverywhere_EndsThePersonsTokens_AndThePageSaysSoBefore()
    {
        var person = await Team.PersonAsync();
        using var api = await Team.ClientAsync(person.Id);
        Assert.Equal(200, (await api.GetAsync("balance")).Status);
        Assert.Contains("API tokens", await person.Session.GetPageAsync("/Account/Manage"), StringComparison.Ordinal);

        using var _ = await person.Session.SubmitAsync("/Account/LogoutEverywhere", "", new Dictionary<string, string>(), tokenFrom: "/Account/Manage");

        Assert.Equal(401, (await api.GetAsync("balance")).Status);
    }

    [Fact]
    public async Task ATokensReads_BeyondItsLimit_AreAnsweredTooManyRequestsWithRetryAfter_WhileAnotherTokenGoesOn()
    {
        var person = await Team.PersonAsync();
        using var busy = await Team.ClientAsync(person.Id);
        using var calm = await Team.ClientAsync(person.Id);

        var answers = new List<(int Status, JsonNode? Body, HttpResponseMessage Response)>();
        for (var i = 0; i < 6; i++) answers.Add(await busy.GetAsync("balance"));

        var limited = answers.First(a => a.Status == 429);
        Assert.Equal("rate_limited", limited.Body!["error"]!.GetValue<string>());
        Assert.True(limited.Response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await calm.GetAsync("balance")).Status);
    }

    [Fact]
    public async Task NoTokenReachesTheLogsAtTrace_OrTheDatabaseInClear()
    {
        var person = await Team.PersonAsync();
        using var api = await Team.ClientAsync(person.Id);
        await api.GetAsync("balance");
        var bought = await api.BuyAsync();
        await api.GetAsync($"activation/{bought.Body!["activation_id"]}/status?wait=1");
        await api.GetAsync("balance", token: api.Token[..31] + "Z");

        Assert.DoesNotContain(api.Token, string.Join("\n", Team.Host.Logs.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Token[..16], string.Join("\n", Team.Host.Logs.Lines), StringComparison.Ordinal);
        await using var db = await Team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.DoesNotContain(await db.ApiTokens.Select(t => t.Hash).ToListAsync(), h => h.Contains(api.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(await db.AuditEntries.Select(e => e.Text).ToListAsync(), t => t.Contains(api.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApi_IsDocumented_InAnOpenApiDocumentAndAReferencePage()
    {
        using var http = new HttpClient { BaseAddress = Team.Host.RootUri };

        var document = JsonNode.Parse(await http.GetStringAsync("/api/v1/openapi.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.Equal(["/api/v1/activation/{id}/status", "/api/v1/balance", "/api/v1/countries", "/api/v1/number", "/api/v1/services"],
            paths.Order(StringComparer.Ordinal));
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["token"]!["scheme"]!.GetValue<string>());
        var buy = document["paths"]!["/api/v1/number"]!["post"]!;
        Assert.Contains(buy["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        var wait = document["paths"]!["/api/v1/activation/{id}/status"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "wait")!;
        Assert.Equal("integer", wait["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(60, wait["schema"]!["maximum"]!.GetValue<int>());

        using var reference = await http.GetAsync("/api/reference");
        var html = await reference.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        var nonce = Regex.Match(reference.Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"api/v1/openapi.json\"", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-testid=\"token-value\">([^<]+)<")]
    private static partial Regex TokenValue();
}
