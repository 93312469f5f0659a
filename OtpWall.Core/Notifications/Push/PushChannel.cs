using System.Net;
using System.Text.Json.Nodes;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Core.Notifications.Push;

/// <summary>
/// Sends an outbox message to one browser through its push service (Web Push, RFC 8291 encryption, VAPID), as the
/// notification the service worker shows. A browser the push service no longer knows (404, 410) is forgotten.
/// </summary>
public sealed class PushChannel(
    IDbContextFactory<OtpWallDbContext> databases, PushService push, IHttpClientFactory http, IOptions<NotificationOptions> options)
{
    public async Task<(string? Error, bool Permanent)> SendAsync(OutboxMessage message)
    {
        await using var db = await databases.CreateDbContextAsync();
        var device = await db.PushDevices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == message.PushDeviceId);
        if (device is null) return ("the browser was removed", true);
        var (publicKey, privateKey) = await push.KeysAsync();
        var subscription = new PushSubscription { Endpoint = device.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, device.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, device.Auth);
        var client = new PushServiceClient(http.CreateClient(OutboxSender.HttpClientName))
        {
            DefaultAuthentication = new VapidAuthentication(publicKey, privateKey) { Subject = options.Value.PushSubject },
        };
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.DeliveryTimeout);
            await client.RequestPushMessageDeliveryAsync(subscription,
                new PushMessage(Render(message).ToJsonString()) { Urgency = PushMessageUrgency.High, TimeToLive = 600 }, timeout.Token);
            return (null, false);
        }
        catch (PushServiceClientException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await db.PushDevices.Where(d => d.Id == device.Id).ExecuteDeleteAsync();
            return ("the browser unsubscribed", true);
        }
        catch (PushServiceClientException ex)
        {
            return ($"the push service answered {(int)ex.StatusCode}", false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return ("the push service could not be reached", false);
        }
    }

    /// <summary>What the service worker shows: a title, a line, and where a click leads.</summary>
    public static JsonObject Render(OutboxMessage message)
    {
        var body = JsonNode.Parse(message.Payload)!.AsObject();
        var activation = body["activation"]?.AsObject();
        var service = activation?["service_name"]?.GetValue<string>() ?? "OTPWALL";
        var last = activation?["number_last_digits"]?.GetValue<string>() ?? "";
        var (title, line) = message.Event switch
        {
            NotificationEvents.CodeReceived => ($"{service} code {body["code"]?.GetValue<string>()}", $"Number ending {last}. Tap to open Live activations."),
            NotificationEvents.NumberExpired => ($"{service}: no SMS came", $"The number ending {last} ended without an SMS and was refunded."),
            NotificationEvents.Test => ("OTPWALL", "A test notification from the dashboard."),
            _ => ("OTPWALL", body["text"]?.GetValue<string>() ?? message.Event),
        };
        return new JsonObject { ["title"] = title, ["body"] = line, ["tag"] = activation?["id"]?.GetValue<string>() ?? message.DeliveryId.ToString(), ["url"] = "activations" };
    }
}
