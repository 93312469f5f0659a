using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>Issue 14 as a person does it: the team's figures before paying, three at once, buy again, an honest refund.</summary>
public sealed class BuyingWithForesightJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task TypeUk_SeeWhatTheTeamPaid_BuyThreeAtOnce_BuyAgainFromHistory_AndCancelOneForARefund() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("foresight");
        var page = member.Page;
        // One earlier number of the pair that got its code: the figures the next purchase is decided on.
        var first = await member.BuyByTypingAsync("Whats", "WhatsApp", "United K", "United Kingdom (GB)");
        await Site.DeliverSmsAsync((await first.GetAttributeAsync("data-activation-id"))!, "Your WhatsApp code: 482-913");
        await Expect(first).ToHaveAttributeAsync("data-status", "received", new() { Timeout = 10_000 });

        await member.GoToAsync("buy");
        await Buying.PickAsync(page, "buy-country", "uk", "United Kingdom (GB)");
        await Expect(page.GetByRole(AriaRole.Option)).ToHaveCountAsync(0);
        await Buying.PickAsync(page, "buy-service", "Whats", "WhatsApp");
        var insight = page.GetByTestId("buy-insight");
        await Expect(insight).ToContainTextAsync("Last price paid: 0.84 USD");
        await Expect(insight).ToContainTextAsync("1 of 1 got a code in the last 7 days (100%)");

        // Three at once, each slow to answer: another tab sees them Buying…, then Waiting.
        var live = await member.OpenTabAsync("activations");
        await Site.SetFaultsAsync(new { latencyMs = 1200, pathContains = "/number" });
        try
        {
            await page.GetByTestId("buy-quantity").FillAsync("3");
            await page.GetByTestId("buy-quantity").PressAsync("Tab");
            await Expect(page.GetByTestId("buy-submit")).ToHaveTextAsync("Buy 3 × WhatsApp · United Kingdom");
            await page.GetByTestId("buy-submit").ClickAsync();
            await Expect(live.Locator("[data-testid=activation-row][data-status=buying]")).ToHaveCountAsync(1, new() { Timeout = 5000 });
            await Expect(page.GetByTestId("buy-error")).ToContainTextAsync("Bought 3 of 3", new() { Timeout = 20_000 });
        }
        finally
        {
            await Site.SetFaultsAsync(new { });
        }
        await Expect(live.Locator("[data-testid=activation-row][data-status=waiting]")).ToHaveCountAsync(3);
        await Expect(live.Locator("[data-testid=activation-row][data-status=buying]")).ToHaveCountAsync(0);

        // Buy one again from History: the same pair, chosen.
        await member.GoToAsync("history");
        await Expect(page.GetByTestId("history-net")).ToBeVisibleAsync();
        var spentBefore = await page.GetByTestId("history-net").TextContentAsync();
        // At 1280 beside the menu the list fits its area: no sideways scrolling, "Buy again" in view.
        Assert.True(await page.EvaluateAsync<bool>("[...document.querySelectorAll('.table-scroll')].every(t => t.scrollWidth <= t.clientWidth)"),
            "a History table scrolls sideways at 1280");
        await Expect(page.GetByTestId("history-buy-again").First).ToBeInViewportAsync();
        await page.GetByTestId("history-buy-again").First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/buy\\?service=whatsapp&country=GB", RegexOptions.IgnoreCase));
        await Person.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("buy-submit")).ToHaveTextAsync("Buy WhatsApp · United Kingdom");
        await page.GetByTestId("buy-submit").ClickAsync();
        await page.WaitForURLAsync("**/activations?bought=**");
        await Person.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=activation-row][data-status=waiting]")).ToHaveCountAsync(4);

        // Cancel one: it says Refunded, and History's money changes with it.
        await member.GoToAsync("history");
        await Expect(page.GetByTestId("history-net")).Not.ToHaveTextAsync(spentBefore!);
        var spentWithFour = await page.GetByTestId("history-net").TextContentAsync();
        await member.GoToAsync("activations");
        var cancelled = page.Locator("[data-testid=activation-row][data-status=waiting]").First;
        var cancelledId = await cancelled.GetAttributeAsync("data-activation-id");
        await cancelled.GetByTestId("activation-cancel").ClickAsync();
        var row = page.Locator($"[data-activation-id='{cancelledId}']");
        await Expect(row).ToHaveAttributeAsync("data-status", "cancelled");
        await Expect(row.GetByTestId("activation-price")).ToContainTextAsync("Refunded");
        await member.GoToAsync("history");
        await Expect(page.GetByTestId("history-net")).Not.ToHaveTextAsync(spentWithFour!);
        await Expect(page.GetByTestId("history-price").Filter(new() { HasText = "Refunded" })).ToHaveCountAsync(1);
        await member.BlazorErrorBannerIsHiddenAsync();
    });
}
