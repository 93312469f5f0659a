using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Accounts.SingleSignOnTests;

namespace OtpWall.Tests.Accounts;

/// <summary>
/// Membership follows the provider over time, as a team works: a sign-in through it lasts the working day while the
/// provider still knows the person (its refresh tokens rotate), and a person it removes is signed out of every session
/// and loses their API tokens within one revalidation interval; two people signing in at once across a slow link each
/// get their own account.
/// </summary>
public sealed class SingleSignOnMembershipTests
{
    private const string Corp = "corp.example";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);

    [Fact]
    [Trait("Database", "BothEngines")] // the membership check's gate is a database lock with PostgreSQL
    public async Task ASignInThroughTheProvider_LastsPastThreeIntervals_AndAPersonItRemoves_IsSignedOutEverywhere_AndTheirTokensEnd()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new()
        {
            ["OtpWall:Sso:AllowedDomains"] = Corp,
            ["OtpWall:Accounts:SessionRevalidationInterval"] = "00:00:20",
        }, services => services.AddSingleton<TimeProvider>(clock));
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("jo", $"jo@{Corp}"));
        provider.Add(new IdentityProviderUser("kim", $"kim@{Corp}"));

        using var laptop = host.NewSession();
        using var phone = host.NewSession();
        using var colleague = host.NewSession();
        await laptop.SignInThroughProviderAsync(provider, "jo");
        await phone.SignInThroughProviderAsync(provider, "jo");
        await colleague.SignInThroughProviderAsync(provider, "kim");
        var joId = await host.UserIdAsync($"jo@{Corp}");
        var (created, _) = await host.Services.GetRequiredService<ApiTokenService>().CreateAsync(joId, "jo's script", ApiTokenLifetime.Days30, ApiTokenScope.Read);
        using var script = new HttpClient { BaseAddress = new Uri(host.RootUri, "api/v1/") };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created!.Value);

        // Three intervals and more: every check asks the provider (which rotates the refresh token) and everyone stays in.
        for (var round = 1; round <= 4; round++)
        {
            var asked = provider.RefreshesAnswered;
            clock.Advance(Interval + TimeSpan.FromSeconds(1));
            await Eventually.TrueAsync(() => provider.RefreshesAnswered >= asked + 2, $"the provider asked about both people (round {round})");
            await AssertSignedInAsync(laptop);
            await AssertSignedInAsync(phone);
            await AssertSignedInAsync(colleague);
        }
        using (var works = await script.GetAsync("balance")) Assert.NotEqual(HttpStatusCode.Unauthorized, works.StatusCode);

        // Jo leaves the company: within one interval, both of Jo's sessions and Jo's token end; Kim is untouched.
        provider.Remove("jo");
        clock.Advance(Interval + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () =>
        {
            using var response = await laptop.GetAsync("/wallet");
            return BrowserlessSession.RedirectTarget(response)?.StartsWith("/Account/Login", StringComparison.Ordinal) == true;
        }, "Jo's laptop is signed out");
        await AssertSignedOutAsync(phone);
        await AssertSignedInAsync(colleague);
        using (var refused = await script.GetAsync("balance")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(await AuditTextsAsync(host, joId), t => t == "Test ID no longer knows the person: 2 sessions and 1 API token ended.");

        // Nor can Jo come back through the provider: it stops Jo at its own login page.
        using var again = host.NewSession();
        Assert.Contains("No such person here.", (await again.SignInThroughProviderAsync(provider, "jo")).Page, StringComparison.Ordinal);
        await AssertSignedOutAsync(again);
    }

    [Fact]
    public async Task TheProvidersSecrets_ReachNeitherTheLogAtTrace_NorTheDatabaseInClear()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = await TestIdentityProvider.StartAsync();
        var settings = provider.DashboardSettings();
        settings["OtpWall:Sso:AllowedDomains"] = Corp;
        settings["OtpWall:Accounts:SessionRevalidationInterval"] = "00:00:20";
        await using var host = new DashboardHost(settings: settings) { TraceLogs = true, ConfigureServices = services => services.AddSingleton<TimeProvider>(clock) };
        host.StartServer();
        await provider.AllowDashboardAsync(host.RootUri);
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("ola", $"ola@{Corp}"));
        using var ola = host.NewSession();
        await ola.SignInThroughProviderAsync(provider, "ola");
        var asked = provider.RefreshesAnswered;
        clock.Advance(Interval + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => provider.RefreshesAnswered > asked, "the provider was asked about Ola");

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var stored = await db.UserTokens.Where(t => t.LoginProvider == "oidc").Select(t => t.Value).SingleAsync();
        var protector = host.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
            .CreateProtector("OtpWall.Sso.RefreshToken.v1");
        var clear = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Unprotect(protector, stored!);
        Assert.NotEqual(clear, stored);
        var log = string.Join("\n", host.Logs.Lines);
        Assert.Contains("oidc", log, StringComparison.OrdinalIgnoreCase); // the handler did log at Trace
        Assert.DoesNotContain(clear, log, StringComparison.Ordinal);
        Assert.DoesNotContain(TestIdentityProvider.ClientSecret, log, StringComparison.Ordinal);
        foreach (var cookie in ola.Cookies.GetAllCookies().Cast<System.Net.Cookie>())
            Assert.DoesNotContain(cookie.Value, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProviderThatDoesNotAnswer_SignsNobodyOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new()
        {
            ["OtpWall:Sso:AllowedDomains"] = Corp,
            ["OtpWall:Accounts:SessionRevalidationInterval"] = "00:00:20",
        }, services => services.AddSingleton<TimeProvider>(clock));
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("lee", $"lee@{Corp}"));
        using var lee = host.NewSession();
        await lee.SignInThroughProviderAsync(provider, "lee");

        // The provider is down behind its proxy (503 and an HTML page): the check changes nothing, and says so in the log.
        provider.Down = true;
        for (var round = 1; round <= 2; round++)
        {
            clock.Advance(Interval + TimeSpan.FromSeconds(1));
            await Eventually.TrueAsync(() => host.Logs.Lines.Count(m => m.Contains("could not be asked about its people", StringComparison.Ordinal)) >= round,
                $"the check gave up on the provider (round {round})");
            await AssertSignedInAsync(lee);
        }
    }

    [Fact]
    public async Task TwoPeopleJoiningAtOnce_OverASlowLinkToTheProvider_EachGetTheirOwnAccount_AndOnlyOneIsTheFirstAdministrator()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp });
        provider.Add(new IdentityProviderUser("max", $"max@{Corp}"));
        provider.Add(new IdentityProviderUser("nia", $"nia@{Corp}"));
        provider.Latency = TimeSpan.FromMilliseconds(250);

        using var max = host.NewSession();
        using var nia = host.NewSession();
        var landings = await Task.WhenAll(max.SignInThroughProviderAsync(provider, "max"), nia.SignInThroughProviderAsync(provider, "nia"));
        Assert.All(landings, l => Assert.Equal("/", l.Path));
        Assert.Contains($"max@{Corp}", await max.GetPageAsync("/Account/Manage"), StringComparison.Ordinal);
        Assert.Contains($"nia@{Corp}", await nia.GetPageAsync("/Account/Manage"), StringComparison.Ordinal);

        var team = host.Services.GetRequiredService<TeamService>();
        var administrators = new[]
        {
            await team.IsAdministratorAsync(await host.UserIdAsync($"max@{Corp}")),
            await team.IsAdministratorAsync(await host.UserIdAsync($"nia@{Corp}")),
        };
        Assert.Single(administrators, a => a);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.UserSessions.CountAsync(s => s.EndedAt == null));
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.SignIn));
    }
}
