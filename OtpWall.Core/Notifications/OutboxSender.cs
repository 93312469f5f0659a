using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.Diagnostics;

namespace OtpWall.Core.Notifications;

/// <summary>
/// Delivers the outbox, one dispatcher for every channel: to webhooks a signed JSON POST per message, to Telegram a
/// message from the team's bot (a code with Complete / Cancel buttons); each retried with growing waits (1 s … 1 h, 8 tries),
/// each attempt in the webhook's delivery log. A message is leased before it is sent, so two processes never send it
/// at once; a stop lets the deliveries under way finish and be recorded. A webhook whose deliveries have all failed for
/// a day is paused and its owner told.
/// </summary>
public sealed partial class OutboxSender(
    IDbContextFactory<OtpWallDbContext> databases,
    NotificationOutbox outbox,
    IHttpClientFactory http,
    WebhookSecrets secrets,
    AuditLog audit,
    OtpWallMetrics metrics,
    DatabaseReadiness readiness,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    IServiceProvider services,
    ILogger<OutboxSender> logger) : BackgroundService
{
    public const string HttpClientName = "otpwall-webhooks";
    public const string SignatureHeader = "X-OtpWall-Signature";
    public const string TimestampHeader = "X-OtpWall-Timestamp";
    public const string DeliveryHeader = "X-OtpWall-Delivery";
    public const string EventHeader = "X-OtpWall-Event";
    private DateTimeOffset _pruned;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.Ready.WaitAsync(stoppingToken);
        // The first pages after a start come first: what waited through a restart goes a few seconds later (at once
        // when something new is staged).
        try
        {
            await outbox.WaitAsync(TimeSpan.FromSeconds(3), stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(stoppingToken);
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoundFailed(logger, ex.GetType().Name);
            }
            // Woken when something is staged here; otherwise looks again each second (retries, other replicas' messages).
            try
            {
                await outbox.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends every message that is due, four at a time.</summary>
    public async Task DeliverDueAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            List<long> due;
            await using (var db = await databases.CreateDbContextAsync(stoppingToken))
            {
                due = await db.OutboxMessages
                    .Where(m => m.DeliveredAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now && (m.LeasedUntil == null || m.LeasedUntil < now) &&
                        (m.Channel != Channels.Webhook || db.Webhooks.Any(w => w.Id == m.WebhookId && w.PausedAt == null)))
                    .OrderBy(m => m.Id).Select(m => m.Id).Take(16).ToListAsync(stoppingToken);
            }
            if (due.Count == 0) return;
            // Deliveries under way finish even when the dashboard stops: what a receiver got is then recorded as sent.
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, _) => await DeliverAsync(id));
        }
    }

    private async Task DeliverAsync(long id)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(CancellationToken.None);
        var lease = now + options.Value.DeliveryTimeout + TimeSpan.FromSeconds(30);
        var leased = await db.OutboxMessages.Where(m => m.Id == id && m.DeliveredAt == null && m.GaveUpAt == null && (m.LeasedUntil == null || m.LeasedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeasedUntil, lease));
        if (leased != 1) return; // another process has it
        var message = await db.OutboxMessages.SingleAsync(m => m.Id == id);
        Webhook? hook = null;
        string? error;
        var permanent = false;
        var sentAt = time.GetUtcNow();
        switch (message.Channel)
        {
            case Channels.Webhook:
                hook = await db.Webhooks.SingleOrDefaultAsync(w => w.Id == message.WebhookId);
                (error, permanent) = hook is null ? ("the webhook was removed", true) : (await AttemptWebhookAsync(db, hook, message, sentAt), false);
                break;
            case Channels.Telegram:
                // Resolved when first needed: a start loads neither Telegram's client nor Web Push's.
                var failure = await services.GetRequiredService<Telegram.TelegramChannel>().SendAsync(message);
                (error, permanent) = (failure?.Why, failure?.Permanent ?? false);
                break;
            default:
                (error, permanent) = await services.GetRequiredService<Push.PushChannel>().SendAsync(message);
                break;
        }
        var done = time.GetUtcNow();
        Settle(message, error, permanent, done);
        var pausedNote = hook is null ? null : FollowWebhook(hook, error is null, sentAt, done);
        await db.SaveChangesAsync();
        if (hook is null) return;
        await KeepLastDeliveriesAsync(db, hook.Id);
        if (pausedNote is not null) await audit.RecordAsync(AuditActions.WebhookPaused, null, pausedNote, hook.UserId);
    }

    /// <summary>One POST to the webhook, written to its delivery log; answers what went wrong (null: delivered).</summary>
    private async Task<string?> AttemptWebhookAsync(OtpWallDbContext db, Webhook hook, OutboxMessage message, DateTimeOffset sentAt)
    {
        var (status, error, elapsed) = await SendAsync(hook, message, NotificationOutbox.BodyAt(message, sentAt), sentAt);
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            WebhookId = hook.Id, DeliveryId = message.DeliveryId, Event = message.Event, Attempt = message.Attempts + 1, At = sentAt,
            StatusCode = status, DurationMs = (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds), Error = error,
        });
        return status is >= 200 and < 300 ? null : error ?? "failed";
    }

    // Every channel: delivered, tried again after the next wait, or given up (8 tries, or a refusal retrying cannot mend).
    private void Settle(OutboxMessage message, string? error, bool permanent, DateTimeOffset done)
    {
        message.Attempts++;
        message.LeasedUntil = null;
        if (error is null)
        {
            message.DeliveredAt = done;
            metrics.Notification(message.Channel, "delivered");
            metrics.NotificationDelivered(message.Channel, done - message.CreatedAt);
        }
        else if (permanent || message.Attempts >= NotificationOptions.RetryDelays.Count + 1)
        {
            message.GaveUpAt = done;
            metrics.Notification(message.Channel, "gave_up");
            LogGaveUp(logger, message.Channel, error);
        }
        else
        {
            message.NextAttemptAt = done + NotificationOptions.RetryDelays[message.Attempts - 1];
            metrics.Notification(message.Channel, "failed");
        }
    }

    // A webhook failing for a day is paused; answers the sentence its owner is told then.
    private string? FollowWebhook(Webhook hook, bool delivered, DateTimeOffset sentAt, DateTimeOffset done)
    {
        if (delivered)
        {
            hook.FailingSince = null;
            return null;
        }
        hook.FailingSince ??= sentAt;
        if (hook.PausedAt is not null || done - hook.FailingSince < options.Value.PauseAfterFailingFor) return null;
        hook.PausedAt = done;
        metrics.Notification(Channels.Webhook, "paused");
        return $"Paused the webhook to {HostOf(hook.Url)}: every delivery has failed since {hook.FailingSince:yyyy-MM-dd HH:mm} UTC. Saving it again resumes it.";
    }

    private async Task<(int? Status, string? Error, TimeSpan Elapsed)> SendAsync(Webhook hook, OutboxMessage message, string body, DateTimeOffset sentAt)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var secret = secrets.Unprotect(hook);
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(SignatureHeader, Sign(secret, body));
            request.Headers.Add(TimestampHeader, sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(DeliveryHeader, message.DeliveryId.ToString());
            request.Headers.Add(EventHeader, message.Event);
            using var timeout = new CancellationTokenSource(options.Value.DeliveryTimeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and < 300 ? null : $"answered {status}", Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            return (null, "no answer in time", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the address cannot be found",
                HttpRequestError.ConnectionError => ex.Message.Contains("private network", StringComparison.Ordinal) ? "refused: a private address" : "could not connect",
                HttpRequestError.SecureConnectionError => "its TLS certificate was refused",
                _ => "could not connect",
            }, Stopwatch.GetElapsedTime(started));
        }
        catch (CryptographicException)
        {
            return (null, "its secret could not be read (the key ring changed): save the webhook again", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of the body under the webhook's secret.</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static async Task KeepLastDeliveriesAsync(OtpWallDbContext db, Guid webhookId)
    {
        var oldestKept = await db.WebhookDeliveries.Where(d => d.WebhookId == webhookId).OrderByDescending(d => d.Id)
            .Skip(WebhookDelivery.Kept - 1).Select(d => (long?)d.Id).FirstOrDefaultAsync();
        if (oldestKept is { } keep) await db.WebhookDeliveries.Where(d => d.WebhookId == webhookId && d.Id < keep).ExecuteDeleteAsync();
    }

    // Delivered and abandoned messages (they hold codes) are kept a day, for the log's sake, then deleted.
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _pruned < TimeSpan.FromMinutes(10)) return;
        _pruned = now;
        var before = now - TimeSpan.FromDays(1);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.OutboxMessages.Where(m => (m.DeliveredAt != null && m.DeliveredAt < before) || (m.GaveUpAt != null && m.GaveUpAt < before))
            .ExecuteDeleteAsync(cancellationToken);
    }

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "its address";

    [LoggerMessage(LogLevel.Warning, "A {Channel} notification was given up: {Why}")]
    private static partial void LogGaveUp(ILogger logger, string channel, string why);

    [LoggerMessage(LogLevel.Error, "A round of notification deliveries failed ({Failure})")]
    private static partial void LogRoundFailed(ILogger logger, string failure);
}

/// <summary>Webhook secrets, encrypted with the key ring under the owner's own purpose.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private const string Purpose = "OtpWall.Webhooks.Secret.v1";

    public static string NewSecret() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public string Protect(string userId, string secret) => protection.CreateProtector(Purpose, userId).Protect(secret);

    public string Unprotect(Webhook hook) => protection.CreateProtector(Purpose, hook.UserId).Unprotect(hook.ProtectedSecret);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
