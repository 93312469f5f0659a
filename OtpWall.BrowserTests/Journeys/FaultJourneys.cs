using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>An instance whose wallet may be re-read every second, so recovery shows at once.</summary>
public sealed class QuickWalletSiteFixture : SiteFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["OtpWall:Wallet:MinRefreshInterval"] = "00:00:01" };
}

/// <summary>When OTPWALL misbehaves, pages say so plainly and recover; the Blazor error banner never shows.</summary>
public sealed class FaultJourneys(QuickWalletSiteFixture site) : BrowserTest(site), IClassFixture<QuickWalletSiteFixture>
{
    [Fact]
    public Task AnOutage_IsExplainedWithoutRawHtml_AndThePagesRecover() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("weathered");
        try
        {
            await Site.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 502, errorBody = "html" });
            await member.GoToAsync("wallet");
            var error = member.Page.GetByTestId("error-message");
            await RefreshWalletUntilAsync(member, error, "OTPWALL is not reachable right now");
            await Expect(error).ToContainTextAsync("OTPWALL is not reachable right now");
            Assert.DoesNotContain("nginx", await error.InnerTextAsync(), StringComparison.Ordinal);

            await Site.SetFaultsAsync(new { });
            await member.GoToAsync("buy");
            await Buying.PickAsync(member.Page, "buy-service", "Tele", "Telegram");
            await Buying.PickAsync(member.Page, "buy-country", "Pakis", "Pakistan (PK)");
            await Site.SetFaultsAsync(new { rateLimitRate = 1.0, retryAfterSeconds = 30 });
            await member.Page.GetByTestId("buy-submit").ClickAsync();
            await Expect(member.Page.GetByTestId("buy-error")).ToContainTextAsync("OTPWALL is limiting requests for this key. Try again in 30 s.");
        }
        finally
        {
            await Site.SetFaultsAsync(new { });
        }

        await member.GoToAsync("wallet");
        await RefreshWalletUntilAsync(member, member.Page.GetByTestId("wallet-balance"), "25.00 USD");
        await Expect(member.Page.GetByTestId("wallet-balance")).ToHaveTextAsync("25.00 USD");
        await Expect(member.Page.GetByTestId("error-message")).ToHaveCountAsync(0);
    });

    // The wallet is read from OTPWALL at most once a second here: refresh, as a person would, until the page shows it.
    private static Task RefreshWalletUntilAsync(Person member, ILocator shown, string text) =>
        Eventually.EqualAsync(true, async () =>
        {
            await member.Page.GetByTestId("wallet-refresh").ClickAsync();
            return (await shown.AllInnerTextsAsync()).Any(t => t.Contains(text, StringComparison.Ordinal));
        });
}
