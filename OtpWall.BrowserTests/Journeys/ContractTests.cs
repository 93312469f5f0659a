using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>
/// The data-testid names of shared/docs/contracts.md that no journey happens to click, each on the element a person
/// reads or clicks. A renamed or removed one fails here.
/// </summary>
public sealed class ContractTests(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    private static readonly string[] NavigationLinks = ["nav-wallet", "nav-buy", "nav-activations", "nav-history", "nav-settings"];
    private static readonly string[] KeyButtons = ["apikey-save", "apikey-remove", "apikey-sandbox"];
    private static readonly string[] Pickers = ["buy-service", "buy-country"];

    [Fact]
    public Task EveryPage_CarriesItsContractTestIds() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("contract");
        var page = member.Page;

        foreach (var link in NavigationLinks)
            Assert.Equal("A", await page.GetByTestId(link).EvaluateAsync<string>("e => e.tagName"));
        await Expect(page.GetByTestId("sandbox-badge")).ToBeVisibleAsync();

        Assert.Equal("INPUT", await page.GetByTestId("apikey-input").EvaluateAsync<string>("e => e.tagName"));
        foreach (var button in KeyButtons)
            Assert.Equal("BUTTON", await page.GetByTestId(button).EvaluateAsync<string>("e => e.tagName"));
        await Expect(page.GetByTestId("apikey-status")).ToContainTextAsync("••••");

        await page.GetByTestId("nav-wallet").ClickAsync();
        await Expect(page.GetByTestId("wallet-balance")).ToHaveTextAsync("25.00 USD");
        Assert.Equal("BUTTON", await page.GetByTestId("wallet-refresh").EvaluateAsync<string>("e => e.tagName"));

        await page.GetByTestId("nav-buy").ClickAsync();
        foreach (var picker in Pickers)
            Assert.Equal("INPUT", await page.GetByTestId(picker).EvaluateAsync<string>("e => e.tagName"));
        Assert.Equal("BUTTON", await page.GetByTestId("buy-submit").EvaluateAsync<string>("e => e.tagName"));

        await page.GetByTestId("nav-history").ClickAsync();
        Assert.Equal("A", await page.GetByTestId("history-export").EvaluateAsync<string>("e => e.tagName"));

        await page.GetByTestId("nav-settings").ClickAsync();
        await page.GetByTestId("apikey-remove").ClickAsync();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Dialog).GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("apikey-status")).ToContainTextAsync("No key saved yet");
        await page.GetByTestId("nav-wallet").ClickAsync();
        await Expect(page.GetByTestId("error-message")).ToContainTextAsync("No OTPWALL API key is saved yet");
    });
}
