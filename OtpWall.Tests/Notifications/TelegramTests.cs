using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.Notifications;
using OtpWall.Core.Notifications.Telegram;
using OtpWall.Tests.Api;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Notifications;

/// <summary>
/// The team's Telegram bot against a local stand-in of the Bot API: the administrator's token checked and kept
/// encrypted, a person's one-time link, a code delivered with Complete / Cancel buttons that act as the page does, for
/// the chat's own person only, and unlinking.
/// </summary>
public sealed partial class TelegramTests
{
    [Fact]
    public async Task AWrongBotToken_IsRefusedWithASentence_AndTheRightOneIsKeptEncrypted()
    {
        await using var bot = await BotApiStandIn.StartAsync();
        await using var host = new DashboardHost(settings: Settings(bot));
        var (_, adminId) = await host.RegisterAdministratorAsync();
        var telegram = host.Services.GetRequiredService<TelegramService>();

        var (_, shape) = await telegram.SaveBotAsync(adminId, "not a token");
        Assert.Contains("not a bot token", shape!.Message, StringComparison.Ordinal);
        var (_, refused) = await telegram.SaveBotAsync(adminId, "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9");
        Assert.Contains("Telegram refused this bot token", refused!.Message, StringComparison.Ordinal);
        Assert.Null(await telegram.GetBotAsync());

        var (saved, none) = await telegram.SaveBotAsync(adminId, BotApiStandIn.Token);
        Assert.Null(none);
        Assert.Equal(BotApiStandIn.Username, saved!.Username);
        Assert.Equal(BotApiStandIn.Token[^4..], saved.Last4);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var stored = await db.TelegramBots.SingleAsync();
        Assert.DoesNotContain(BotApiStandIn.Token.Split(':')[1], stored.ProtectedToken, StringComparison.Ordinal);
        Assert.DoesNotContain(BotApiStandIn.Token.Split(':')[1], string.Join("\n", host.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonLinksTheirChat_GetsTheCodeWithButtons_AndCompletesItFromTelegram()
    {
        await using var bot = await BotApiStandIn.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: Settings(bot)));
        await using var _ = team;
        Assert.Null((await team.Host.Services.GetRequiredService<TelegramService>().SaveBotAsync(team.AdminId, BotApiStandIn.Token)).Refusal);
        var ana = await team.PersonAsync();

        await LinkAsync(bot, ana.Session, chatId: 5001, "ana");
        var page = await ana.Session.GetPageAsync("/account/notifications");
        Assert.Contains("data-linked=\"true\"", page, StringComparison.Ordinal);
        Assert.Contains("@ana", page, StringComparison.Ordinal);

        using var api = await team.ClientAsync(ana.Id);
        var bought = await api.BuyAsync();
        var id = bought.Body!["activation_id"]!.GetValue<string>();
        team.Sandbox.DeliverSms(team.Host.Services.GetUpstreamIdOf(ana.Id), "Your Telegram code is 246810");
        var message = await Eventually.ValueAsync(() => Task.FromResult(bot.Sent.FirstOrDefault(m => m.ChatId == 5001 && m.Text.Contains("246810"))),
            "the code reached Telegram");
        Assert.Equal("HTML", message.ParseMode, ignoreCase: true);
        Assert.Contains("<code>246810</code>", message.Text, StringComparison.Ordinal);
        Assert.Contains(bought.Body["number"]!.GetValue<string>()[^4..], message.Text, StringComparison.Ordinal);
        var buttons = message.Buttons!.ToJsonString();
        Assert.Contains("\"Complete\"", buttons, StringComparison.Ordinal);
        Assert.Contains("\"Cancel\"", buttons, StringComparison.Ordinal);

        bot.Press(message, TelegramUpdates.CompletePrefix + id);
        await Eventually.TrueAsync(async () => await StatusAsync(team.Host, Guid.Parse(id)) == ActivationStatus.Completed, "completed from Telegram");
        await Eventually.TrueAsync(() => bot.Edited.Any(e => e.MessageId == message.MessageId && e.Text.Contains("Completed", StringComparison.Ordinal)),
            "the message says it is completed");
        await using var db = await team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.Complete && e.ActorId == ana.Id));
    }

    [Fact]
    public async Task AButtonForSomeoneElsesNumber_ChangesNothing_AndALinkWorksOnce()
    {
        await using var bot = await BotApiStandIn.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: Settings(bot)));
        await using var _ = team;
        Assert.Null((await team.Host.Services.GetRequiredService<TelegramService>().SaveBotAsync(team.AdminId, BotApiStandIn.Token)).Refusal);
        var ana = await team.PersonAsync();
        var ben = await team.PersonAsync();
        var code = await LinkAsync(bot, ana.Session, chatId: 6001, "ana");

        // The same link again, from another chat: used already.
        bot.SendStart(6666, "mallory", code);
        await Eventually.TrueAsync(() => bot.Sent.Any(m => m.ChatId == 6666 && m.Text.Contains("expired or was used", StringComparison.Ordinal)), "the reused link is refused");

        // Ana's chat presses Complete on Ben's number (a forged button): nothing happens to it.
        using var benApi = await team.ClientAsync(ben.Id);
        var bens = Guid.Parse((await benApi.BuyAsync()).Body!["activation_id"]!.GetValue<string>());
        var forged = new BotMessage(6001, 4242, "forged", null, null, DateTimeOffset.UtcNow);
        bot.Press(forged, TelegramUpdates.CompletePrefix + bens);
        await Eventually.TrueAsync(() => bot.Answers.Any(a => a.Alert), "the press is answered with an alert");
        Assert.Equal(ActivationStatus.Waiting, await StatusAsync(team.Host, bens));

        // Unlinked, the chat is told and gets nothing more.
        using (await ana.Session.SubmitAsync("/account/notifications", "telegram-events", new Dictionary<string, string> { ["TelegramAction"] = "unlink" })) { }
        await Eventually.TrueAsync(() => bot.Sent.Any(m => m.ChatId == 6001 && m.Text.Contains("no longer linked", StringComparison.Ordinal)), "the chat is told");
        Assert.Null(await team.Host.Services.GetRequiredService<TelegramService>().GetLinkAsync(ana.Id));
    }

    [Fact]
    public async Task ALinkExpiresAfterTenMinutes()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await BotApiStandIn.StartAsync();
        await using var host = new DashboardHost(settings: Settings(bot)) { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        var (_, adminId) = await host.RegisterAdministratorAsync();
        var telegram = host.Services.GetRequiredService<TelegramService>();
        Assert.Null((await telegram.SaveBotAsync(adminId, BotApiStandIn.Token)).Refusal);

        var (late, _) = await telegram.StartLinkAsync(adminId);
        var (inTime, _) = await telegram.StartLinkAsync(adminId);
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.True(await telegram.CompleteLinkAsync(CodeOf(inTime!.Link), 8001, "@in_time"));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(await telegram.CompleteLinkAsync(CodeOf(late!.Link), 8002, "@late"));
        Assert.Equal("@in_time", (await telegram.GetLinkAsync(adminId))!.DisplayName);
    }

    private static string CodeOf(Uri link) => link.Query[(link.Query.IndexOf('=', StringComparison.Ordinal) + 1)..];

    /// <summary>The person presses "Link Telegram" on their page and opens the link in Telegram; answers the link's code.</summary>
    private static async Task<string> LinkAsync(BotApiStandIn bot, BrowserlessSession session, long chatId, string username)
    {
        using var started = await session.SubmitAsync("/account/notifications", "telegram-events", new Dictionary<string, string> { ["TelegramAction"] = "link" });
        var page = await started.Content.ReadAsStringAsync();
        var link = DeepLink().Match(page);
        Assert.True(link.Success, "no t.me link on the page");
        Assert.Equal(BotApiStandIn.Username, link.Groups[1].Value);
        bot.SendStart(chatId, username, link.Groups[2].Value);
        await Eventually.TrueAsync(() => bot.Sent.Any(m => m.ChatId == chatId && m.Text.StartsWith("Linked", StringComparison.Ordinal)), "the bot says the chat is linked");
        return link.Groups[2].Value;
    }

    private static async Task<ActivationStatus> StatusAsync(DashboardHost host, Guid id)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.Where(a => a.Id == id).Select(a => a.Status).SingleAsync();
    }

    internal static Dictionary<string, string?> Settings(BotApiStandIn bot) => new()
    {
        ["OtpWall:Telegram:BaseAddress"] = bot.Root.ToString().TrimEnd('/'),
        ["OtpWall:Telegram:PollTimeoutSeconds"] = "1",
    };

    [GeneratedRegex("href=\"https://t.me/([A-Za-z0-9_]+)\\?start=([A-Za-z0-9]+)\"")]
    private static partial Regex DeepLink();
}
