using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OtpWall.Tests.Support;

/// <summary>A message the bot sent (or edited) in a chat.</summary>
public sealed record BotMessage(long ChatId, int MessageId, string Text, string? ParseMode, JsonNode? Buttons, DateTimeOffset At);

/// <summary>
/// A local stand-in of Telegram's Bot API (<c>/bot‹token›/‹method›</c>, JSON in and out, as Telegram.Bot calls it): one
/// valid token, getMe, getUpdates (long polling over what the test has people send), sendMessage, editMessageText and
/// answerCallbackQuery, everything recorded.
/// </summary>
public sealed class BotApiStandIn : IAsyncDisposable
{
    public const string Token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
    public const string Username = "otpwall_team_bot";
    private readonly WebApplication _app;
    private readonly List<JsonObject> _updates = [];
    private readonly SemaphoreSlim _news = new(0);
    private int _nextUpdate = 1;
    private int _nextMessage = 100;

    private BotApiStandIn(WebApplication app, Uri root) => (_app, Root) = (app, root);

    public Uri Root { get; }

    public ConcurrentQueue<BotMessage> Sent { get; } = new();

    public ConcurrentQueue<BotMessage> Edited { get; } = new();

    public ConcurrentQueue<(string Id, string Text, bool Alert)> Answers { get; } = new();

    public static async Task<BotApiStandIn> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://localhost:{port}");
        var app = builder.Build();
        var bot = new BotApiStandIn(app, new Uri($"http://localhost:{port}/"));
        app.MapPost("/bot{token}/{method}", (Delegate)bot.HandleAsync);
        await app.StartAsync();
        return bot;
    }

    /// <summary>A person opens the deep link in Telegram: the bot gets <c>/start ‹code›</c> from their chat.</summary>
    public void SendStart(long chatId, string username, string code) => Push(new JsonObject
    {
        ["message"] = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _nextMessage),
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = username },
            ["from"] = new JsonObject { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = username, ["username"] = username },
            ["text"] = "/start " + code,
        },
    });

    /// <summary>The person presses an inline button under one of the bot's messages.</summary>
    public void Press(BotMessage message, string data) => Push(new JsonObject
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = "cb" + Interlocked.Increment(ref _nextMessage),
            ["from"] = new JsonObject { ["id"] = message.ChatId, ["is_bot"] = false, ["first_name"] = "someone" },
            ["chat_instance"] = "ci" + message.ChatId,
            ["data"] = data,
            ["message"] = new JsonObject
            {
                ["message_id"] = message.MessageId,
                ["date"] = message.At.ToUnixTimeSeconds(),
                ["chat"] = new JsonObject { ["id"] = message.ChatId, ["type"] = "private" },
                ["text"] = message.Text,
            },
        },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _news.Dispose();
    }

    private void Push(JsonObject update)
    {
        lock (_updates)
        {
            update["update_id"] = _nextUpdate++;
            _updates.Add(update);
        }
        _news.Release();
    }

    private async Task<IResult> HandleAsync(HttpContext context, string token, string method)
    {
        if (token != Token) return Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 401, ["description"] = "Unauthorized" }, statusCode: 401);
        var body = context.Request.ContentLength is > 0 || context.Request.HasJsonContentType()
            ? (await JsonNode.ParseAsync(context.Request.Body))?.AsObject() ?? [] : [];
        JsonNode? result = method.ToLowerInvariant() switch
        {
            "getme" => new JsonObject { ["id"] = 123456789, ["is_bot"] = true, ["first_name"] = "Team bot", ["username"] = Username },
            "deletewebhook" => true,
            "getupdates" => await UpdatesAsync(body, context.RequestAborted),
            "sendmessage" => Record(Sent, body, Interlocked.Increment(ref _nextMessage)),
            "editmessagetext" => Record(Edited, body, body["message_id"]!.GetValue<int>()),
            "answercallbackquery" => Answer(body),
            _ => null,
        };
        return result is null
            ? Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = 404, ["description"] = "Not Found" }, statusCode: 404)
            : Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });
    }

    private async Task<JsonArray> UpdatesAsync(JsonObject body, CancellationToken aborted)
    {
        var offset = body["offset"]?.GetValue<int>() ?? 0;
        var wait = TimeSpan.FromSeconds(Math.Min(body["timeout"]?.GetValue<int>() ?? 0, 2));
        var until = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            lock (_updates)
            {
                var waiting = _updates.Where(u => u["update_id"]!.GetValue<int>() >= offset).Select(u => u.DeepClone()).ToArray();
                if (waiting.Length > 0 || DateTimeOffset.UtcNow >= until) return [.. waiting];
            }
            try
            {
                await _news.WaitAsync(TimeSpan.FromMilliseconds(100), aborted);
            }
            catch (OperationCanceledException)
            {
                return [];
            }
        }
    }

    private static JsonObject Record(ConcurrentQueue<BotMessage> into, JsonObject body, int messageId)
    {
        var chatId = body["chat_id"]!.GetValue<long>();
        var text = body["text"]!.GetValue<string>();
        into.Enqueue(new BotMessage(chatId, messageId, text, body["parse_mode"]?.GetValue<string>(), body["reply_markup"]?.DeepClone(), DateTimeOffset.UtcNow));
        return new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
            ["text"] = text,
        };
    }

    private JsonNode Answer(JsonObject body)
    {
        Answers.Enqueue((body["callback_query_id"]!.GetValue<string>(), body["text"]?.GetValue<string>() ?? "", body["show_alert"]?.GetValue<bool>() ?? false));
        return true;
    }
}
