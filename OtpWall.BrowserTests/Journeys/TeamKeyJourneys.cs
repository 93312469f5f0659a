using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>The team's own OTPWALL account: an administrator saves it and sets limits, a member spends from it.</summary>
public sealed class TeamKeyJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task TheAdministratorSetsADailyLimit_AMemberBuysUntilRefused_ThenBuysAgainOnceItIsRaised() => JourneyAsync(async () =>
    {
        // A sandbox account for the team, its key ending in letters that cannot turn up by chance.
        var teamKey = "T" + Guid.NewGuid().ToString("N")[..27] + "QzXw";
        (await Site.Control.PostAsJsonAsync("keys", new { key = teamKey, balance = 20.00m, currency = "USD" })).EnsureSuccessStatusCode();
        var admin = await AdministratorAsync();
        var member = await MemberAsync("spender");

        // Everything the member's browser and server exchange over the circuit, from here on.
        var traffic = new StringBuilder();
        member.Page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => { lock (traffic) traffic.Append(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? [])); };
            socket.FrameSent += (_, frame) => { lock (traffic) traffic.Append(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? [])); };
        };

        await admin.GoToAsync("admin/team");
        await admin.Page.GetByTestId("teamkey-input").FillAsync(teamKey);
        await admin.Page.GetByTestId("teamkey-save").ClickAsync();
        await Expect(admin.Page.GetByTestId("teamkey-status")).ToContainTextAsync("••••••••QzXw");
        await Expect(admin.Page.GetByTestId("teamkey-status")).ToContainTextAsync("Works: team balance 20.00 USD");
        await Expect(admin.Page.GetByTestId("teamkey-input")).ToHaveValueAsync("");
        var row = admin.Page.Locator($"[data-testid=member-row][data-email='{member.Email}']");
        await row.GetByTestId("member-keymode").SelectOptionAsync("Team");
        await Expect(admin.Page.GetByText($"{member.Email} buys with the team key.")).ToBeVisibleAsync();
        await SetLimitAsync(row.GetByTestId("member-budget-day"), "1.00");

        // WhatsApp in Brazil costs 0.42: bought at 0.00, 0.42 and 0.84 spent (below 1.00), refused at 1.26.
        await member.GoToAsync("buy");
        await Expect(member.Page.GetByTestId("buy-payer")).ToContainTextAsync("Paid with the team key");
        await Expect(member.Page.GetByTestId("buy-budget-left")).ToContainTextAsync("1.00 USD today");
        for (var bought = 0; bought < 3; bought++) Assert.True(await TryBuyAsync(member), $"purchase {bought + 1} was refused");
        Assert.False(await TryBuyAsync(member));
        // Said once, in the budget line, with Buy disabled: the limit is known to be reached before anything is sent.
        await Expect(member.Page.GetByTestId("buy-budget-left")).ToContainTextAsync(
            "Your team-key limit for today is reached: 1.26 USD spent of 1.00 USD. It resets at 00:00 on");
        await Expect(member.Page.GetByTestId("buy-error")).ToHaveCountAsync(0);
        await member.GoToAsync("activations");
        await Expect(member.Page.GetByTestId("activation-payer")).ToHaveTextAsync(["team", "team", "team"]);

        await admin.GoToAsync("admin/team");
        await SetLimitAsync(row.GetByTestId("member-budget-day"), "2.00");

        Assert.True(await TryBuyAsync(member), "refused after the limit was raised");
        await member.GoToAsync("buy");
        await Expect(member.Page.GetByTestId("buy-budget-left")).ToContainTextAsync("0.32 USD today");
        await member.GoToAsync("wallet");
        await Expect(member.Page.GetByTestId("wallet-team-balance")).ToHaveTextAsync($"{20.00m - 4 * 0.42m:0.00} USD");

        var seen = traffic.ToString();
        Assert.True(seen.Length > 1000, "the member's circuit traffic was recorded");
        Assert.DoesNotContain(teamKey, seen, StringComparison.Ordinal);
        Assert.DoesNotContain("QzXw", seen, StringComparison.Ordinal);
    });

    private static async Task SetLimitAsync(ILocator field, string limit)
    {
        await field.FillAsync(limit);
        await field.PressAsync("Tab");
        await Expect(field).ToHaveValueAsync(limit);
        await Expect(field.Page.GetByText($"team-key limit {limit} a day")).ToBeVisibleAsync();
    }

    // Picks WhatsApp in Brazil on Buy and clicks Buy: true when it was bought, false when the page refused it (or would
    // not let it be clicked, the limit being known to be reached).
    private static async Task<bool> TryBuyAsync(Person member)
    {
        var page = member.Page;
        await member.GoToAsync("buy");
        await Buying.PickAsync(page, "buy-service", "WhatsA", "WhatsApp");
        await Buying.PickAsync(page, "buy-country", "Brazi", "Brazil (BR)");
        if (await page.GetByTestId("buy-submit").IsDisabledAsync()) return false;
        await page.GetByTestId("buy-submit").ClickAsync();
        var bought = page.GetByTestId("activation-row");
        var refused = page.GetByTestId("buy-error");
        await Expect(bought.Or(refused).First).ToBeVisibleAsync();
        return await bought.CountAsync() > 0;
    }
}
