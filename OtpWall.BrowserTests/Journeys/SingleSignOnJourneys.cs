using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using OtpWall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>An instance whose people sign in through the team's identity provider (a real OpenID Connect server on localhost).</summary>
public sealed class SingleSignOnSiteFixture : SiteFixture, IAsyncLifetime
{
    public const string Domain = "corp.example";

    public TestIdentityProvider Provider { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = Provider.DashboardSettings("Test ID");
            settings["OtpWall:Sso:AllowedDomains"] = Domain;
            return settings;
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync();
        await InitializeAsync();
        await Provider.AllowDashboardAsync(BaseUrl);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>A colleague signs in through the company's provider; a person with a password links it from Account &amp; security.</summary>
public sealed class SingleSignOnJourneys(SingleSignOnSiteFixture site) : BrowserTest(site), IClassFixture<SingleSignOnSiteFixture>
{
    [Fact]
    public Task AColleague_SignsInThroughTheProvidersLoginPage_AndLandsOnLiveActivations() => JourneyAsync(async () =>
    {
        await AdministratorAsync(); // the instance has its administrator; the colleague joins by the allowed domain
        site.Provider.Add(new IdentityProviderUser("paula", $"paula@{SingleSignOnSiteFixture.Domain}"));
        var paula = await PersonAsync("paula");
        var page = paula.Page;

        await page.GotoAsync("activations");
        await page.WaitForURLAsync("**/Account/Login**");
        await page.GetByTestId("sso-signin").ClickAsync();
        // The provider's own login page.
        await page.WaitForURLAsync($"{site.Provider.Authority}login**");
        await page.GetByLabel("User name").FillAsync("paula");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await page.WaitForURLAsync("**/activations");
        await Person.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Live activations");

        await page.GotoAsync("account/sso");
        await Expect(page.GetByTestId("sso-status")).ToHaveAttributeAsync("data-linked", "true");
        await Expect(page.GetByTestId("sso-status")).ToContainTextAsync("no password");
        await paula.BlazorErrorBannerIsHiddenAsync();
    });

    [Fact]
    public Task APersonWithAPassword_LinksTheProviderFromAccountAndSecurity_AndThenSignsInWithIt() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        var quinn = await PersonAsync("quinn");
        await quinn.RegisterAsync(await admin.CreateInviteLinkAsync());
        site.Provider.Add(new IdentityProviderUser("quinn", quinn.Email));

        var page = quinn.Page;
        await page.GotoAsync("Account/Manage");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Account settings" }).GetByRole(AriaRole.Link, new() { Name = "Single sign-on" }).ClickAsync();
        await Expect(page.GetByTestId("sso-status")).ToHaveAttributeAsync("data-linked", "false");
        await page.GetByTestId("sso-link").ClickAsync();
        await page.GetByLabel("User name").FillAsync("quinn");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync("**/account/sso");
        await Expect(page.GetByTestId("status-message")).ToContainTextAsync("Linked");
        await Expect(page.GetByTestId("sso-status")).ToHaveAttributeAsync("data-linked", "true");

        // Signed out, one click signs in again (the provider remembers the person).
        await quinn.SignOutAsync();
        await page.GotoAsync("Account/Login");
        await page.GetByTestId("sso-signin").ClickAsync();
        await page.WaitForURLAsync("**/activations");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Live activations");
    });

    // Times nothing: run with the other axe audits.
    [Trait("Category", "Audit")]
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public Task TheSingleSignOnPages_HaveNoAxeViolations(string theme) => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync(theme);
        var invite = await admin.CreateInviteLinkAsync();
        var visitor = await PersonAsync("visitor", theme);
        await SetThemeAsync(visitor, theme);
        var problems = new List<string>();
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "Account/Login", "with single sign-on", theme));
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, invite, "invited, with single sign-on", theme));

        // Not linked (a password account), then linked and without a password (joined through the provider).
        await SetThemeAsync(admin, theme);
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(admin.Page, "account/sso", "not linked", theme));
        site.Provider.Add(new IdentityProviderUser("sam-" + theme, $"sam-{theme}@{SingleSignOnSiteFixture.Domain}"));
        await visitor.Page.GotoAsync("Account/Login");
        await visitor.Page.GetByTestId("sso-signin").ClickAsync();
        await visitor.Page.GetByLabel("User name").FillAsync("sam-" + theme);
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await visitor.Page.WaitForURLAsync("**/activations");
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "account/sso", "linked", theme));
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "Account/Manage/ChangePassword", "no password", theme));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });

    private async Task SetThemeAsync(Person person, string theme) =>
        await person.Context.AddCookiesAsync([new Cookie { Name = "otpwall-theme", Value = theme, Url = Site.BaseUrl.ToString() }]);
}
