using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>
/// One person keeps working for five minutes, past several revalidations of their sign-in (the default interval, one
/// minute): numbers bought and completed, full page loads, new tabs, CSV downloads and account pages, and never the
/// sign-in page. The SMS come at a person's pace (25 to 35 s), so the journey waits on codes, not on a clock, and
/// leaves the machine's cores to the rest of the suite (the test command runs it beside the other tests).
/// </summary>
[Trait("Category", WorkdayJourneys.Category)]
public sealed class WorkdayJourneys(WorkdaySiteFixture site) : BrowserTest(site), IClassFixture<WorkdaySiteFixture>
{
    public const string Category = "Workday";

    private static readonly TimeSpan Workday = TimeSpan.FromMinutes(5);

    [Fact]
    public Task APersonWorksForFiveMinutes_AcrossPageLoadsTabsDownloadsAndAccountPages_AndIsNeverSentToSignIn() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("workday");
        var page = member.Page;
        var clock = Stopwatch.StartNew();
        var completed = 0;

        while (clock.Elapsed < Workday)
        {
            var bought = await member.BuyByTypingAsync("Teleg", "Telegram", "Pakis", "Pakistan (PK)");
            var card = page.Locator($"[data-activation-id='{await bought.GetAttributeAsync("data-activation-id")}']");
            // A full page load while the SMS is on its way; then the code arrives on the card and is completed.
            await page.ReloadAsync();
            await AssertSignedInAsync(page, clock);
            await Person.WaitUntilInteractiveAsync(page);
            await Expect(card.GetByTestId("activation-code")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await card.GetByTestId("activation-complete").ClickAsync();
            await Expect(card).ToHaveAttributeAsync("data-status", "completed");
            completed++;

            // A new tab: History and its CSV, then the account's own pages.
            var tab = await member.Context.NewPageAsync();
            await tab.GotoAsync("history");
            await AssertSignedInAsync(tab, clock);
            await Person.WaitUntilInteractiveAsync(tab);
            var download = await tab.RunAndWaitForDownloadAsync(() => tab.GetByTestId("history-export").ClickAsync());
            var csv = await File.ReadAllLinesAsync((await download.PathAsync())!);
            Assert.Equal(completed, csv.Skip(1).Count(line => line.Contains(",completed,", StringComparison.Ordinal)));
            await tab.GotoAsync("Account/Manage");
            await AssertSignedInAsync(tab, clock);
            await Expect(tab.GetByTestId("signout-everywhere")).ToBeVisibleAsync();
            await tab.GotoAsync("account/activity");
            await AssertSignedInAsync(tab, clock);
            await tab.CloseAsync();
        }

        Assert.True(completed >= 5, $"{completed} numbers completed in {clock.Elapsed.TotalMinutes:0.0} minutes");
        // Ending the session still ends it at once, in every tab.
        var other = await member.OpenTabAsync("history");
        await member.SignOutAsync();
        await other.WaitForURLAsync("**/Account/Login**", new() { Timeout = 5000 });
    });

    private static async Task AssertSignedInAsync(IPage page, Stopwatch clock)
    {
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.False(new Regex("/Account/Login", RegexOptions.IgnoreCase).IsMatch(page.Url),
            $"sent to sign-in after {clock.Elapsed.TotalSeconds:0} s of work: {page.Url}");
    }
}

/// <summary>An instance whose simulated SMS come at a person's pace, always, with the default session revalidation.</summary>
public sealed class WorkdaySiteFixture : SiteFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OtpWall:Sandbox:NoSmsRate"] = "0",
        ["OtpWall:Sandbox:SmsDelayMin"] = "00:00:25",
        ["OtpWall:Sandbox:SmsDelayMax"] = "00:00:35",
    };
}
