using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Data;

namespace OtpWall.Core.Notifications;

/// <summary>
/// Decides who is told what about an activation change, in the commit point's own unit of work: the message is saved
/// with the change or not at all. The sender is woken when one is staged here.
/// </summary>
public sealed class NotificationOutbox(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Dispose() => _wake.Dispose();

    /// <summary>Stages (in <paramref name="db"/>, before it saves) what the change should tell its owner, if anything.</summary>
    public async Task<bool> StageAsync(OtpWallDbContext db, Activation activation, ActivationStatus? from, ActivationStatus? to, ActivationCommit commit)
    {
        var @event = EventOf(activation, from, to, commit);
        if (@event is null) return false;
        return await StageForPersonAsync(db, activation.UserId, @event, ActivationPayload(@event, activation));
    }

    /// <summary>
    /// Stages (in <paramref name="db"/>, before it saves) the event for every channel of the person that sends it: their
    /// webhook, their Telegram chat (when the team has a bot) and each of their browsers.
    /// </summary>
    public async Task<bool> StageForPersonAsync(OtpWallDbContext db, string userId, string @event, JsonObject payload)
    {
        var staged = false;
        var hook = await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId && w.PausedAt == null, CancellationToken.None);
        if (hook is not null && hook.Sends(@event))
        {
            db.OutboxMessages.Add(Message(userId, Channels.Webhook, hook.Id, null, @event, payload));
            staged = true;
        }
        var chat = await db.TelegramLinks.AsNoTracking().Where(l => l.UserId == userId).Select(l => new { l.ChatId, l.Events })
            .SingleOrDefaultAsync(CancellationToken.None);
        if (chat is not null && chat.Events.Split(' ').Contains(@event) && await db.TelegramBots.AnyAsync(CancellationToken.None))
        {
            db.OutboxMessages.Add(Message(userId, Channels.Telegram, Guid.Empty, chat.ChatId, @event, payload));
            staged = true;
        }
        var devices = await db.PushDevices.AsNoTracking().Where(d => d.UserId == userId).Select(d => new { d.Id, d.Events }).ToListAsync(CancellationToken.None);
        foreach (var device in devices.Where(d => d.Events.Split(' ').Contains(@event)))
        {
            var message = Message(userId, Channels.Push, Guid.Empty, null, @event, payload);
            message.PushDeviceId = device.Id;
            db.OutboxMessages.Add(message);
            staged = true;
        }
        return staged;
    }

    /// <summary>A test event to the person's webhook (whatever events it sends), saved at once.</summary>
    public async Task<bool> StageTestAsync(OtpWallDbContext db, Webhook hook, CancellationToken cancellationToken)
    {
        db.OutboxMessages.Add(Message(hook.UserId, Channels.Webhook, hook.Id, null, NotificationEvents.Test, new JsonObject
        {
            ["message"] = "A test event from the OTPWALL dashboard: your webhook works.",
        }));
        await db.SaveChangesAsync(cancellationToken);
        Wake();
        return true;
    }

    /// <summary>A test notification to each of the person's browsers, saved at once.</summary>
    public async Task StageTestPushAsync(OtpWallDbContext db, string userId, CancellationToken cancellationToken)
    {
        foreach (var device in await db.PushDevices.AsNoTracking().Where(d => d.UserId == userId).Select(d => d.Id).ToListAsync(cancellationToken))
        {
            var message = Message(userId, Channels.Push, Guid.Empty, null, NotificationEvents.Test, new JsonObject { ["message"] = "A test notification." });
            message.PushDeviceId = device;
            db.OutboxMessages.Add(message);
        }
        await db.SaveChangesAsync(cancellationToken);
        Wake();
    }

    /// <summary>Tells the sender that something is waiting (after the save).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // woken already
            }
        }
    }

    /// <summary>Waits until woken or for at most <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    private OutboxMessage Message(string userId, string channel, Guid webhookId, long? chatId, string @event, JsonObject payload)
    {
        var now = time.GetUtcNow();
        var deliveryId = Guid.NewGuid();
        var body = new JsonObject { ["id"] = deliveryId.ToString(), ["event"] = @event };
        foreach (var (key, value) in payload) body[key] = value?.DeepClone();
        return new OutboxMessage
        {
            DeliveryId = deliveryId,
            UserId = userId,
            Channel = channel,
            WebhookId = webhookId,
            ChatId = chatId,
            Event = @event,
            Payload = body.ToJsonString(),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    private static string? EventOf(Activation activation, ActivationStatus? from, ActivationStatus? to, ActivationCommit commit)
    {
        if (commit.Path == ChangePath.OtherReplica || to is null) return null;
        if (commit.CodeArrived && !string.IsNullOrEmpty(activation.Code)) return NotificationEvents.CodeReceived;
        var endedWithoutSms = from != to && activation.FirstSmsAt is null &&
            (to == ActivationStatus.Expired || (to == ActivationStatus.Cancelled && commit.Path == ChangePath.AutoCancel));
        return endedWithoutSms ? NotificationEvents.NumberExpired : null;
    }

    private static JsonObject ActivationPayload(string @event, Activation activation)
    {
        var number = activation.Number ?? "";
        var payload = new JsonObject
        {
            ["activation"] = new JsonObject
            {
                ["id"] = activation.Id.ToString(),
                ["service"] = activation.Service,
                ["service_name"] = activation.ServiceName,
                ["country"] = activation.Country,
                ["number_last_digits"] = number.Length > 4 ? number[^4..] : number,
                ["status"] = activation.Status.ToContractName(),
            },
        };
        if (@event == NotificationEvents.CodeReceived) payload["code"] = activation.Code;
        return payload;
    }

    /// <summary>The body as sent: the staged payload with the sending time, which the signature covers.</summary>
    public static string BodyAt(OutboxMessage message, DateTimeOffset at)
    {
        var body = JsonNode.Parse(message.Payload)!.AsObject();
        body["timestamp"] = at.ToUnixTimeSeconds();
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
