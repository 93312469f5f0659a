using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

/// <summary>
/// Sign-in through the team's identity provider, against a real OpenID Connect server (OpenIddict) started for each test:
/// who may come in (an invite, an allowed domain), linking an existing account, the provider's group deciding who is an
/// administrator, single-sign-on-only with its break-glass administrator, and tampered answers refused.
/// </summary>
public sealed class SingleSignOnTests
{
    private const string Corp = "corp.example";

    [Fact]
    public async Task AnInvitedPerson_JoinsThroughTheProvider_WithoutAPassword_AndSignsInAgainWithoutTheInvite()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider);
        var (_, adminId) = await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("dana", "dana@elsewhere.example"));

        using var joining = host.NewSession();
        var landing = await joining.SignInThroughProviderAsync(provider, "dana", invite: await host.CreateInviteAsync(adminId));
        Assert.True(landing.Path == "/", landing.Path + "\n" + landing.Page[..Math.Min(3000, landing.Page.Length)]);
        await AssertSignedInAsync(joining);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var dana = await users.FindByEmailAsync("dana@elsewhere.example");
            Assert.NotNull(dana);
            Assert.False(await users.HasPasswordAsync(dana));
            Assert.False(await users.IsInRoleAsync(dana, TeamRoles.Administrator));
        }
        var danaId = await host.UserIdAsync("dana@elsewhere.example");
        Assert.Contains(await AuditTextsAsync(host, danaId), t => t.StartsWith("Registered through Test ID", StringComparison.Ordinal));

        // Another browser, no invite: the linked account signs in.
        using var later = host.NewSession();
        Assert.Equal("/", (await later.SignInThroughProviderAsync(provider, "dana")).Path);
        await AssertSignedInAsync(later);
        Assert.Equal(2, (await AuditTextsAsync(host, danaId)).Count(t => t == "Signed in through Test ID."));
    }

    [Fact]
    public async Task WithoutAnInvite_OnlyAVerifiedAddressOfAnAllowedDomainJoins_AsAMember()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp });
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("alice", $"alice@{Corp}"));
        provider.Add(new IdentityProviderUser("bob", "bob@other.example"));
        provider.Add(new IdentityProviderUser("carol", $"carol@{Corp}", EmailVerified: false));

        using var alice = host.NewSession();
        Assert.Equal("/", (await alice.SignInThroughProviderAsync(provider, "alice")).Path);
        await AssertSignedInAsync(alice);
        Assert.False(await host.Services.GetRequiredService<TeamService>().IsAdministratorAsync(await host.UserIdAsync($"alice@{Corp}")));

        using var bob = host.NewSession();
        var refused = await bob.SignInThroughProviderAsync(provider, "bob");
        Assert.StartsWith("/Account/Login", refused.Path, StringComparison.Ordinal);
        Assert.Contains("bob@other.example is not of a domain that may join without an invite", WebUtility.HtmlDecode(refused.Page), StringComparison.Ordinal);
        await AssertSignedOutAsync(bob);

        using var carol = host.NewSession();
        var unverified = await carol.SignInThroughProviderAsync(provider, "carol");
        Assert.StartsWith("/Account/Login", unverified.Path, StringComparison.Ordinal);
        Assert.Contains("invitation only", WebUtility.HtmlDecode(unverified.Page), StringComparison.Ordinal);
        await AssertSignedOutAsync(carol);

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.Equal(2, await db.Users.CountAsync());
    }

    [Fact]
    public async Task AnExistingPasswordAccount_IsNotTakenOverByItsEmail_ItLinksFromAccountAndSecurity_AndUnlinksWhileAPasswordRemains()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider);
        var (_, adminId) = await host.RegisterAdministratorAsync();
        using (var registering = host.NewSession())
        using (await registering.RegisterAsync("erin@example.com", Password, await host.CreateInviteAsync(adminId))) { }
        provider.Add(new IdentityProviderUser("erin", "erin@example.com"));

        using var stranger = host.NewSession();
        var refused = await stranger.SignInThroughProviderAsync(provider, "erin");
        Assert.Contains("already exists here. Sign in with its password, then link", WebUtility.HtmlDecode(refused.Page), StringComparison.Ordinal);
        await AssertSignedOutAsync(stranger);

        using var erin = host.NewSession();
        using (await erin.SignInAsync("erin@example.com", Password)) { }
        Assert.Contains("data-linked=\"false\"", await erin.GetPageAsync("/account/sso"), StringComparison.Ordinal);
        var linked = await erin.LinkProviderAsync(provider, "erin");
        Assert.Equal("/account/sso", linked.Path);
        Assert.Contains("Linked: you can now sign in with Test ID.", WebUtility.HtmlDecode(linked.Page), StringComparison.Ordinal);
        Assert.Contains("data-linked=\"true\"", linked.Page, StringComparison.Ordinal);

        using var elsewhere = host.NewSession();
        Assert.Equal("/", (await elsewhere.SignInThroughProviderAsync(provider, "erin")).Path);
        await AssertSignedInAsync(elsewhere);

        using (var unlinked = await erin.SubmitAsync("/account/sso", "unlink-sso", new Dictionary<string, string>()))
            Assert.Contains("Test ID unlinked", WebUtility.HtmlDecode(await unlinked.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var afterUnlink = host.NewSession();
        Assert.StartsWith("/Account/Login", (await afterUnlink.SignInThroughProviderAsync(provider, "erin")).Path, StringComparison.Ordinal);
        var erinId = await host.UserIdAsync("erin@example.com");
        var audit = await AuditActionsAsync(host, erinId);
        Assert.Contains(AuditActions.ProviderLinked, audit);
        Assert.Contains(AuditActions.ProviderUnlinked, audit);
    }

    [Fact]
    public async Task AnAccountWithoutAPassword_CannotBeUnlinked()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp });
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("frank", $"frank@{Corp}"));
        using var frank = host.NewSession();
        await frank.SignInThroughProviderAsync(provider, "frank");

        var page = await frank.GetPageAsync("/account/sso");
        Assert.Contains("your account has no password here", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"sso-unlink\"", page, StringComparison.Ordinal);
        // Nor does the Password tab ask for a current password that does not exist.
        var password = await frank.GetPageAsync("/Account/Manage/ChangePassword");
        Assert.Contains("data-testid=\"no-password\"", password, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.OldPassword", password, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADisabledPerson_CannotSignInThroughTheProvider()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp });
        var (_, adminId) = await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("uma", $"uma@{Corp}"));
        using (var first = host.NewSession()) await first.SignInThroughProviderAsync(provider, "uma");
        Assert.Null(await host.Services.GetRequiredService<TeamService>().SetDisabledAsync(adminId, await host.UserIdAsync($"uma@{Corp}"), true));

        using var again = host.NewSession();
        var refused = await again.SignInThroughProviderAsync(provider, "uma");
        Assert.StartsWith("/Account/Login", refused.Path, StringComparison.Ordinal);
        Assert.Contains("This account has been disabled by an administrator.", WebUtility.HtmlDecode(refused.Page), StringComparison.Ordinal);
        await AssertSignedOutAsync(again);
    }

    [Fact]
    public async Task TheProvidersAdminGroup_MakesAnAdministratorAtSignIn_AndLeavingItTakesTheRoleAway()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp, ["OtpWall:Sso:AdminGroup"] = "otpwall-admins" });
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("gina", $"gina@{Corp}", true, "staff", "otpwall-admins"));
        var team = host.Services.GetRequiredService<TeamService>();

        using (var first = host.NewSession()) await first.SignInThroughProviderAsync(provider, "gina");
        var ginaId = await host.UserIdAsync($"gina@{Corp}");
        Assert.True(await team.IsAdministratorAsync(ginaId));

        provider.SetGroups("gina", "staff");
        using (var second = host.NewSession())
        {
            await second.SignInThroughProviderAsync(provider, "gina");
            await AssertSignedInAsync(second);
        }
        Assert.False(await team.IsAdministratorAsync(ginaId));

        var lines = await AuditTextsAsync(host, ginaId);
        Assert.Contains("Made an administrator: a member of Test ID's group \"otpwall-admins\".", lines);
        Assert.Contains("Made a member (no longer an administrator): not in Test ID's group \"otpwall-admins\" any more.", lines);
    }

    [Fact]
    public async Task SingleSignOnOnly_HidesAndRefusesPasswordSignIn_ButForTheBreakGlassAdministrator()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new()
        {
            ["OtpWall:Sso:Only"] = "true",
            ["OtpWall:Sso:BreakGlassEmail"] = "admin@example.com",
        });
        var (_, adminId) = await host.RegisterAdministratorAsync();
        // A member who had a password before the switch.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.CreateAsync(new ApplicationUser { UserName = "hal@example.com", Email = "hal@example.com" }, Password)).Succeeded);
        }

        using var visitor = host.NewSession();
        var page = await visitor.GetPageAsync("/Account/Login");
        Assert.Contains("data-testid=\"sso-signin\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"login-submit\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"login-break-glass\"", page, StringComparison.Ordinal);

        using (var refused = await visitor.SubmitAsync("/Account/Login?password=1", "login",
                   new Dictionary<string, string> { ["Input.Email"] = "hal@example.com", ["Input.Password"] = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("signs people in through Test ID only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await AssertSignedOutAsync(visitor);

        using var breakGlass = host.NewSession();
        using (var signedIn = await breakGlass.SubmitAsync("/Account/Login?password=1", "login",
                   new Dictionary<string, string> { ["Input.Email"] = "admin@example.com", ["Input.Password"] = Password }))
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        await AssertSignedInAsync(breakGlass);

        // Invited people join through the provider only.
        var invitePage = await visitor.GetPageAsync($"/Account/Register?invite={await host.CreateInviteAsync(adminId)}");
        Assert.Contains("data-testid=\"sso-join\"", invitePage, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"register-submit\"", invitePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATamperedStateOrNonce_IsRefusedWithASentence_AndSignsNobodyIn()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:Sso:AllowedDomains"] = Corp });
        await host.RegisterAdministratorAsync();
        provider.Add(new IdentityProviderUser("ivan", $"ivan@{Corp}"));

        using var editedState = host.NewSession();
        var state = await editedState.SignInThroughProviderAsync(provider, "ivan",
            tamper: uri => uri.AbsolutePath == "/signin-oidc" ? Replace(uri, "state", "forged" + Query(uri, "state")) : uri);
        Assert.StartsWith("/Account/Login", state.Path, StringComparison.Ordinal);
        Assert.Contains("did not work", WebUtility.HtmlDecode(state.Page), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", state.Page, StringComparison.Ordinal);
        await AssertSignedOutAsync(editedState);

        using var editedNonce = host.NewSession();
        var nonce = await editedNonce.SignInThroughProviderAsync(provider, "ivan",
            tamper: uri => uri.AbsolutePath == "/connect/authorize" && Query(uri, "nonce") is { } n ? Replace(uri, "nonce", "x" + n) : uri);
        Assert.StartsWith("/Account/Login", nonce.Path, StringComparison.Ordinal);
        Assert.Contains("could not be verified", WebUtility.HtmlDecode(nonce.Page), StringComparison.Ordinal);
        await AssertSignedOutAsync(editedNonce);

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Users.AnyAsync(u => u.Email == $"ivan@{Corp}"));
    }

    [Fact]
    public async Task WithoutConfiguration_ThereIsNoProviderButton_AndItsAddressesAreNotFound()
    {
        await using var host = new DashboardHost();
        await host.RegisterAdministratorAsync();
        using var visitor = host.NewSession();
        Assert.DoesNotContain("sso-signin", await visitor.GetPageAsync("/Account/Login"), StringComparison.Ordinal);
        using var response = await visitor.GetAsync("/Account/Sso/SignIn");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AForgedOrSomeoneElsesLinkAddress_LinksNothing()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider);
        var (admin, adminId) = await host.RegisterAdministratorAsync();
        using (var registering = host.NewSession())
        using (await registering.RegisterAsync("rae@example.com", Password, await host.CreateInviteAsync(adminId))) { }
        using var rae = host.NewSession();
        using (await rae.SignInAsync("rae@example.com", Password)) { }
        var adminsLink = ProviderSignIns.ButtonAddress(await admin.GetPageAsync("/account/sso"), "sso-link");

        foreach (var forged in new[] { "Account/Sso/Link", "Account/Sso/Link?token=forged", adminsLink })
        {
            using var response = await rae.GetAsync("/" + forged);
            Assert.Equal("/account/sso", BrowserlessSession.RedirectTarget(response));
            Assert.Contains("That link has expired", WebUtility.HtmlDecode(await rae.GetPageAsync("/account/sso")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BehindAProxy_TheProviderSendsPeopleBackToThePublicAddress()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var host = await StartAsync(provider, new() { ["OtpWall:PublicBaseAddress"] = "https://otp.example.com/team/" });
        using var visitor = host.NewSession();
        using var challenge = await visitor.GetAsync("/Account/Sso/SignIn");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var toProvider = challenge.Headers.Location!;
        Assert.Equal(provider.Authority.Authority, toProvider.Authority);
        Assert.Equal("https://otp.example.com/team/signin-oidc", System.Web.HttpUtility.ParseQueryString(toProvider.Query)["redirect_uri"]);
    }

    [Theory]
    [InlineData("https://id.example.com/", null, null, true)]
    [InlineData("http://id.example.com/", null, null, false)] // plain http only for a provider on this machine
    [InlineData("http://localhost:8080/", null, null, true)]
    [InlineData("https://id.example.com/", "true", null, false)] // single sign-on only needs a break-glass administrator
    [InlineData("https://id.example.com/", "true", "admin@example.com", true)]
    [InlineData(null, "true", "admin@example.com", false)] // single sign-on only needs a provider
    public void TheSettings_AreCheckedAtStart(string? authority, string? only, string? breakGlass, bool valid)
    {
        var options = new OtpWall.Dashboard.Components.Account.SingleSignOn.SsoOptions
        {
            Authority = authority, ClientId = "dashboard", Only = only == "true", BreakGlassEmail = breakGlass,
        };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Equal(valid, errors.Count == 0);
    }

    internal static async Task<DashboardHost> StartAsync(TestIdentityProvider provider, Dictionary<string, string?>? extra = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = provider.DashboardSettings();
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var host = new DashboardHost(settings: settings) { ConfigureServices = services };
        host.StartServer();
        await provider.AllowDashboardAsync(host.RootUri);
        return host;
    }

    internal static async Task AssertSignedInAsync(BrowserlessSession session)
    {
        using var response = await session.GetAsync("/wallet");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static async Task AssertSignedOutAsync(BrowserlessSession session)
    {
        using var response = await session.GetAsync("/wallet");
        Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(response), StringComparison.Ordinal);
    }

    internal static async Task<List<string>> AuditTextsAsync(DashboardHost host, string userId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.ActorId == userId || e.SubjectId == userId).Select(e => e.Text).ToListAsync();
    }

    private static async Task<List<string>> AuditActionsAsync(DashboardHost host, string userId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.ActorId == userId || e.SubjectId == userId).Select(e => e.Action).ToListAsync();
    }

    private static string? Query(Uri uri, string name) => System.Web.HttpUtility.ParseQueryString(uri.Query)[name];

    private static Uri Replace(Uri uri, string name, string value)
    {
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        query[name] = value;
        return new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }
}
