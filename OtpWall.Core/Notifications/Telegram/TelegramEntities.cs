namespace OtpWall.Core.Notifications.Telegram;

/// <summary>The team's Telegram bot (one per instance): its token encrypted with the key ring, shown as the last four.</summary>
public sealed class TelegramBot
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public required string ProtectedToken { get; set; }

    public required string Last4 { get; set; }

    /// <summary>The bot's user name (without @), for the <c>t.me</c> links.</summary>
    public required string Username { get; set; }

    public DateTimeOffset SavedAt { get; set; }
}

/// <summary>A person's Telegram chat with the team's bot, and what they want there.</summary>
public sealed class TelegramLink
{
    public required string UserId { get; set; }

    public long ChatId { get; set; }

    /// <summary>How Telegram names them (@user name, or first name), for the page.</summary>
    public required string DisplayName { get; set; }

    /// <summary>The events sent there, as contract names separated by spaces.</summary>
    public required string Events { get; set; }

    public DateTimeOffset LinkedAt { get; set; }

    public bool Sends(string @event) => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(@event);
}

/// <summary>A one-time link code (its SHA-256), valid ten minutes: <c>t.me/‹bot›?start=‹code›</c>.</summary>
public sealed class TelegramLinkCode
{
    public required string CodeHash { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
