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

    // Times nothing: run with the other axe audits. One person, both themes: the sign-in page with its provider button,
    // then Single sign-on linked and the Password tab of an account without a password.
    [Trait("Category", "Audit")]
    [Fact]
    public Task TheSingleSignOnPages_HaveNoAxeViolations_LightAndDark() => JourneyAsync(async () =>
    {
        var visitor = await PersonAsync("visitor");
        var problems = new List<string>();
        await SetThemeAsync(visitor, "light");
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "Account/Login", "with single sign-on", "light"));
        await SetThemeAsync(visitor, "dark");
        problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "Account/Login", "with single sign-on", "dark"));

        site.Provider.Add(new IdentityProviderUser("sam", $"sam@{SingleSignOnSiteFixture.Domain}"));
        await visitor.Page.GetByTestId("sso-signin").ClickAsync();
        await visitor.Page.GetByLabel("User name").FillAsync("sam");
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await visitor.Page.WaitForURLAsync("**/activations");
        foreach (var theme in Themes)
        {
            await SetThemeAsync(visitor, theme);
            problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "account/sso", "linked", theme));
            problems.AddRange(await Accessibility.AccessibilityTests.AuditAsync(visitor.Page, "Account/Manage/ChangePassword", "no password", theme));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    });

    private static readonly string[] Themes = ["light", "dark"];

    private async Task SetThemeAsync(Person person, string theme) =>
        await person.Context.AddCookiesAsync([new Cookie { Name = "otpwall-theme", Value = theme, Url = Site.BaseUrl.ToString() }]);
}
