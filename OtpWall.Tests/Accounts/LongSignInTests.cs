using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>
/// A sign-in lasts a working day, not one revalidation interval: every time the cookie's account is checked again (and
/// its principal rebuilt from the database), it keeps the session it belongs to. A test clock moves the dashboard
/// through three intervals and more; the person keeps loading pages, opening tabs, downloading the CSV and opening
/// their account all along, and ending the session still ends it at once.
/// </summary>
public sealed class LongSignInTests
{
    private const string MemberEmail = "member@example.com";

    [Theory]
    [InlineData("00:01:00")] // the default
    [InlineData("00:00:20")]
    public async Task ASignIn_KeepsWorkingPastThreeRevalidationIntervals_AndSigningOutStillEndsItAtOnce(string interval)
    {
        var every = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Accounts:SessionRevalidationInterval"] = interval })
        {
            ConfigureServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        var (_, adminId) = await host.RegisterAdministratorAsync();
        using (var registering = host.NewSession())
        using (await registering.RegisterAsync(MemberEmail, Password, await host.CreateInviteAsync(adminId))) { }
        using var browser = host.NewSession();
        using (var signedIn = await browser.SignInAsync(MemberEmail, Password)) Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var memberId = await host.UserIdAsync(MemberEmail);
        var sessionsAtSignIn = await OpenSessionsAsync(host, memberId);

        // Half an interval and a second at a time: every step after the first interval is answered by a renewed cookie.
        var worked = TimeSpan.Zero;
        while (worked <= 3 * every)
        {
            var step = every / 2 + TimeSpan.FromSeconds(1);
            clock.Advance(step);
            worked += step;
            await AssertWorksAsync(browser, $"after {worked.TotalSeconds:0} s");
            using var newTab = TabOf(host, browser);
            await AssertWorksAsync(newTab, $"in a new tab after {worked.TotalSeconds:0} s");
        }

        // The same sessions, still open: the checks neither ended one nor started others.
        Assert.Equal(sessionsAtSignIn, await OpenSessionsAsync(host, memberId));

        using var otherTab = TabOf(host, browser);
        using (await browser.SubmitAsync("/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = "wallet" }, tokenFrom: "/Account/Manage")) { }
        foreach (var path in new[] { "/wallet", "/history/export.csv", "/Account/Manage" })
        {
            using var after = await otherTab.GetAsync(path);
            Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(after), StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> OpenSessionsAsync(DashboardHost host, string userId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var all = await db.UserSessions.Where(s => s.UserId == userId).OrderBy(s => s.Id).Select(s => new { s.Id, s.EndedAt }).ToListAsync();
        Assert.All(all, s => Assert.Null(s.EndedAt));
        return all.Select(s => s.Id).ToList();
    }

    private static BrowserlessSession TabOf(DashboardHost host, BrowserlessSession browser)
    {
        var tab = host.NewSession();
        tab.Cookies.Add(browser.Cookies.GetAllCookies());
        return tab;
    }

    private static async Task AssertWorksAsync(BrowserlessSession session, string when)
    {
        foreach (var path in new[] { "/wallet", "/activations", "/history/export.csv", "/Account/Manage" })
        {
            using var response = await session.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"{path} {when}: {(int)response.StatusCode} {BrowserlessSession.RedirectTarget(response)}");
        }
    }
}
