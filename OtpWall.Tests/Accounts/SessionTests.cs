using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Account;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>
/// Sessions that really end. A "tab" is another client with the same cookies (one browser); a "device" signed in on
/// its own. After each way of ending, the old cookie opens no page and downloads nothing, and an open tab's circuit
/// drops everything it still sends.
/// </summary>
[Trait("Database", "BothEngines")]
public sealed class SessionTests : DashboardHostTest
{
    private const string MemberEmail = "member@example.com";

    // The dashboard's clock, moved by the tests that wait for a trusted answer to expire.
    private readonly FakeTimeProvider _clock;

    public SessionTests() : this(new FakeTimeProvider(DateTimeOffset.UtcNow)) { }

    private SessionTests(FakeTimeProvider clock) : base(services => services.AddSingleton<TimeProvider>(clock)) => _clock = clock;

    [Fact]
    public async Task SigningOutInOneTab_EndsEveryTabOfThatBrowser_ButNotTheOtherDevice()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using var laptop = await RegisterMemberAsync(adminId);
        using var otherTab = TabOf(laptop);
        using var phone = await SignedInDeviceAsync();
        await AssertOpenAsync(otherTab);

        using (await laptop.SubmitAsync("/Account/Logout", "logout", new Dictionary<string, string> { ["ReturnUrl"] = "wallet" }, tokenFrom: "/Account/Manage")) { }

