using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>The job people open the dashboard for: a number, its code, done.</summary>
public sealed class ActivationJourneys(SiteFixture site) : BrowserTest(site), IClassFixture<SiteFixture>
{
    [Fact]
    public Task ASandboxKey_IsShownMasked_AndTheWalletShowsItsBalance() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("saver");

        await Expect(member.Page.GetByTestId("apikey-status")).ToContainTextAsync("••••");
        await Expect(member.Page.GetByTestId("apikey-status")).ToContainTextAsync("Works: balance 25.00 USD");
        await Expect(member.Page.GetByTestId("apikey-input")).ToHaveValueAsync("");
        Assert.DoesNotMatch("[A-Za-z0-9]{32}", await member.Page.GetByTestId("apikey-status").InnerTextAsync());
        Assert.Equal("25.00 USD", await member.BalanceAsync());
    });

    [Fact]
    public Task ACodeArrives_WithinThreeSeconds_IsCopied_AndTheActivationIsCompleted() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("buyer");
        var row = await member.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        var countdown = row.GetByTestId("activation-countdown");
        await Expect(countdown).ToContainTextAsync("left");
        await Expect(countdown).Not.ToHaveTextAsync(await countdown.InnerTextAsync(), new() { Timeout = 3000 }); // it counts down

        await Site.DeliverSmsAsync(id, "Telegram code: 48213\n\nYou can also tap on this link to log in:\nhttps://t.me/login/48213");
        await Expect(row.GetByTestId("activation-code")).ToHaveTextAsync("48213", new() { Timeout = 3000 });
        await Expect(row.GetByTestId("activation-sms")).ToContainTextAsync("Telegram code: 48213");
        await Expect(row.GetByTestId("activation-cancel")).ToHaveCountAsync(0);

        await row.GetByTestId("activation-copy").ClickAsync();
        await Eventually.EqualAsync("48213", () => member.Page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        await row.GetByTestId("activation-complete").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-status", "completed");

        await member.Page.GetByTestId("nav-history").ClickAsync();
        await Expect(member.Page.Locator($"tr[data-testid=activation-row][data-activation-id='{id}']")).ToHaveAttributeAsync("data-status", "completed");
        var download = await member.Page.RunAndWaitForDownloadAsync(() => member.Page.GetByTestId("history-export").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains($",{id},", csv, StringComparison.Ordinal);
        Assert.Contains(",completed,48213,", csv, StringComparison.Ordinal);
    });

    [Fact]
    public Task ACodeArrivingWhileBuyIsOpen_IsAnnounced_WithALinkToItsCard_AndEveryPagesTitleCountsCodesWaiting() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("elsewhere");
        var page = member.Page;
        var row = await member.BuyByTypingAsync("Disc", "Discord", "Germ", "Germany (DE)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        await member.GoToAsync("buy");
        await Expect(page).ToHaveTitleAsync("Buy a number · OTPWALL Dashboard");

        await Site.DeliverSmsAsync(id, "Your Discord security code is: 904512");

        var message = page.Locator(".mud-snackbar", new() { HasText = "Discord code: 904512" });
        await Expect(message).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Expect(page).ToHaveTitleAsync("(1 code waiting) Buy a number · OTPWALL Dashboard");
        // Another page, and a page loaded afresh, still count it.
        await page.GetByTestId("nav-history").ClickAsync();
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"^\(1 code waiting\) History"));
        await page.ReloadAsync();
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"^\(1 code waiting\) History"));
        await member.GoToAsync("buy");
        await Site.DeliverSmsAsync((await BuyAnotherAsync(member)), "Your Discord security code is: 111222");
        var show = page.Locator(".mud-snackbar", new() { HasText = "Discord code: 111222" }).GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Show" });
        await show.ClickAsync();
        await page.WaitForURLAsync("**/activations**");
        await Expect(page).ToHaveTitleAsync("(2 codes waiting) Live activations · OTPWALL Dashboard");

        // Completed one at a time (a completed card moves down among the finished ones): the count goes, then the prefix.
        var complete = page.GetByTestId("activation-complete");
        await complete.First.ClickAsync();
        await Expect(complete).ToHaveCountAsync(1);
        await Expect(page).ToHaveTitleAsync("(1 code waiting) Live activations · OTPWALL Dashboard");
        await complete.First.ClickAsync();
        await Expect(complete).ToHaveCountAsync(0);
        await Expect(page).ToHaveTitleAsync("Live activations · OTPWALL Dashboard");
    });

    [Fact]
    public Task ThePairChosenOnBuy_SurvivesAReload_AsAfterALostConnection() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("reloader");
        var page = member.Page;
        await member.GoToAsync("buy");
        await Buying.PickAsync(page, "buy-service", "WhatsA", "WhatsApp");
        await Buying.PickAsync(page, "buy-country", "Brazi", "Brazil (BR)");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("service=whatsapp.*country=BR|country=BR.*service=whatsapp"));

        await page.ReloadAsync();
        await Person.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByTestId("buy-service")).ToHaveValueAsync("WhatsApp");
        await Expect(page.GetByTestId("buy-country")).ToHaveValueAsync("Brazil (BR)");
        await Expect(page.GetByTestId("buy-submit")).ToBeEnabledAsync();
    });

    [Fact]
    public Task ATypoInThePicker_OffersTheNearestName_AndAClickOnItChoosesIt() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("typo");
        var page = member.Page;
        await member.GoToAsync("buy");
        var service = page.GetByTestId("buy-service");
        await service.ClickAsync();
        await service.PressSequentiallyAsync("Snapchatt", new() { Delay = 40 });

        var suggestion = page.GetByTestId("buy-did-you-mean");
        await Expect(suggestion).ToHaveTextAsync("Did you mean Snapchat?");
        await suggestion.ClickAsync();

        await Expect(service).ToHaveValueAsync("Snapchat");
    });

    private static async Task<string> BuyAnotherAsync(Person member)
    {
        var row = await member.BuyByTypingAsync("Disc", "Discord", "Germ", "Germany (DE)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        await member.GoToAsync("buy");
        return id;
    }

    [Fact]
    public Task CancellingAWaitingNumber_BringsTheBalanceBack() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("canceller");
        Assert.Equal("25.00 USD", await member.BalanceAsync());
        var row = await member.BuyByTypingAsync("Goo", "Google", "United St", "United States (US)");
        Assert.NotEqual("25.00 USD", await member.BalanceAsync());

        await member.GoToAsync("activations");
        await member.Page.GetByTestId("activation-cancel").First.ClickAsync();
        await Expect(member.Page.GetByTestId("activation-row").First).ToHaveAttributeAsync("data-status", "cancelled");

        await Eventually.EqualAsync("25.00 USD", () => member.BalanceAsync(), 15_000);
    });

    [Fact]
    public Task TheSamePersonInTwoTabs_SeesTheCodeArriveInBoth() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("two-tabs");
        var row = await member.BuyByTypingAsync("Disc", "Discord", "Germ", "Germany (DE)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        var secondTab = await member.OpenTabAsync("activations");

        await Site.DeliverSmsAsync(id, "Your Discord security code is: 904512");

        await Expect(row.GetByTestId("activation-code")).ToHaveTextAsync("904512", new() { Timeout = 3000 });
        await Expect(secondTab.Locator($"[data-testid=activation-row][data-activation-id='{id}'] [data-testid=activation-code]"))
            .ToHaveTextAsync("904512", new() { Timeout = 3000 });
    });

    [Fact]
    public Task OnePerson_CannotSeeOrActOnAnothersActivation() => JourneyAsync(async () =>
    {
        var owner = await MemberWithSandboxKeyAsync("owner");
        var row = await owner.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        var localId = owner.Page.Url[(owner.Page.Url.IndexOf("bought=", StringComparison.Ordinal) + 7)..];
        var number = (await row.GetByTestId("activation-number").TextContentAsync())!.Trim();

        var other = await MemberWithSandboxKeyAsync("other");
        await other.GoToAsync($"activations?bought={localId}");
        await Expect(other.Page.GetByText("No activations right now")).ToBeVisibleAsync();
        await Expect(other.Page.GetByText(number)).ToHaveCountAsync(0);
        await other.GoToAsync("history");
        await Expect(other.Page.Locator($"[data-activation-id='{id}']")).ToHaveCountAsync(0);
        var csv = await (await other.Page.APIRequest.GetAsync("history/export.csv")).TextAsync();
        Assert.DoesNotContain(id, csv, StringComparison.Ordinal);

        await owner.GoToAsync("activations");
        await Expect(owner.Page.Locator($"[data-testid=activation-row][data-activation-id='{id}']")).ToHaveAttributeAsync("data-status", "waiting");
    });
}

/// <summary>Numbers live 12 seconds here, so letting one expire takes seconds, not twenty minutes.</summary>
public sealed class ExpiryJourney(ShortLivedSiteFixture site) : BrowserTest(site), IClassFixture<ShortLivedSiteFixture>
{
    [Fact]
    public Task ANumberWithoutSms_IsCancelledAutomatically_AndShownSo() => JourneyAsync(async () =>
    {
        var member = await MemberWithSandboxKeyAsync("patient");
        var row = await member.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");

        await Expect(row).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 20_000 });
        await Expect(row.GetByTestId("activation-status")).ToHaveTextAsync("Cancelled automatically");
        await Expect(row.GetByTestId("activation-note")).ToContainTextAsync("No SMS came in time");
        await Eventually.EqualAsync("25.00 USD", () => member.BalanceAsync(), 15_000);
    });
}
