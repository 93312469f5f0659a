using System.Net.Http.Json;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>Buying with a policy on Buy: the next country when one has no numbers.</summary>
public sealed class BuyingRuleJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task ARuleOfThreeCountriesWhereTheFirstTwoHaveNone_SavedAndClicked_BuysInTheThird_AndSaysSo() => JourneyAsync(async () =>
    {
        (await Site.Control.PostAsJsonAsync("stock", new { service = "telegram", country = "GB", available = false })).EnsureSuccessStatusCode();
        (await Site.Control.PostAsJsonAsync("stock", new { service = (string?)null, country = "NL", available = false })).EnsureSuccessStatusCode();
        var member = await MemberWithSandboxKeyAsync("policy");
        var page = member.Page;
        await member.GoToAsync("buy");
        await Buying.PickAsync(page, "buy-service", "Tele", "Telegram");
        await Buying.PickAsync(page, "buy-country", "United K", "United Kingdom (GB)");

        await page.GetByTestId("buy-fallback-add").ClickAsync();
        await PickFallbackAsync(page, 0, "Nether", "Netherlands (NL)");
        await page.GetByTestId("buy-fallback-add").ClickAsync();
        await PickFallbackAsync(page, 1, "Germ", "Germany (DE)");
        await Expect(page.GetByTestId("buy-submit")).ToHaveTextAsync("Buy Telegram · United Kingdom, then 2 more", new() { IgnoreCase = true });
        // Saved as a rule, it is one click from then on (here after a reload, which forgets the choices above).
        await page.GetByTestId("buy-rule-new").ClickAsync();
        await page.GetByTestId("buy-rule-name").FillAsync("Telegram, Europe");
        await page.GetByTestId("buy-rule-save").ClickAsync();
        await Expect(page.Locator("[data-testid=buy-rule][data-name='Telegram, Europe']")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Person.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-testid=buy-rule][data-name='Telegram, Europe']").ClickAsync();

        var result = page.GetByTestId("buy-result");
        await Expect(result).ToContainTextAsync("in Germany.");
        await Expect(result).ToContainTextAsync("United Kingdom: no numbers.");
        await Expect(result).ToContainTextAsync("Netherlands: no numbers.");
        await result.GetByTestId("buy-result-live").ClickAsync();
        var cards = page.GetByTestId("activation-row");
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(cards.First).ToContainTextAsync("Germany");
    });

    private static async Task PickFallbackAsync(IPage page, int index, string typed, string option)
    {
        var input = page.GetByTestId("buy-fallback-country").Nth(index);
        await input.ClickAsync();
        await input.PressSequentiallyAsync(typed, new() { Delay = 40 });
        await Expect(page.GetByRole(AriaRole.Option).First).ToHaveTextAsync(option);
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync(option);
    }
}