        await AssertEndedAsync(otherTab);
        await AssertOpenAsync(phone);
        Assert.Contains(await EntriesAsync(), e => e.Action == AuditActions.SignOut && e.ActorEmail == MemberEmail);
    }

    [Theory]
    [InlineData("sign out everywhere")]
    [InlineData("password change")]
    [InlineData("password link")]
    [InlineData("disabled")]
    public async Task EveryWayOfEndingSessions_LocksTheOldCookiesOut(string how)
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using var laptop = await RegisterMemberAsync(adminId);
        using var laptopTab = TabOf(laptop);
        using var phone = await SignedInDeviceAsync();
        var memberId = await Host.UserIdAsync(MemberEmail);
        await AssertOpenAsync(phone);

        switch (how)
        {
            case "sign out everywhere":
                using (var response = await laptop.SubmitAsync("/Account/LogoutEverywhere", "", new Dictionary<string, string>(), tokenFrom: "/Account/Manage"))
                    Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(response), StringComparison.Ordinal);
                await AssertEndedAsync(laptopTab);
                await AssertEndedAsync(laptop);
                break;
            case "password change":
                const string NewPassword = "another fine passphrase";
                using (await laptop.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
                       {
                           ["Input.OldPassword"] = Password, ["Input.NewPassword"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword,
                       })) { }
                // The person who changed it carries on, in every tab of that browser.
                await AssertOpenAsync(laptop);
                await AssertOpenAsync(laptopTab);
                break;
            case "password link":
                var code = (await Host.Services.GetRequiredService<TeamService>().CreatePasswordResetCodeAsync(adminId, memberId)).Value;
                using (var stranger = Host.NewSession())
                using (await stranger.SubmitAsync($"/Account/ResetPassword?user={memberId}&code={code}", "reset-password",
                           new Dictionary<string, string> { ["Input.Password"] = "a reset passphrase here", ["Input.ConfirmPassword"] = "a reset passphrase here" })) { }
                await AssertEndedAsync(laptop);
                break;
            case "disabled":
                Assert.Null(await Host.Services.GetRequiredService<TeamService>().SetDisabledAsync(adminId, memberId, disabled: true));
                await AssertEndedAsync(laptop);
                break;
        }

        await AssertEndedAsync(phone);
    }

    [Fact]
    public async Task AnOpenTab_IsSignedOutTheMomentItsSessionEnds_AndItsCircuitDropsWhatItStillSends()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using (await RegisterMemberAsync(adminId)) { }
        var memberId = await Host.UserIdAsync(MemberEmail);
        var sessions = Host.Services.GetRequiredService<SessionRegistry>();
        await using var scope = Host.Services.CreateAsyncScope();
        var (tab, guard) = await OpenTabAsync(scope, memberId, await sessions.StartAsync(memberId, "203.0.113.7"));
        var acted = 0;
        var act = guard.CreateInboundActivityHandler(_ => { acted++; return Task.CompletedTask; });
        await act(null!);
        Assert.Equal(1, acted);
        var signedOut = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        tab.AuthenticationStateChanged += async state => signedOut.TrySetResult(await state);

        Assert.Null(await Host.Services.GetRequiredService<TeamService>().SetDisabledAsync(adminId, memberId, disabled: true));

        var state = await signedOut.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(state.User.Identity?.IsAuthenticated);
        await act(null!);
        await act(null!);
        Assert.Equal(1, acted);
    }

    [Fact]
    public async Task ASessionEndedByAnotherServerProcess_StopsTheTabWithinSeconds()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using (await RegisterMemberAsync(adminId)) { }
        var memberId = await Host.UserIdAsync(MemberEmail);
        var sessionId = await Host.Services.GetRequiredService<SessionRegistry>().StartAsync(memberId, null);
        await using var scope = Host.Services.CreateAsyncScope();
        var (_, guard) = await OpenTabAsync(scope, memberId, sessionId);
        var acted = 0;
        var act = guard.CreateInboundActivityHandler(_ => { acted++; return Task.CompletedTask; });
        await act(null!);

        // Straight in the database, as another replica would: no event reaches this process.
        await using (var db = await Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, _clock.GetUtcNow()));
        // A tab trusts "still open" for two seconds before it asks the database again.
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        await act(null!);

        Assert.Equal(1, acted);
    }

    [Fact]
    public async Task ACookieWhoseSessionsWereEnded_IsSignedOutAtItsNextRequest()
    {
        var (admin, _) = await Host.RegisterAdministratorAsync();
        var sessions = Host.Services.GetRequiredService<SessionRegistry>();
        await AssertOpenAsync(admin);
        var adminId = await Host.UserIdAsync("admin@example.com");
        await sessions.EndAllAsync(adminId, "test");

        await AssertEndedAsync(admin);
    }

    [Fact]
    public async Task SignInsFailuresAndLockouts_AreAudited_WithTheForwardedClientAddress_AndNeverWhatWasTyped()
    {
        var (_, adminId) = await Host.RegisterAdministratorAsync();
        using (await RegisterMemberAsync(adminId)) { }
        using var visitor = Host.NewSession();
        visitor.Headers.Add("X-Forwarded-For", "198.51.100.23");

        using (await visitor.SignInAsync("nobody@example.com", "typed secret one")) { }
        using (await visitor.SignInAsync(MemberEmail, "typed secret two")) { }
        using (await visitor.SignInAsync(MemberEmail, Password)) { }

        var entries = await EntriesAsync();
        var unknown = Assert.Single(entries, e => e.Action == AuditActions.SignInFailed && e.SubjectId is null);
        Assert.Equal("198.51.100.23", unknown.ClientAddress);
        var wrong = Assert.Single(entries, e => e.Action == AuditActions.SignInFailed && e.SubjectEmail == MemberEmail);
        Assert.Equal("198.51.100.23", wrong.ClientAddress);
        Assert.Null(wrong.ActorId);
        Assert.Contains(entries, e => e.Action == AuditActions.SignIn && e.ActorEmail == MemberEmail && e.ClientAddress == "198.51.100.23" &&
                                      e.Text == "Signed in with password.");
        Assert.Contains(entries, e => e.Action == AuditActions.SignIn && e.ActorEmail == MemberEmail && e.Text == "Signed in right after registering.");
        Assert.DoesNotContain(entries, e => e.Text.Contains("typed secret", StringComparison.Ordinal) || e.Text.Contains("nobody@", StringComparison.Ordinal));
    }

    private async Task<BrowserlessSession> RegisterMemberAsync(string adminId)
    {
        var member = Host.NewSession();
        using var registered = await member.RegisterAsync(MemberEmail, Password, await Host.CreateInviteAsync(adminId));
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        return member;
    }

    private async Task<BrowserlessSession> SignedInDeviceAsync()
    {
        var device = Host.NewSession();
        using var signedIn = await device.SignInAsync(MemberEmail, Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return device;
    }

    private BrowserlessSession TabOf(BrowserlessSession browser)
    {
        var tab = Host.NewSession();
        tab.Cookies.Add(browser.Cookies.GetAllCookies());
        return tab;
    }

    private static async Task<(IdentityRevalidatingAuthenticationStateProvider Tab, SessionCircuitGuard Guard)> OpenTabAsync(
        AsyncServiceScope scope, string userId, string sessionId)
    {
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>()
            .CreateAsync((await users.FindByIdAsync(userId))!);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionRegistry.ClaimType, sessionId));
        var tab = ActivatorUtilities.CreateInstance<IdentityRevalidatingAuthenticationStateProvider>(scope.ServiceProvider);
        tab.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return (tab, new SessionCircuitGuard(tab, scope.ServiceProvider.GetRequiredService<SessionRegistry>(), new HttpContextAccessor()));
    }

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private static async Task AssertOpenAsync(BrowserlessSession session)
    {
        using var page = await session.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var export = await session.GetAsync("/history/export.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }

    private static async Task AssertEndedAsync(BrowserlessSession session)
    {
        foreach (var path in new[] { "/buy", "/activations", "/wallet", "/history/export.csv" })
        {
            using var response = await session.GetAsync(path);
            Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(response), StringComparison.Ordinal);
        }
    }
}
