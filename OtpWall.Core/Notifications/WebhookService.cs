using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;

namespace OtpWall.Core.Notifications;

/// <summary>What a person's webhook looks like on their page (never its secret).</summary>
public sealed record WebhookSummary(string Url, IReadOnlySet<string> Events, DateTimeOffset CreatedAt, DateTimeOffset? FailingSince, DateTimeOffset? PausedAt);

/// <summary>A saved webhook and, when a new one was made, its secret (shown once).</summary>
public sealed record SavedWebhook(WebhookSummary Webhook, string? NewSecret);

/// <summary>Each person's one webhook: its address and events, its secret, a test event, and its delivery log.</summary>
public sealed class WebhookService(
    IDbContextFactory<OtpWallDbContext> databases, WebhookSecrets secrets, NotificationOutbox outbox, AuditLog audit,
    IOptions<NotificationOptions> options, TimeProvider time)
{
    public async Task<WebhookSummary?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hook = await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId, cancellationToken);
        return hook is null ? null : Summary(hook);
    }

    /// <summary>
    /// Saves the address and events (checked: https, and no address inside unless allowed); a first save makes the secret
    /// and answers it, once. Saving a paused webhook resumes it.
    /// </summary>
    public async Task<Outcome<SavedWebhook>> SaveAsync(string userId, string? url, IEnumerable<string> events, CancellationToken cancellationToken = default)
    {
        if (await WebhookAddresses.CheckAsync(url, options.Value.AllowLocalWebhooks, cancellationToken) is { } refused) return Outcome.Refused<SavedWebhook>(refused);
        var chosen = events.Where(e => NotificationEvents.Choosable.Any(c => c.Event == e)).Distinct().ToList();
        if (chosen.Count == 0) return Outcome.Refused<SavedWebhook>("Choose at least one event to send.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hook = await db.Webhooks.SingleOrDefaultAsync(w => w.UserId == userId, cancellationToken);
        string? secret = null;
        var resumed = hook?.PausedAt is not null;
        if (hook is null)
        {
            secret = WebhookSecrets.NewSecret();
            hook = new Webhook
            {
                Id = Guid.NewGuid(), UserId = userId, Url = url!.Trim(), ProtectedSecret = secrets.Protect(userId, secret),
                Events = string.Join(' ', chosen), CreatedAt = time.GetUtcNow(),
            };
            db.Webhooks.Add(hook);
        }
        else
        {
            hook.Url = url!.Trim();
            hook.Events = string.Join(' ', chosen);
            hook.PausedAt = null;
            hook.FailingSince = null;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Outcome.Refused<SavedWebhook>("Your webhook was just saved elsewhere. Reload the page and try again.");
        }
        await audit.RecordAsync(AuditActions.WebhookSaved, userId,
            $"{(secret is not null ? "Added" : resumed ? "Resumed" : "Changed")} the webhook to {HostOf(hook.Url)} ({string.Join(", ", chosen)}).",
            cancellationToken: cancellationToken);
        if (resumed) outbox.Wake();
        return Outcome.Done(new SavedWebhook(Summary(hook), secret));
    }

    /// <summary>A new secret (the old one stops signing at once), answered once.</summary>
    public async Task<Outcome<string>> NewSecretAsync(string userId, CancellationToken cancellationToken = default)
    {
        var secret = WebhookSecrets.NewSecret();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var changed = await db.Webhooks.Where(w => w.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.ProtectedSecret, secrets.Protect(userId, secret)), cancellationToken);
        if (changed == 0) return Outcome.Refused<string>("You have no webhook yet.");
        await audit.RecordAsync(AuditActions.WebhookSaved, userId, "Made a new secret for the webhook.", cancellationToken: cancellationToken);
        return Outcome.Done(secret);
    }

    public async Task RemoveAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hook = await db.Webhooks.SingleOrDefaultAsync(w => w.UserId == userId, cancellationToken);
        if (hook is null) return;
        await db.OutboxMessages.Where(m => m.WebhookId == hook.Id && m.DeliveredAt == null).ExecuteDeleteAsync(cancellationToken);
        await db.WebhookDeliveries.Where(d => d.WebhookId == hook.Id).ExecuteDeleteAsync(cancellationToken);
        db.Webhooks.Remove(hook);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.WebhookRemoved, userId, $"Removed the webhook to {HostOf(hook.Url)}.", cancellationToken: cancellationToken);
    }

    /// <summary>Sends a test event now (the sender's next round).</summary>
    public async Task<Refusal?> SendTestAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var hook = await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId, cancellationToken);
        if (hook is null) return new Refusal("Save a webhook first.");
        if (hook.PausedAt is not null) return new Refusal("The webhook is paused: save it again to resume it, then test it.");
        await outbox.StageTestAsync(db, hook, cancellationToken);
        return null;
    }

    /// <summary>The person's last deliveries, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => db.Webhooks.Any(w => w.Id == d.WebhookId && w.UserId == userId))
            .OrderByDescending(d => d.Id).Take(WebhookDelivery.Kept).ToListAsync(cancellationToken);
    }

    private static WebhookSummary Summary(Webhook hook) =>
        new(hook.Url, hook.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), hook.CreatedAt, hook.FailingSince, hook.PausedAt);

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "an address";
}
