using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Activations;
using OtpWall.Core.Data;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types;
using global::Telegram.Bot.Types.Enums;

namespace OtpWall.Core.Notifications.Telegram;

/// <summary>
/// Reads what people send the team's bot (long polling, one replica at a time: Telegram allows one reader): a
/// <c>/start ‹code›</c> links their chat, and the Complete / Cancel buttons under a code act on the activation through
/// <see cref="ActivationService"/>, with the same rules and audit as the page, for the chat's own person only.
/// </summary>
public sealed partial class TelegramUpdates(
    IServiceProvider services,
    DatabaseGates gates,
    DatabaseReadiness readiness,
    IOptions<TelegramOptions> options,
    ILogger<TelegramUpdates> logger) : BackgroundService
{
    // Resolved after the start (Telegram's client is loaded only then).
    private TelegramService telegram = null!;
    private TelegramBotClients clients = null!;
    private ActivationService activations = null!;

    public const string CompletePrefix = "complete:";
    public const string CancelPrefix = "cancel:";
    private const string Gate = "telegram-updates";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.Ready.WaitAsync(stoppingToken);
        await Task.Delay(TimeSpan.FromSeconds(3), stoppingToken); // the first pages after a start come first
        (telegram, clients, activations) = (services.GetRequiredService<TelegramService>(), services.GetRequiredService<TelegramBotClients>(),
            services.GetRequiredService<ActivationService>());
        int? offset = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var token = await telegram.BotTokenAsync(stoppingToken);
            if (token is null)
            {
                // No bot yet: woken when one is saved here; one saved on another replica is found within 30 s.
                await telegram.WaitForBotAsync(TimeSpan.FromSeconds(30), stoppingToken);
                continue;
            }
            await using var gate = await gates.TryEnterAsync(Gate, stoppingToken);
            if (gate is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken); // another replica reads the bot
                continue;
            }
            try
            {
                var bot = clients.For(token);
                var updates = await bot.GetUpdates(offset, 100, options.Value.PollTimeoutSeconds, [UpdateType.Message, UpdateType.CallbackQuery], stoppingToken);
                foreach (var update in updates)
                {
                    offset = update.Id + 1;
                    await HandleAsync(bot, update, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ApiRequestException ex)
            {
                LogBotRefused(logger, ex.ErrorCode);
                await Task.Delay(TimeSpan.FromSeconds(ex.ErrorCode == 401 ? 30 : 5), stoppingToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or RequestException or TaskCanceledException)
            {
                LogUnreachable(logger, ex.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    private async Task HandleAsync(ITelegramBotClient bot, Update update, CancellationToken cancellationToken)
    {
        try
        {
            if (update.Message is { Text: { } text, Chat: { } chat } && text.StartsWith("/start", StringComparison.Ordinal))
                await LinkAsync(bot, chat, update.Message.From, text, cancellationToken);
            else if (update.CallbackQuery is { Data: { } data, Message: { } message } query)
                await ActAsync(bot, query, message, data, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUpdateFailed(logger, ex.GetType().Name);
        }
    }

    private async Task LinkAsync(ITelegramBotClient bot, Chat chat, User? from, string text, CancellationToken cancellationToken)
    {
        var code = text.Length > "/start ".Length ? text["/start ".Length..].Trim() : "";
        var name = from?.Username is { Length: > 0 } username ? "@" + username : from?.FirstName ?? chat.FirstName ?? "a Telegram chat";
        var linked = code.Length > 0 && await telegram.CompleteLinkAsync(code, chat.Id, name, cancellationToken);
        await bot.SendMessage(chat.Id, linked
            ? "Linked to the OTPWALL dashboard: codes you choose on its Notifications page arrive here, with buttons to complete or cancel."
            : "This link has expired or was used already. Make a new one on the dashboard: Account & security › Notifications.",
            cancellationToken: cancellationToken);
    }

    private async Task ActAsync(ITelegramBotClient bot, CallbackQuery query, Message message, string data, CancellationToken cancellationToken)
    {
        var complete = data.StartsWith(CompletePrefix, StringComparison.Ordinal);
        var idText = complete ? data[CompletePrefix.Length..] : data.StartsWith(CancelPrefix, StringComparison.Ordinal) ? data[CancelPrefix.Length..] : null;
        var userId = await telegram.UserOfChatAsync(message.Chat.Id, cancellationToken);
        if (userId is null || !Guid.TryParse(idText, out var activationId))
        {
            await bot.AnswerCallbackQuery(query.Id, "This chat is not linked to the dashboard any more.", showAlert: true, cancellationToken: cancellationToken);
            return;
        }
        // The chat's person only: someone else's activation id is "not found", as on the page.
        var result = complete
            ? await activations.CompleteAsync(userId, activationId, cancellationToken)
            : await activations.CancelAsync(userId, activationId, cancellationToken);
        await bot.AnswerCallbackQuery(query.Id, Shorten(result.Message), showAlert: !result.Confirmed, cancellationToken: cancellationToken);
        if (result.Confirmed)
            await bot.EditMessageText(message.Chat.Id, message.MessageId, $"{message.Text}\n\n{(complete ? "✅ Completed" : "✖️ Cancelled")}.",
                cancellationToken: cancellationToken);
    }

    private static string Shorten(string text) => text.Length <= 190 ? text : text[..187] + "…";

    [LoggerMessage(LogLevel.Warning, "Telegram refused the team bot's request ({Code}); check the bot token on Team")]
    private static partial void LogBotRefused(ILogger logger, int code);

    [LoggerMessage(LogLevel.Warning, "Telegram could not be reached ({Failure}); trying again")]
    private static partial void LogUnreachable(ILogger logger, string failure);

    [LoggerMessage(LogLevel.Warning, "A Telegram update could not be handled ({Failure})")]
    private static partial void LogUpdateFailed(ILogger logger, string failure);
}
