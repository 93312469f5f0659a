using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Accessibility;

/// <summary>axe (its default rules, best practices included) on every page, empty and filled, in light and in dark, and the core journey done with the keyboard alone.</summary>
public sealed class AccessibilityTests(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    private static readonly string[] SignedOutPages = ["Account/Login", "Account/Register", "Account/Lockout", "Account/ResetPassword"];

    private static readonly string[] MemberPages =
    [
        "activations", "buy", "history", "wallet", "settings/api-key", "no-such-page",
        "Account/Manage", "Account/Manage/ChangePassword", "Account/Manage/TwoFactorAuthentication", "Account/Manage/EnableAuthenticator", "account/activity",
        "account/tokens", "account/notifications",
    ];

    private static readonly string[] SignedInPages = [.. MemberPages, "admin/team", "team/usage", "team/audit"];

    // Times nothing: scripts/test.sh runs it beside the xUnit tests, not among the journeys that time things.
    [Trait("Category", "Audit")]
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public Task EveryPage_EmptyAndFilled_HasNoAxeViolations_BestPracticesIncluded(string theme) => JourneyAsync(async () =>
    {
        var problems = new List<string>();
        // Empty: a newcomer with no key and nothing bought sees every page's empty state.
        var newcomer = await MemberAsync("newcomer", theme);
        await newcomer.Context.AddCookiesAsync([new Cookie { Name = "otpwall-theme", Value = theme, Url = Site.BaseUrl.ToString() }]);
        problems.AddRange(await AuditAllAsync(newcomer, MemberPages, "empty", theme));

        // Filled: the administrator with a key, a code received, history, invites and members.
        var admin = await AdministratorAsync(theme);
        await admin.Context.AddCookiesAsync([new Cookie { Name = "otpwall-theme", Value = theme, Url = Site.BaseUrl.ToString() }]);
        await admin.UseSandboxKeyAsync();
        var row = await admin.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        await Site.DeliverSmsAsync((await row.GetAttributeAsync("data-activation-id"))!, "Telegram code: 48213");
        await Expect(row.GetByTestId("activation-code")).ToBeVisibleAsync();

        await admin.CreateInviteLinkAsync();
        // ...an API token (listed on its page and on Team)...
        await admin.Page.GotoAsync(new Uri(Site.BaseUrl, "account/tokens").ToString());
        await admin.Page.GetByTestId("token-name").FillAsync($"audit bot {theme}");
        await admin.Page.GetByTestId("token-create").ClickAsync();
        await Expect(admin.Page.GetByTestId("token-value")).ToBeVisibleAsync();
        // ...and a team key they buy with, under a daily limit, its balance below the warning threshold.
        var teamKey = Guid.NewGuid().ToString("N");
        (await Site.Control.PostAsJsonAsync("keys", new { key = teamKey, balance = 20.00m, currency = "USD" })).EnsureSuccessStatusCode();
        await admin.GoToAsync("admin/team");
        await admin.Page.GetByTestId("teamkey-input").FillAsync(teamKey);
        await admin.Page.GetByTestId("teamkey-save").ClickAsync();
        // The other theme's run saved one already: replacing it is confirmed first.
        var saved = admin.Page.GetByTestId("teamkey-feedback");
        var confirm = admin.Page.GetByTestId("confirm-yes");
        await Expect(saved.Or(confirm)).ToBeVisibleAsync();
        if (await confirm.IsVisibleAsync()) await confirm.ClickAsync();
        await Expect(saved).ToContainTextAsync("Team key saved. It works");
        await admin.Page.GetByTestId("teamkey-threshold").FillAsync("100");
        await admin.Page.GetByTestId("teamkey-threshold-save").ClickAsync();
        var own = admin.Page.Locator($"[data-testid=member-row][data-email='{admin.Email}']");
        await own.GetByTestId("member-keymode").SelectOptionAsync("Team");
        await own.GetByTestId("member-budget-day").FillAsync("5");
        await own.GetByTestId("member-budget-day").PressAsync("Tab");
        await Expect(own.GetByTestId("member-budget-day")).ToHaveValueAsync("5.00");
        problems.AddRange(await AuditAllAsync(admin, SignedInPages, "filled", theme));
        var visitor = await PersonAsync("visitor", theme);
        await visitor.Context.AddCookiesAsync([new Cookie { Name = "otpwall-theme", Value = theme, Url = Site.BaseUrl.ToString() }]);
        problems.AddRange(await AuditAllAsync(visitor, SignedOutPages.Append("no-such-page"), "signed out", theme));

        Assert.True(problems.Count == 0, $"{theme} theme:\n{string.Join('\n', problems)}");
    });

    [Fact]
    public Task ANumber_CanBeBoughtAndCompleted_WithTheKeyboardAlone() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("keyboard");
        var page = member.Page;
        await member.GoToAsync("buy");

        await TabToAsync(page, "buy-service");
        await page.Keyboard.TypeAsync("Telegr");
        await Expect(page.GetByRole(AriaRole.Option).First).ToHaveTextAsync("Telegram");
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "buy-country");
        await page.Keyboard.TypeAsync("Pakist");
        await Expect(page.GetByRole(AriaRole.Option).First).ToHaveTextAsync("Pakistan (PK)");
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "buy-submit");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/activations?bought=**");
        await Person.WaitUntilInteractiveAsync(page);

        var row = page.GetByTestId("activation-row").First;
        await Site.DeliverSmsAsync((await row.GetAttributeAsync("data-activation-id"))!, "Telegram code: 31337");
        await Expect(row.GetByTestId("activation-code")).ToHaveTextAsync("31337");
        await TabToAsync(page, "activation-copy");
        await page.Keyboard.PressAsync("Enter");
        await Eventually.EqualAsync("31337", () => page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await TabToAsync(page, "activation-complete");
        await page.Keyboard.PressAsync("Enter");
        await Expect(row).ToHaveAttributeAsync("data-status", "completed");
    });

    [Fact]
    public Task TabbingThroughTheEmptyPickers_ChoosesNothing_AndBuyStaysDisabled() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("passing-through");
        var page = member.Page;
        await member.GoToAsync("buy");

        await TabToAsync(page, "buy-service");
        await TabToAsync(page, "buy-quantity");
        // Events reach the server in order: once the quantity has gone up, every Tab before it has been handled.
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.GetByTestId("buy-quantity")).ToHaveValueAsync("2");

        await Expect(page.GetByTestId("buy-service")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("buy-country")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("buy-submit")).ToBeDisabledAsync();
    });

    [Fact]
    public Task EscapeInAPickerWhoseTextWasErased_PutsBackThePreviousChoice_LeavingItEmptyClearsIt() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("escape");
        var page = member.Page;
        await member.GoToAsync("buy");
        await Buying.PickAsync(page, "buy-service", "Telegr", "Telegram");
        await Buying.PickAsync(page, "buy-country", "Pakist", "Pakistan (PK)");
        var service = page.GetByTestId("buy-service");
        var buy = page.GetByTestId("buy-submit");
        await Expect(buy).ToHaveTextAsync("Buy Telegram · Pakistan", new() { IgnoreCase = true });

        // Erased, then Escape: the edit is undone, the pair is still chosen.
        await service.ClickAsync();
        await service.PressAsync("Control+A");
        await service.PressAsync("Backspace");
        await Expect(buy).ToBeDisabledAsync();
        await service.PressAsync("Escape");
        await Expect(service).ToHaveValueAsync("Telegram");
        await Expect(buy).ToHaveTextAsync("Buy Telegram · Pakistan", new() { IgnoreCase = true });
        await Expect(buy).ToBeEnabledAsync();

        // Erased and left: the choice is cleared on purpose, and a later Escape does not bring it back. The list of every
        // service is open by then; Tab out of it chooses none of them.
        await service.PressAsync("Control+A");
        await service.PressAsync("Backspace");
        await Expect(page.GetByRole(AriaRole.Option).First).ToBeVisibleAsync();
        await TabToAsync(page, "buy-quantity");
        await page.GetByTestId("buy-quantity").PressAsync("ArrowUp");
        await Expect(page.GetByTestId("buy-quantity")).ToHaveValueAsync("2");
        await service.FocusAsync();
        await service.PressAsync("Escape");
        // Events reach the server in order: once the quantity has gone up again, the Escape has been handled.
        await TabToAsync(page, "buy-quantity");
        await page.GetByTestId("buy-quantity").PressAsync("ArrowUp");
        await Expect(page.GetByTestId("buy-quantity")).ToHaveValueAsync("3");
        await Expect(service).ToHaveValueAsync("");
        await Expect(buy).ToBeDisabledAsync();
    });

    // What the theme changes is colour: the dark theme is audited for contrast, the light one for every rule.
    private static readonly Deque.AxeCore.Commons.AxeRunOptions ContrastOnly = new()
    {
        RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "rule", Values = ["color-contrast", "link-in-text-block"] },
    };

    // Two tabs of the person audit the pages side by side: axe runs in each tab's own renderer, so both cores work.
    private static async Task<IEnumerable<string>> AuditAllAsync(Person person, IEnumerable<string> paths, string state, string theme)
    {
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(paths);
        var second = await person.Context.NewPageAsync();
        async Task<List<string>> AuditInTurnAsync(IPage page)
        {
            var found = new List<string>();
            while (queue.TryDequeue(out var path)) found.AddRange(await AuditAsync(page, path, state, theme));
            return found;
        }
        var found = await Task.WhenAll(AuditInTurnAsync(person.Page), AuditInTurnAsync(second));
        await second.CloseAsync();
        return found.SelectMany(problems => problems);
    }

    internal static async Task<IEnumerable<string>> AuditAsync(IPage page, string path, string state, string theme)
    {
        // Loaded (styles, scripts, images) with its fonts, and live where it is interactive: what axe needs to judge
        // colours and names, without waiting for a quiet network on every page.
        await page.GotoAsync(path);
        await page.EvaluateAsync("document.fonts.ready.then(() => true)");
        if (await page.Locator("[data-interactive]").CountAsync() > 0) await Person.WaitUntilInteractiveAsync(page);
        var result = theme == "dark" ? await page.RunAxe(ContrastOnly) : await page.RunAxe();
        // Light: every rule axe runs by default, best practices included (a page without <main>, an empty table header), at any impact.
        return result.Violations
            .Select(v => $"{path} ({state}): {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}");
    }

    // Presses Tab until the element with this test id has the focus, as a keyboard user would.
    private static async Task TabToAsync(IPage page, string testId)
    {
        for (var presses = 0; presses < 60; presses++)
        {
            if (await page.EvaluateAsync<bool>($"document.activeElement?.closest('[data-testid=\"{testId}\"]') !== null || document.activeElement?.getAttribute('data-testid') === '{testId}'"))
                return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"{testId} cannot be reached with the Tab key.");
    }
}
