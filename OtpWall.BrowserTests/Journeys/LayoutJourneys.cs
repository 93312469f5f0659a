using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>What a newcomer sees on a phone and on a first visit: nothing off screen, the right theme at once.</summary>
public sealed class LayoutJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task BeforeThePageIsLive_ItsButtonsTakeNoClicks_AndANoteSaysItIsConnecting() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("early");
        // The circuit's connection is held back: the page stays as the server first rendered it.
        var release = new TaskCompletionSource();
        await member.Page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await member.Page.GotoAsync("activations");
        var menu = member.Page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the menu" });
        await Expect(member.Page.GetByTestId("connecting")).ToBeVisibleAsync();
        await Expect(member.Page.GetByTestId("connecting")).ToHaveCSSAsync("opacity", "1");
        Assert.Equal("none", await menu.EvaluateAsync<string>("e => getComputedStyle(e).pointerEvents"));

        release.SetResult();
        await Person.WaitUntilInteractiveAsync(member.Page);
        await Expect(member.Page.GetByTestId("connecting")).ToHaveCountAsync(0);
        Assert.Equal("auto", await menu.EvaluateAsync<string>("e => getComputedStyle(e).pointerEvents"));
    });

    [Fact]
    public Task OnAPhone_ChoosingAPageInTheMenu_ClosesTheMenu() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("phone-menu");
        var phone = await OnAPhoneAsync(member);
        var page = phone.Page;
        await Person.WaitUntilInteractiveAsync(page);
        var history = page.GetByTestId("nav-history");
        // The menu covers the page when open on a phone: opened with ☰ if it is not.
        if (await page.EvaluateAsync<bool>("!document.querySelector('[data-testid=nav-history]') || document.querySelector('[data-testid=nav-history]').getBoundingClientRect().right <= 0"))
            await page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the menu" }).ClickAsync();
        await Expect(history).ToBeInViewportAsync();

        await history.ClickAsync();

        // An in-app navigation (no page load): the address changes, the menu slides away.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/history$"));
        await Expect(page.GetByTestId("nav-history")).Not.ToBeInViewportAsync();
    });

    [Fact]
    public Task AccountAndSecurity_HasTheSameBarAndMenu_OnAPhoneBehindTheMenuButton() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("account-layout");
        await member.Page.GotoAsync("Account/Manage");
        // Wide: the menu beside the page, the balance in the bar, the account menu signs out.
        await Expect(member.Page.GetByTestId("appbar-balance")).ToContainTextAsync("USD");
        await Expect(member.Page.GetByTestId("nav-history")).ToBeInViewportAsync();
        await Expect(member.Page.GetByTestId("nav-account")).ToHaveAttributeAsync("aria-current", "page");

        var phone = await OnAPhoneAsync(member);
        var page = phone.Page;
        await page.GotoAsync("Account/Manage/ChangePassword");
        await Expect(page.GetByTestId("appbar-balance")).ToContainTextAsync("USD");
        // No strip of links cut off at the edge: the menu waits behind ☰ and covers the page when opened.
        await Expect(page.GetByTestId("nav-history")).Not.ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= innerWidth"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the menu" }).ClickAsync();
        await Expect(page.GetByTestId("nav-history")).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("nav-history")).Not.ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the menu" }).ClickAsync();
        await page.GetByTestId("nav-history").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/history$"));

        // The account menu of these pages signs out as every page's does.
        await page.GotoAsync("Account/Manage");
        await phone.SignOutAsync();
    });

    [Fact]
    public Task OnAPhone_HistoryAndTeamFitTheScreen_AndHistorysFiltersFoldAway() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        await admin.UseSandboxKeyAsync();
        var row = await admin.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        await Site.DeliverSmsAsync((await row.GetAttributeAsync("data-activation-id"))!, "Telegram code: 48213");
        await Expect(row.GetByTestId("activation-code")).ToHaveTextAsync("48213");
        await MemberAsync("a-rather-long-address-of-a-new-teammate");
        var phone = await OnAPhoneAsync(admin);

        await phone.GoToAsync("history");
        var historyRow = phone.Page.GetByTestId("activation-row").First;
        await Expect(historyRow.GetByTestId("activation-code")).ToHaveTextAsync("48213");
        await FitsTheScreenAsync(phone.Page, historyRow.GetByTestId("activation-status"), historyRow.GetByTestId("activation-code"));
        await Expect(phone.Page.GetByTestId("history-status")).ToBeHiddenAsync();
        await phone.Page.GetByTestId("history-filters-toggle").ClickAsync();
        await Expect(phone.Page.GetByTestId("history-status")).ToBeVisibleAsync();

        await phone.GoToAsync("admin/team");
        var member = phone.Page.Locator("[data-testid=member-row][data-email^='a-rather-long-address']");
        await FitsTheScreenAsync(phone.Page, member.GetByTestId("member-status"), member.GetByTestId("member-toggle"), member.GetByTestId("member-reset"));

        await phone.GoToAsync("settings/api-key");
        await FitsTheScreenAsync(phone.Page, phone.Page.GetByTestId("apikey-status"));
    });

    [Fact]
    public Task ADarkSystem_GetsADarkSignInPage_OnItsVeryFirstVisit() => JourneyAsync(async () =>
    {
        var visitor = await PersonAsync("night-owl", colorScheme: "dark");

        await visitor.Page.GotoAsync("Account/Login");

        await Expect(visitor.Page.GetByTestId("login-submit")).ToBeVisibleAsync();
        var background = await visitor.Page.EvaluateAsync<double[]>(
            "() => getComputedStyle(document.body).backgroundColor.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)");
        Assert.True(background.Average() < 80, $"The page is painted light: rgb({string.Join(", ", background)}).");
    });

    [Fact]
    public Task TheThemeToggle_RepaintsAtOnce_AndFollowingTheSystemFollowsItLive() => JourneyAsync(async () =>
    {
        var member = await MemberAsync("night-shift", colorScheme: "dark");
        await member.GoToAsync("activations");
        Assert.True(await BodyIsDarkAsync(member.Page), "A dark system's page is painted light.");
        var toggle = member.Page.GetByTestId("theme-toggle");

        await toggle.ClickAsync(); // follows the system → light
        await Expect(toggle).ToHaveAttributeAsync("aria-label", "Theme: light. Switch to dark");
        Assert.False(await BodyIsDarkAsync(member.Page), "Light was chosen, the page stayed dark.");
        await toggle.ClickAsync(); // → dark
        await Expect(toggle).ToHaveAttributeAsync("aria-label", "Theme: dark. Switch to follow the system");
        Assert.True(await BodyIsDarkAsync(member.Page), "Dark was chosen, the page stayed light.");
        await toggle.ClickAsync(); // → follows the system again, and then the system changes
        await Expect(toggle).ToHaveAttributeAsync("aria-label", "Theme: follows the system. Switch to light");
        await member.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        Assert.False(await BodyIsDarkAsync(member.Page), "The system turned light, the page stayed dark.");

        await member.GoToAsync("history"); // the choice is kept for the next page the server paints
        Assert.False(await BodyIsDarkAsync(member.Page), "The next page is not painted as the system is.");
    });

    [Fact]
    public Task OnAPhone_WhatACopyOrCancelCameTo_IsSaidInItsCard_AndCoversNoOtherCardsButtons() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("hurried");
        var first = await member.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        var firstId = (await first.GetAttributeAsync("data-activation-id"))!;
        await member.BuyByTypingAsync("Disc", "Discord", "Germ", "Germany (DE)");
        await Site.DeliverSmsAsync(firstId, "Telegram code: 48213");
        var phone = await OnAPhoneAsync(member);
        var page = phone.Page;
        await Person.WaitUntilInteractiveAsync(page);
        var withCode = page.Locator($"[data-testid=activation-row][data-activation-id='{firstId}']");
        var other = page.Locator($"[data-testid=activation-row]:not([data-activation-id='{firstId}'])");
        await Expect(withCode.GetByTestId("activation-code")).ToHaveTextAsync("48213");
        // The card whose buttons matter next is the last one on the screen, where a message in a corner appeared.
        await page.SetViewportSizeAsync(390, (int)(await other.GetByTestId("activation-cancel").BoundingBoxAsync())!.Y + 60);

        await withCode.GetByTestId("activation-copy").ClickAsync();
        await Expect(withCode.GetByTestId("activation-said")).ToHaveTextAsync("Code copied.");
        // Nothing lies over the other card's button: a trial click fails when another element would take the click.
        await other.GetByTestId("activation-cancel").ClickAsync(new() { Trial = true, Timeout = 2000 });

        await other.GetByTestId("activation-cancel").ClickAsync();
        await Expect(other.GetByTestId("activation-said")).ToHaveTextAsync("Cancelled. OTPWALL refunds the price.");
        await withCode.GetByTestId("activation-copy").ClickAsync(new() { Trial = true, Timeout = 2000 });
    });

    // Nothing scrolls sideways, and each element a person needs is inside the 390 px the phone shows.
    private static async Task FitsTheScreenAsync(IPage page, params ILocator[] needed)
    {
        var (scrollWidth, viewport) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), page.ViewportSize!.Width);
        Assert.True(scrollWidth <= viewport, $"{page.Url} is {scrollWidth} px wide on a {viewport} px screen.");
        foreach (var element in needed)
        {
            await Expect(element).ToBeVisibleAsync();
            var box = (await element.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= viewport + 0.5, $"{element} reaches from {box.X} to {box.X + box.Width} px on {page.Url}.");
        }
    }

    private static async Task<bool> BodyIsDarkAsync(IPage page) => (await page.EvaluateAsync<double[]>(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)")).Average() < 80;
}
