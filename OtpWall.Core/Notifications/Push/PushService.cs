using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Core.Notifications.Push;

/// <summary>A browser that receives a person's notifications, as their page lists it.</summary>
public sealed record PushDeviceSummary(Guid Id, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// Browser push: the instance's VAPID keys (made once, the private one encrypted with the key ring) and each person's
/// subscribed browsers. A subscription's address must be a push service's (https, not this server or a private network).
/// </summary>
public sealed class PushService(
    IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection, DatabaseGates gates, NotificationOutbox outbox,
    IOptions<NotificationOptions> options, TimeProvider time)
{
    private const string Purpose = "OtpWall.Push.VapidPrivateKey.v1";
    private (string Public, string Private)? _keys;

    /// <summary>The instance's key pair, made on first use (once across replicas).</summary>
    public async Task<(string PublicKey, string PrivateKey)> KeysAsync(CancellationToken cancellationToken = default)
    {
        if (_keys is { } known) return known;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.PushKeys.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            await using var gate = await gates.EnterAsync("push-keys", TimeSpan.FromSeconds(30), cancellationToken);
            stored = await db.PushKeys.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            if (stored is null)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var parameters = key.ExportParameters(includePrivateParameters: true);
                var publicKey = Base64Url([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);
                stored = new PushKeys
                {
                    PublicKey = publicKey,
                    ProtectedPrivateKey = protection.CreateProtector(Purpose).Protect(Base64Url(parameters.D!)),
                    CreatedAt = time.GetUtcNow(),
                };
                db.PushKeys.Add(stored);
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        var pair = (stored.PublicKey, protection.CreateProtector(Purpose).Unprotect(stored.ProtectedPrivateKey));
        _keys = pair;
        return pair;
    }

    /// <summary>Saves the browser's subscription (the JSON <c>PushSubscription.toJSON()</c> gives) for the person.</summary>
    public async Task<Refusal?> SubscribeAsync(string userId, string? subscriptionJson, CancellationToken cancellationToken = default)
    {
        string? endpoint, p256dh, auth;
        try
        {
            using var json = JsonDocument.Parse(subscriptionJson ?? "");
            var root = json.RootElement;
            endpoint = root.GetProperty("endpoint").GetString();
            p256dh = root.GetProperty("keys").GetProperty("p256dh").GetString();
            auth = root.GetProperty("keys").GetProperty("auth").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new Refusal("The browser's subscription could not be read. Reload the page and try again.");
        }
        if (string.IsNullOrEmpty(p256dh) || string.IsNullOrEmpty(auth) || p256dh.Length > 200 || auth.Length > 100)
            return new Refusal("The browser's subscription has no keys. Reload the page and try again.");
        if (endpoint is null || endpoint.Length > PushDevice.EndpointMaxLength ||
            await WebhookAddresses.CheckAsync(endpoint, options.Value.AllowLocalWebhooks, cancellationToken) is not null)
            return new Refusal("That is not a push service's address.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // A browser belongs to whoever subscribed it last (someone else signed in on it before).
        await db.PushDevices.Where(d => d.Endpoint == endpoint).ExecuteDeleteAsync(cancellationToken);
        var events = await db.PushDevices.Where(d => d.UserId == userId).Select(d => d.Events).FirstOrDefaultAsync(cancellationToken);
        db.PushDevices.Add(new PushDevice
        {
            Id = Guid.NewGuid(), UserId = userId, Endpoint = endpoint, P256dh = p256dh, Auth = auth, Name = NameOf(endpoint),
            Events = events ?? NotificationEvents.CodeReceived, CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<IReadOnlyList<PushDeviceSummary>> DevicesAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.PushDevices.AsNoTracking().Where(d => d.UserId == userId).OrderBy(d => d.CreatedAt)
            .Select(d => new PushDeviceSummary(d.Id, d.Name, d.CreatedAt)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlySet<string>> EventsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var events = await db.PushDevices.Where(d => d.UserId == userId).Select(d => d.Events).FirstOrDefaultAsync(cancellationToken);
        return (events ?? NotificationEvents.CodeReceived).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
    }

    /// <summary>Which events go to every browser of the person.</summary>
    public async Task SetEventsAsync(string userId, IEnumerable<string> events, CancellationToken cancellationToken = default)
    {
        var chosen = string.Join(' ', events.Where(e => NotificationEvents.Choosable.Any(c => c.Event == e)).Distinct());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.PushDevices.Where(d => d.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(d => d.Events, chosen), cancellationToken);
    }

    /// <summary>A test notification to each of the person's browsers (the sender's next round).</summary>
    public async Task SendTestAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await outbox.StageTestPushAsync(db, userId, cancellationToken);
    }

    /// <summary>Forgets one of the person's browsers (another person's id changes nothing).</summary>
    public async Task RemoveAsync(string userId, Guid deviceId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.PushDevices.Where(d => d.Id == deviceId && d.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    private static string NameOf(string endpoint)
    {
        var host = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Host : "";
        return host switch
        {
            _ when host.EndsWith("googleapis.com", StringComparison.OrdinalIgnoreCase) => "Chrome, Edge or Android",
            _ when host.EndsWith("mozilla.com", StringComparison.OrdinalIgnoreCase) => "Firefox",
            _ when host.EndsWith("push.apple.com", StringComparison.OrdinalIgnoreCase) => "Safari (Mac, or iPhone from the home screen)",
            _ when host.EndsWith("notify.windows.com", StringComparison.OrdinalIgnoreCase) => "Edge on Windows",
            _ => $"A browser ({host})",
        };
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
