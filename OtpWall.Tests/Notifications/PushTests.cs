using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Data;
using OtpWall.Core.Notifications.Push;
using OtpWall.Tests.Api;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Notifications;

/// <summary>
/// Browser push against a local push service stand-in that decrypts what it receives with the subscription's keys
/// (RFC 8291) and checks the VAPID signature: a code reaches the person's browser alone, and a browser the push service
/// no longer knows is forgotten.
/// </summary>
public sealed partial class PushTests
{
    private static readonly Dictionary<string, string?> LocalPush = new() { ["OtpWall:Notifications:AllowLocalWebhooks"] = "true" };

    [Fact]
    public async Task ACodeReachesThePersonsBrowser_EncryptedForItAlone_AndSignedWithTheInstancesKey()
    {
        await using var service = await PushServiceStandIn.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalPush));
        await using var _ = team;
        var ana = await team.PersonAsync();
        var ben = await team.PersonAsync();
        using var anaBrowser = new BrowserPushKeys();
        using var benBrowser = new BrowserPushKeys();
        await SubscribeAsync(ana.Session, anaBrowser, service.Endpoint("ana"));
        await SubscribeAsync(ben.Session, benBrowser, service.Endpoint("ben"));
        Assert.Contains("data-on=\"true\"", await ana.Session.GetPageAsync("/account/notifications"), StringComparison.Ordinal);

        using var api = await team.ClientAsync(ana.Id);
        await api.BuyAsync();
        team.Sandbox.DeliverSms(team.Host.Services.GetUpstreamIdOf(ana.Id), "Your Telegram code is 975310");
        var pushed = await Eventually.ValueAsync(() => Task.FromResult(service.Received.FirstOrDefault()), "the push service got the notification");
        Assert.Equal("/push/ana", pushed.Path);
        Assert.Equal("aes128gcm", pushed.Encoding);
        var notification = JsonNode.Parse(anaBrowser.Decrypt(pushed.Body))!;
        Assert.Contains("975310", notification["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("activations", notification["url"]!.GetValue<string>());
        Assert.Throws<AuthenticationTagMismatchException>(() => benBrowser.Decrypt(pushed.Body));

        // VAPID: a JWT for the push service's origin, signed with the instance's key, which it names.
        var (publicKey, _) = await team.Host.Services.GetRequiredService<PushService>().KeysAsync();
        var vapid = Vapid().Match(pushed.Authorization ?? "");
        Assert.True(vapid.Success, pushed.Authorization);
        Assert.Equal(publicKey, vapid.Groups[2].Value);
        var parts = vapid.Groups[1].Value.Split('.');
        var claims = JsonNode.Parse(BrowserPushKeys.FromB64(parts[1]))!;
        // (the library names the origin by scheme and host: the same as with a real push service's default port)
        Assert.Equal($"{service.Root.Scheme}://{service.Root.Host}", claims["aud"]!.GetValue<string>());
        Assert.True(claims["exp"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var point = BrowserPushKeys.FromB64(publicKey);
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..65] } });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), BrowserPushKeys.FromB64(parts[2]), HashAlgorithmName.SHA256));
        Assert.DoesNotContain(service.Received, r => r.Path == "/push/ben");
    }

    [Fact]
    public async Task ABrowserThePushServiceNoLongerKnows_IsForgotten()
    {
        await using var service = await PushServiceStandIn.StartAsync();
        await using var host = new DashboardHost(settings: LocalPush);
        var (session, userId) = await host.RegisterAdministratorAsync();
        using var browser = new BrowserPushKeys();
        await SubscribeAsync(session, browser, service.Endpoint("gone"));
        service.Answer = (int)HttpStatusCode.Gone;

        using (await session.SubmitAsync("/account/notifications", "push-actions", new Dictionary<string, string> { ["PushAction"] = "test" })) { }
        await Eventually.TrueAsync(async () => (await host.Services.GetRequiredService<PushService>().DevicesAsync(userId)).Count == 0, "the browser is forgotten");
        Assert.Single(service.Received);
    }

    [Fact]
    public async Task ASubscriptionToAnAddressInside_IsRefusedInProduction()
    {
        await using var host = new DashboardHost();
        var (_, userId) = await host.RegisterAdministratorAsync();
        using var browser = new BrowserPushKeys();
        var refusal = await host.Services.GetRequiredService<PushService>().SubscribeAsync(userId, browser.SubscriptionJson(new Uri("https://169.254.169.254/push/x")));
        Assert.NotNull(refusal);
        Assert.NotNull(await host.Services.GetRequiredService<PushService>().SubscribeAsync(userId, "{\"endpoint\":\"https://fcm.googleapis.com/x\"}"));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.False(await db.PushDevices.AnyAsync());
    }

    /// <summary>What the page's script does once the browser subscribed: hands the subscription in with the page's token.</summary>
    private static async Task SubscribeAsync(BrowserlessSession session, BrowserPushKeys browser, Uri endpoint)
    {
        var page = await session.GetPageAsync("/account/notifications");
        var token = Token().Match(page).Groups[1].Value;
        using var response = await session.PostAsync("/account/notifications/push", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["subscription"] = browser.SubscriptionJson(endpoint),
        }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("^vapid t=([^,]+), ?k=([A-Za-z0-9_-]+)$")]
    private static partial Regex Vapid();
}
