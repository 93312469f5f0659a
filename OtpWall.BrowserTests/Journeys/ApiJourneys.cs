using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>A person who automates: a token made on its page, a script that buys with it, the code on the page and in the script.</summary>
public sealed class ApiJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task ATokenCreatedOnItsPage_BuysThroughTheApi_AndTheCodeReachesLiveActivationsAndTheScript() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("scripter");
        var page = member.Page;
        // Account & security › API tokens.
        await page.GotoAsync(new Uri(Site.BaseUrl, "Account/Manage").ToString());
        await page.GetByRole(Microsoft.Playwright.AriaRole.Navigation, new() { Name = "Account settings" })
            .GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
        await page.GetByTestId("token-name").FillAsync("signup bot");
        await page.GetByTestId("token-expiry").SelectOptionAsync("30d");
        await page.GetByTestId("token-scope").SelectOptionAsync("buy");
        await page.GetByTestId("token-create").ClickAsync();
        var token = (await page.GetByTestId("token-value").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Za-z0-9]{32}$", token);
        await Expect(page.Locator("[data-testid=token-row][data-name='signup bot']")).ToContainTextAsync("never used");

        // The script runs while the person watches Live activations.
        await member.GoToAsync("activations");
        using var script = new HttpClient { BaseAddress = new Uri(Site.BaseUrl, "api/v1/") };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var bought = await script.PostAsJsonAsync("number", new { service = "telegram", country = "PK" });
        var number = JsonNode.Parse(await bought.Content.ReadAsStringAsync())!;
        Assert.Equal("waiting", number["status"]!.GetValue<string>());
        var id = number["activation_id"]!.GetValue<string>();

        var card = page.GetByTestId("activation-row").Filter(new() { HasText = number["number"]!.GetValue<string>() });
        await Expect(card).ToHaveAttributeAsync("data-status", "waiting");
        await Expect(card.GetByTestId("activation-api-token")).ToContainTextAsync("signup bot");
        var waiting = script.GetStringAsync($"activation/{id}/status?wait=30");
        await Site.DeliverSmsAsync((await card.GetAttributeAsync("data-activation-id"))!, "Your Telegram code is 731904");

        await Expect(card.GetByTestId("activation-code")).ToHaveTextAsync("731904", new() { Timeout = 5000 });
        var answer = JsonNode.Parse(await waiting)!;
        Assert.Equal("received", answer["status"]!.GetValue<string>());
        Assert.Contains("731904", answer["sms"]!.GetValue<string>(), StringComparison.Ordinal);

        // History says which token bought it, too.
        await page.GetByTestId("nav-history").ClickAsync();
        await Expect(page.GetByTestId("history-api-token").First).ToContainTextAsync("signup bot");

        // The page that made the token now says when and from where it was used, never the token itself.
        await page.GotoAsync(new Uri(Site.BaseUrl, "account/tokens").ToString());
        await Expect(page.Locator("[data-testid=token-row][data-name='signup bot']")).ToContainTextAsync("last used");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
    });
}
