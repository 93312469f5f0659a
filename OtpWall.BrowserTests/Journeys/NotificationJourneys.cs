using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using OtpWall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>An instance whose Telegram Bot API is a local stand-in, and where webhooks may reach localhost.</summary>
public sealed class NotificationSiteFixture : SiteFixture, IAsyncLifetime
{
    public BotApiStandIn Bot { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OtpWall:Telegram:BaseAddress"] = Bot.Root.ToString().TrimEnd('/'),
        ["OtpWall:Telegram:PollTimeoutSeconds"] = "1",
        ["OtpWall:Notifications:AllowLocalWebhooks"] = "true",
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Bot = await BotApiStandIn.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Bot.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>Codes where the person already is: the administrator adds the team's bot, a member links Telegram and a webhook, buys, and the code arrives in Telegram, at the webhook and on the page.</summary>
public sealed class NotificationJourneys(NotificationSiteFixture site) : BrowserTest(site), IClassFixture<NotificationSiteFixture>
{
    [Fact]
    public Task AMemberLinksTelegramAndAWebhook_AndACodeReachesTelegramTheWebhookAndThePage() => JourneyAsync(async () =>
    {
        var admin = await AdministratorAsync();
        await admin.GoToAsync("admin/team");
        await admin.Page.GetByTestId("team-telegram-token").FillAsync(BotApiStandIn.Token);
        await admin.Page.GetByTestId("team-telegram-save").ClickAsync();
        await Expect(admin.Page.GetByTestId("team-telegram-bot")).ToContainTextAsync("@" + BotApiStandIn.Username);

        var member = await MemberWithSandboxKeyAsync("notified");
        var page = member.Page;
        await page.GotoAsync("account/notifications");
        await Expect(page.GetByTestId("notify-telegram-status")).ToHaveAttributeAsync("data-linked", "false");
        // The page shows the one-time link to open in Telegram.
        var link = await page.GetByTestId("notify-telegram-link").GetAttributeAsync("href") ?? "";
        Assert.StartsWith($"https://t.me/{BotApiStandIn.Username}?start=", link, StringComparison.Ordinal);
        // The member opens the link in Telegram and presses Start.
        site.Bot.SendStart(7001, "notified", link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        await Eventually.TrueAsync(async () =>
        {
            await page.GotoAsync("account/notifications");
            return await page.GetByTestId("notify-telegram-status").GetAttributeAsync("data-linked") == "true";
        }, "the page shows Telegram linked");
        await Expect(page.GetByTestId("notify-telegram-status")).ToContainTextAsync("@notified");

        await page.GetByTestId("notify-webhook-url").FillAsync(site.Receiver.Address("/member").ToString());
        await page.GetByTestId("notify-webhook-save").ClickAsync();
        var secret = (await page.GetByTestId("notify-webhook-secret").InnerTextAsync()).Trim();
        site.Receiver.KnowSecret("/member", secret);

        var row = await member.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        await Site.DeliverSmsAsync((await row.GetAttributeAsync("data-activation-id"))!, "Your Telegram code is 864209");
        await Expect(row.GetByTestId("activation-code")).ToHaveTextAsync("864209");
        await Eventually.TrueAsync(() => site.Bot.Sent.Any(m => m.ChatId == 7001 && m.Text.Contains("<code>864209</code>", StringComparison.Ordinal)),
            "the code reached Telegram");
        await Eventually.TrueAsync(() => site.Receiver.At("/member").Any(r => r.SignatureValid && r.Body["code"]?.GetValue<string>() == "864209"),
            "the code reached the webhook, signed");

        await page.GotoAsync("account/notifications");
        await Expect(page.GetByTestId("notify-delivery-row").First).ToHaveAttributeAsync("data-status", "204");
        await Expect(page.GetByTestId("notify-delivery-row").First).ToContainTextAsync("code.received");

        // Browser notifications: the button registers the service worker and asks the browser to subscribe. (This
        // machine's Chromium has no push service to reach, so it says it could not; a subscription's delivery is
        // tested against a push service stand-in.)
        await member.Context.GrantPermissionsAsync(["notifications"], new() { Origin = Site.BaseUrl.GetLeftPart(UriPartial.Authority) });
        await page.GetByTestId("notify-push-enable").ClickAsync();
        await Expect(page.Locator("[data-push-say]")).Not.ToBeEmptyAsync();
        var said = await page.Locator("[data-push-say]").InnerTextAsync();
        Assert.True(await page.EvaluateAsync<bool>("async () => !!(await navigator.serviceWorker.getRegistration())"), "the service worker is registered; the page said: " + said);
        Assert.Empty(member.PageErrors);
        await member.BlazorErrorBannerIsHiddenAsync();
    });
}
