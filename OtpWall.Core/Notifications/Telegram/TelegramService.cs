using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using global::Telegram.Bot;
using global::Telegram.Bot.Exceptions;

namespace OtpWall.Core.Notifications.Telegram;

/// <summary>Bound from <c>OtpWall:Telegram</c>.</summary>
public sealed class TelegramOptions
{
    public const string SectionName = "OtpWall:Telegram";

    /// <summary>The Bot API's address (a local Bot API server, or a stand-in in tests).</summary>
    public string BaseAddress { get; set; } = "https://api.telegram.org";

    /// <summary>How long one getUpdates call waits for news.</summary>
    public int PollTimeoutSeconds { get; set; } = 25;
}

/// <summary>The team's bot as administrators see it (never the token).</summary>
public sealed record TelegramBotSummary(string Username, string Last4, DateTimeOffset SavedAt);

/// <summary>A person's linked chat as their page shows it.</summary>
public sealed record TelegramLinkSummary(string DisplayName, IReadOnlySet<string> Events, DateTimeOffset LinkedAt);

/// <summary>A one-time link to give the bot, valid until <paramref name="ExpiresAt"/>.</summary>
public sealed record TelegramLinkStart(Uri Link, DateTimeOffset ExpiresAt);

/// <summary>
/// The team's Telegram bot (an administrator saves its token, checked with Telegram and kept encrypted) and each
/// person's link to it: a one-time deep link, valid ten minutes, that the person opens in Telegram.
/// </summary>
public sealed class TelegramService(
    IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection, TelegramBotClients clients, AuditLog audit,
    TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _botSaved = new(0, 1);

    public void Dispose() => _botSaved.Dispose();

    /// <summary>Waits until a bot is saved here, or at most <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForBotAsync(TimeSpan timeout, CancellationToken cancellationToken) => _botSaved.WaitAsync(timeout, cancellationToken);

    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(10);
    private const string Purpose = "OtpWall.Telegram.BotToken.v1";

    public async Task<TelegramBotSummary?> GetBotAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var bot = await db.TelegramBots.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        return bot is null ? null : new TelegramBotSummary(bot.Username, bot.Last4, bot.SavedAt);
    }

    /// <summary>The bot's token, decrypted, for the sender and the updates receiver (null: none, or unreadable).</summary>
    public async Task<string?> BotTokenAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var bot = await db.TelegramBots.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (bot is null) return null;
        try
        {
            return protection.CreateProtector(Purpose).Unprotect(bot.ProtectedToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Saves the team's bot token after Telegram accepts it (getMe); refused with why otherwise.</summary>
    public async Task<Outcome<TelegramBotSummary>> SaveBotAsync(string actingUserId, string? token, CancellationToken cancellationToken = default)
    {
        await using (var check = await databases.CreateDbContextAsync(cancellationToken))
            await Administrators.EnsureAsync(check, actingUserId, cancellationToken);
        token = token?.Trim();
        if (string.IsNullOrEmpty(token) || token.Length > 100 || !System.Text.RegularExpressions.Regex.IsMatch(token, "^[0-9]{5,15}:[A-Za-z0-9_-]{30,}$"))
            return Outcome.Refused<TelegramBotSummary>("That is not a bot token: BotFather gives one like 123456789:AAE… (digits, a colon, then letters).");
        string username;
        try
        {
            var me = await clients.For(token).GetMe(cancellationToken);
            username = me.Username ?? "";
            if (username.Length == 0) return Outcome.Refused<TelegramBotSummary>("Telegram says this token is not a bot's.");
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 401 or 404)
        {
            return Outcome.Refused<TelegramBotSummary>("Telegram refused this bot token: check it with BotFather (/token) and paste it again.");
        }
        catch (Exception ex) when (ex is HttpRequestException or RequestException or TaskCanceledException)
        {
            return Outcome.Refused<TelegramBotSummary>("Telegram cannot be reached right now, so the token could not be checked. Try again in a minute.");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var bot = await db.TelegramBots.SingleOrDefaultAsync(cancellationToken);
        var replaced = bot is not null;
        bot ??= db.TelegramBots.Add(new TelegramBot { ProtectedToken = "", Last4 = "", Username = "" }).Entity;
        bot.ProtectedToken = protection.CreateProtector(Purpose).Protect(token);
        bot.Last4 = token[^4..];
        bot.Username = username;
        bot.SavedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TelegramBotSaved, actingUserId,
            $"{(replaced ? "Replaced" : "Saved")} the team's Telegram bot @{username} (token ending in {bot.Last4}).", cancellationToken: cancellationToken);
        clients.Forget();
        try
        {
            _botSaved.Release(); // the updates reader starts at once
        }
        catch (SemaphoreFullException)
        {
            // woken already
        }
        return Outcome.Done(new TelegramBotSummary(username, bot.Last4, bot.SavedAt));
    }

    public async Task RemoveBotAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        if (await db.TelegramBots.ExecuteDeleteAsync(cancellationToken) == 0) return;
        await db.TelegramLinks.ExecuteDeleteAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TelegramBotSaved, actingUserId, "Removed the team's Telegram bot: every person's link ended.", cancellationToken: cancellationToken);
        clients.Forget();
    }

    public async Task<TelegramLinkSummary?> GetLinkAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var link = await db.TelegramLinks.AsNoTracking().SingleOrDefaultAsync(l => l.UserId == userId, cancellationToken);
        return link is null ? null : new TelegramLinkSummary(link.DisplayName, link.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), link.LinkedAt);
    }

    /// <summary>A one-time link for the person, valid ten minutes.</summary>
    public async Task<Outcome<TelegramLinkStart>> StartLinkAsync(string userId, CancellationToken cancellationToken = default)
    {
        var bot = await GetBotAsync(cancellationToken);
        if (bot is null) return Outcome.Refused<TelegramLinkStart>("Telegram is not set up here: an administrator adds the team's bot on Team.");
        var code = Base62(RandomNumberGenerator.GetBytes(24));
        var expires = time.GetUtcNow() + LinkLifetime;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // Earlier links of the person stay good until they expire (a reload of the page makes another); expired ones go.
        var now = time.GetUtcNow();
        await db.TelegramLinkCodes.Where(c => c.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        db.TelegramLinkCodes.Add(new TelegramLinkCode { CodeHash = Hash(code), UserId = userId, ExpiresAt = expires });
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Done(new TelegramLinkStart(new Uri($"https://t.me/{bot.Username}?start={code}"), expires));
    }

    /// <summary>The bot got <c>/start ‹code›</c> from a chat: links it to the code's person (false: no such code, or expired).</summary>
    public async Task<bool> CompleteLinkAsync(string code, long chatId, string displayName, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hash = Hash(code);
        var found = await db.TelegramLinkCodes.SingleOrDefaultAsync(c => c.CodeHash == hash, cancellationToken);
        if (found is null) return false;
        db.TelegramLinkCodes.Remove(found);
        if (found.ExpiresAt <= now)
        {
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
        // One chat, one person: a chat linked before to someone else is theirs no more.
        await db.TelegramLinks.Where(l => l.ChatId == chatId || l.UserId == found.UserId).ExecuteDeleteAsync(cancellationToken);
        db.TelegramLinks.Add(new TelegramLink
        {
            UserId = found.UserId, ChatId = chatId, DisplayName = displayName, Events = NotificationEvents.CodeReceived, LinkedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TelegramLinked, found.UserId, $"Linked Telegram ({displayName}).", cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>Unlinks the person's chat; the bot says so there.</summary>
    public async Task UnlinkAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var link = await db.TelegramLinks.SingleOrDefaultAsync(l => l.UserId == userId, cancellationToken);
        if (link is null) return;
        db.TelegramLinks.Remove(link);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TelegramUnlinked, userId, $"Unlinked Telegram ({link.DisplayName}).", cancellationToken: cancellationToken);
        if (await BotTokenAsync(cancellationToken) is { } token)
        {
            try
            {
                await clients.For(token).SendMessage(link.ChatId, "This chat is no longer linked to the OTPWALL dashboard: no more codes here.",
                    cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or RequestException or TaskCanceledException)
            {
                // unlinked all the same; the chat just is not told
            }
        }
    }

    /// <summary>Which events go to the person's Telegram.</summary>
    public async Task<Refusal?> SetEventsAsync(string userId, IEnumerable<string> events, CancellationToken cancellationToken = default)
    {
        var chosen = string.Join(' ', events.Where(e => NotificationEvents.Choosable.Any(c => c.Event == e)).Distinct());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var changed = await db.TelegramLinks.Where(l => l.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Events, chosen), cancellationToken);
        return changed == 0 ? new Refusal("Link Telegram first.") : null;
    }

    /// <summary>Whose chat this is (null: not linked).</summary>
    public async Task<string?> UserOfChatAsync(long chatId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.TelegramLinks.Where(l => l.ChatId == chatId).Select(l => l.UserId).SingleOrDefaultAsync(cancellationToken);
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    private static string Base62(byte[] bytes)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder();
        foreach (var b in bytes) text.Append(Alphabet[b % 62]);
        return text.ToString();
    }
}

/// <summary>One Telegram client per bot token, over the shared HTTP handler, at the configured Bot API address.</summary>
public sealed class TelegramBotClients(IHttpClientFactory http, IOptions<TelegramOptions> options)
{
    public const string HttpClientName = "otpwall-telegram";
    private (string Token, ITelegramBotClient Client)? _current;

    public ITelegramBotClient For(string token)
    {
        if (_current is { } current && current.Token == token) return current.Client;
        var client = new TelegramBotClient(new TelegramBotClientOptions(token, options.Value.BaseAddress), http.CreateClient(HttpClientName));
        _current = (token, client);
        return client;
    }

    public void Forget() => _current = null;
}
