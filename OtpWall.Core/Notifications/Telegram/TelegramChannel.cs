using System.Net;
using System.Text.Json.Nodes;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;
using global::Telegram.Bot.Types.Enums;
using global::Telegram.Bot.Types.ReplyMarkups;

namespace OtpWall.Core.Notifications.Telegram;

/// <summary>Why a Telegram message was not sent; <paramref name="Permanent"/>: retrying cannot help (the chat blocked the bot).</summary>
public sealed record TelegramFailure(string Why, bool Permanent);

/// <summary>Sends an outbox message as the team's bot: a code in monospace (tap to copy) with Complete and Cancel buttons.</summary>
public sealed class TelegramChannel(TelegramService telegram, TelegramBotClients clients)
{
    public async Task<TelegramFailure?> SendAsync(OutboxMessage message)
    {
        if (message.ChatId is not { } chatId) return new TelegramFailure("no chat", true);
        var token = await telegram.BotTokenAsync();
        if (token is null) return new TelegramFailure("no bot", true);
        var (text, buttons) = Render(message);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await clients.For(token).SendMessage(chatId, text, ParseMode.Html, replyMarkup: buttons, cancellationToken: timeout.Token);
            return null;
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 400 or 403)
        {
            return new TelegramFailure($"Telegram refused it ({ex.ErrorCode})", true); // blocked, chat gone
        }
        catch (ApiRequestException ex)
        {
            return new TelegramFailure($"Telegram answered {ex.ErrorCode}", false);
        }
        catch (Exception ex) when (ex is HttpRequestException or RequestException or OperationCanceledException)
        {
            return new TelegramFailure("Telegram could not be reached", false);
        }
    }

    /// <summary>The message's text (Telegram's HTML) and its buttons.</summary>
    public static (string Text, InlineKeyboardMarkup? Buttons) Render(OutboxMessage message)
    {
        var body = JsonNode.Parse(message.Payload)!.AsObject();
        var activation = body["activation"]?.AsObject();
        var service = WebUtility.HtmlEncode(activation?["service_name"]?.GetValue<string>() ?? "");
        var last = WebUtility.HtmlEncode(activation?["number_last_digits"]?.GetValue<string>() ?? "");
        var id = activation?["id"]?.GetValue<string>();
        return message.Event switch
        {
            NotificationEvents.CodeReceived => (
                $"🔑 <b>{service}</b> code for the number ending {last}:\n<code>{WebUtility.HtmlEncode(body["code"]?.GetValue<string>() ?? "")}</code>",
                id is null ? null : new InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton.WithCallbackData("Complete", TelegramUpdates.CompletePrefix + id),
                     InlineKeyboardButton.WithCallbackData("Cancel", TelegramUpdates.CancelPrefix + id)],
                ])),
            NotificationEvents.NumberExpired => ($"⌛ The <b>{service}</b> number ending {last} ended without an SMS: refunded.", null),
            NotificationEvents.Test => ("A test message from the OTPWALL dashboard.", null),
            _ => ($"⚠️ {WebUtility.HtmlEncode(body["text"]?.GetValue<string>() ?? message.Event)}", null),
        };
    }
}
