using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Support;

/// <summary>One person at one browser: their own context (cookies, clipboard), clicking and typing as people do.</summary>
public sealed class Person : IAsyncDisposable
{
    public const string DefaultPassword = "correct horse battery staple";
    private readonly List<string> _pageErrors = [];

    private Person(IBrowserContext context, IPage page, string email)
    {
        (Context, Page, Email) = (context, page, email);
        page.PageError += (_, error) => { lock (_pageErrors) _pageErrors.Add(error); };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Email { get; }

    public string Password { get; init; } = DefaultPassword;

    public IReadOnlyList<string> PageErrors => _pageErrors;

    /// <summary>A person in a browser of their own; <paramref name="width"/> 390 is a phone (390×844).</summary>
    public static Task<Person> OpenAsync(SiteFixture site, string email, string colorScheme = "light", string password = DefaultPassword, int width = 1280) =>
        OpenAsync(site.Browser, site.BaseUrl, email, colorScheme, password, width);

    /// <summary>A person in a browser of their own, on the dashboard at <paramref name="baseUrl"/>.</summary>
    public static async Task<Person> OpenAsync(IBrowser browser, Uri baseUrl, string email, string colorScheme = "light", string password = DefaultPassword, int width = 1280)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = width < 600 ? 844 : 900 },
            ColorScheme = colorScheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = baseUrl.GetLeftPart(UriPartial.Authority) });
        context.SetDefaultTimeout(15_000);
        return new Person(context, await context.NewPageAsync(), email) { Password = password };
    }

    /// <summary>Another tab of the same person (same cookies).</summary>
    public async Task<IPage> OpenTabAsync(string path)
    {
        var tab = await Context.NewPageAsync();
        await tab.GotoAsync(path);
        await WaitUntilInteractiveAsync(tab);
        return tab;
    }

    /// <summary>Opens an interactive page and waits for its circuit: a prerendered page ignores early clicks.</summary>
    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync(Page);
    }

    public static Task WaitUntilInteractiveAsync(IPage page) =>
        Expect(page.Locator("[data-interactive=true]")).ToBeAttachedAsync();

    public async Task RegisterAsync(string? inviteLink = null)
    {
        await Page.GotoAsync(inviteLink ?? "Account/Register");
        await Page.Locator("#Input\\.Email").FillAsync(Email);
        await Page.Locator("#Input\\.Password").FillAsync(Password);
        await Page.Locator("#Input\\.ConfirmPassword").FillAsync(Password);
        await Page.GetByTestId("register-submit").ClickAsync();
        await Page.WaitForURLAsync("**/settings/api-key");
        await WaitUntilInteractiveAsync(Page);
    }

    public async Task SignInAsync(string? password = null)
    {
        await Page.GotoAsync("Account/Login");
        await Page.Locator("#Input\\.Email").FillAsync(Email);
        await Page.Locator("#Input\\.Password").FillAsync(password ?? Password);
        await Page.GetByTestId("login-submit").ClickAsync();
    }

    public async Task SignOutAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Account menu" }).ClickAsync();
        await Page.GetByTestId("sign-out").ClickAsync();
        await Page.WaitForURLAsync("**/Account/Login**");
    }

    /// <summary>On the API key page: one click for a sandbox key, and the masked key shows.</summary>
    public async Task UseSandboxKeyAsync()
    {
        await GoToAsync("settings/api-key");
        await Page.GetByTestId("apikey-sandbox").ClickAsync();
        // Someone whose key still follows open numbers is asked first: they say yes, as they meant to replace it.
        var saved = Page.GetByTestId("apikey-feedback");
        var confirm = Page.GetByTestId("confirm-yes");
        await Expect(saved.Or(confirm)).ToBeVisibleAsync();
        if (await confirm.IsVisibleAsync()) await confirm.ClickAsync();
        await Expect(saved).ToContainTextAsync("Key saved. It works");
        await Expect(Page.GetByTestId("apikey-status")).ToContainTextAsync("Works: balance");
    }

    /// <summary>As an administrator: a fresh invite link from the Team page.</summary>
    public async Task<string> CreateInviteLinkAsync()
    {
        await GoToAsync("admin/team");
        await Page.GetByTestId("invite-create").ClickAsync();
        var link = Page.GetByTestId("invite-link");
        await Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("invite="));
        return await link.InputValueAsync();
    }

    public Task BlazorErrorBannerIsHiddenAsync() => Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
