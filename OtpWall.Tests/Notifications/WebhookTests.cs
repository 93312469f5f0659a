using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.Notifications;
using OtpWall.Sandbox;
using OtpWall.Tests.Api;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Notifications;

/// <summary>
/// Signed webhooks as a team uses them: each person's codes reach their own receiver (two people at once, over a real
/// round trip), signed with the secret shown once; failures are retried with the same delivery id; a stop in the middle
/// of a delivery sends nothing twice; a webhook failing for a day is paused and its owner told.
/// </summary>
public sealed partial class WebhookTests
{
    private static readonly Dictionary<string, string?> LocalWebhooks = new() { ["OtpWall:Notifications:AllowLocalWebhooks"] = "true" };

    [Fact]
    public async Task TwoPeoplesCodes_EachReachOnlyTheirOwnWebhook_SignedWithTheSecretShownOnce_UnderARealRoundTrip()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalWebhooks));
        await using var _ = team;
        var ana = await team.PersonAsync();
        var ben = await team.PersonAsync();
        foreach (var (person, path) in new[] { (ana, "/ana"), (ben, "/ben") })
            receiver.KnowSecret(path, await SaveWebhookAsync(person.Session, receiver.Address(path)));
        // Shown once: the page does not show it again, and the database keeps it only encrypted.
        Assert.DoesNotContain("notify-webhook-secret\"", await ana.Session.GetPageAsync("/account/notifications"), StringComparison.Ordinal);

        team.Host.Services.GetRequiredService<SandboxFaults>().Set(new SandboxFaultSettings { LatencyMs = 200 });
        using var anaApi = await team.ClientAsync(ana.Id);
        using var benApi = await team.ClientAsync(ben.Id);
        var bought = await Task.WhenAll(anaApi.BuyAsync(), benApi.BuyAsync());
        Assert.All(bought, b => Assert.Equal(200, b.Status));
        team.Sandbox.DeliverSms(team.Host.Services.GetUpstreamIdOf(ana.Id), "Your Telegram code is 111222");
        team.Sandbox.DeliverSms(team.Host.Services.GetUpstreamIdOf(ben.Id), "Your Telegram code is 333444");

        await Eventually.TrueAsync(() => receiver.At("/ana").Any() && receiver.At("/ben").Any(), "both codes reached their webhooks", 20_000);
        foreach (var (path, code, buy) in new[] { ("/ana", "111222", bought[0]), ("/ben", "333444", bought[1]) })
        {
            var received = Assert.Single(receiver.At(path));
            Assert.True(received.SignatureValid, $"{path}: the signature does not match the secret shown");
            Assert.Equal(NotificationEvents.CodeReceived, received.Event);
            Assert.Equal(NotificationEvents.CodeReceived, received.Body["event"]!.GetValue<string>());
            Assert.Equal(code, received.Body["code"]!.GetValue<string>());
            Assert.Equal(buy.Body!["activation_id"]!.GetValue<string>(), received.Body["activation"]!["id"]!.GetValue<string>());
            Assert.EndsWith(received.Body["activation"]!["number_last_digits"]!.GetValue<string>(), buy.Body["number"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(received.Timestamp, received.Body["timestamp"]!.GetValue<long>());
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - received.Timestamp, 0, 300);
        }

        // The page's delivery log (written once the receiver has answered).
        var page = await Eventually.ValueAsync(async () =>
        {
            var html = await ana.Session.GetPageAsync("/account/notifications");
            return DeliveryRows().IsMatch(html) ? html : null;
        }, "the delivery is in the log");
        Assert.Single(DeliveryRows().Matches(page));
        Assert.Contains("data-status=\"204\"", page, StringComparison.Ordinal);
        await using var db = await team.Host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.All(await db.Webhooks.Select(w => w.ProtectedSecret).ToListAsync(), stored => Assert.DoesNotContain("whsec_", stored, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Database", "BothEngines")] // the outbox's lease, its retries and the delivery log on either engine
    public async Task AFailingReceiver_IsRetriedWithTheSameDeliveryId_AndEveryAttemptIsInTheLog()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new DashboardHost(settings: LocalWebhooks);
        var (session, userId) = await host.RegisterAdministratorAsync();
        receiver.KnowSecret("/hook", await SaveWebhookAsync(session, receiver.Address("/hook")));
        receiver.AnswerNext(500, 503);

        Assert.Null(await host.Services.GetRequiredService<WebhookService>().SendTestAsync(userId));
        await Eventually.TrueAsync(() => receiver.At("/hook").Count() >= 3, "three attempts (1 s, then 5 s apart)", 20_000);
        var attempts = receiver.At("/hook").ToList();
        Assert.Single(attempts.Select(a => a.Delivery).Distinct());
        Assert.All(attempts, a => Assert.True(a.SignatureValid));
        Assert.Equal(NotificationEvents.Test, attempts[0].Event);

        var log = await host.Services.GetRequiredService<WebhookService>().DeliveriesAsync(userId);
        Assert.Equal([204, 503, 500], log.Select(d => d.StatusCode ?? 0));
        Assert.Equal([3, 2, 1], log.Select(d => d.Attempt));
        Assert.Null((await host.Services.GetRequiredService<WebhookService>().GetAsync(userId))!.FailingSince);
    }

    [Fact]
    [Trait("Database", "BothEngines")]
    public async Task AStopInTheMiddleOfADelivery_LetsItFinish_AndTheNextStartSendsNothingTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var folder = DashboardHost.NewDataDirectory();
        string userId;
        await using (var before = new DashboardHost(folder, LocalWebhooks))
        {
            (var session, userId) = await before.RegisterAdministratorAsync();
            receiver.KnowSecret("/hook", await SaveWebhookAsync(session, receiver.Address("/hook")));
            receiver.Delay = TimeSpan.FromSeconds(2);
            Assert.Null(await before.Services.GetRequiredService<WebhookService>().SendTestAsync(userId));
            await Eventually.TrueAsync(() => receiver.Started > 0, "the delivery is under way");
            // The dashboard stops while the receiver is still reading the event.
        }
        receiver.Delay = TimeSpan.Zero;
        Assert.Single(receiver.At("/hook"));

        await using var after = new DashboardHost(folder, LocalWebhooks);
        after.StartServer();
        Assert.Null(await after.Services.GetRequiredService<WebhookService>().SendTestAsync(userId));
        await Eventually.TrueAsync(() => receiver.At("/hook").Count() >= 2, "the second event arrived");
        Assert.Equal(2, receiver.At("/hook").Select(r => r.Delivery).Distinct().Count());
        Assert.Equal(2, receiver.At("/hook").Count());
        TestDatabase.Drop(folder);
    }

    [Fact]
    public async Task ANumberEndingWithoutAnSms_IsSentOnlyWhenChosen()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var team = new TeamApiHost();
        await team.StartAsync(new DashboardHost(settings: LocalWebhooks));
        await using var _ = team;
        var person = await team.PersonAsync();
        receiver.KnowSecret("/hook", await SaveWebhookAsync(person.Session, receiver.Address("/hook"), expired: true));
        using var api = await team.ClientAsync(person.Id);
        var bought = await api.BuyAsync();
        var id = Guid.Parse(bought.Body!["activation_id"]!.GetValue<string>());

        // OTPWALL expires it unused (what the poller commits when it reads so).
        await ExpireAsync(team.Host, id);
        await Eventually.TrueAsync(() => receiver.At("/hook").Any(), "the expiry reached the webhook");
        var received = Assert.Single(receiver.At("/hook"));
        Assert.Equal(NotificationEvents.NumberExpired, received.Event);
        Assert.Equal("expired", received.Body["activation"]!["status"]!.GetValue<string>());
        Assert.Null(received.Body["code"]);
    }

    [Fact]
    [Trait("Database", "BothEngines")]
    public async Task AWebhookFailingForADay_IsPaused_ItsOwnerIsTold_AndSavingResumesIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new DashboardHost(settings: LocalWebhooks) { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        var (session, userId) = await host.RegisterAdministratorAsync();
        var address = receiver.Address("/hook");
        receiver.KnowSecret("/hook", await SaveWebhookAsync(session, address));
        var webhooks = host.Services.GetRequiredService<WebhookService>();
        receiver.AnswerNext(Enumerable.Repeat(500, 20).ToArray());

        Assert.Null(await webhooks.SendTestAsync(userId));
        await Eventually.TrueAsync(() => receiver.At("/hook").Count() == 1, "the first attempt failed");
        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () => (await webhooks.GetAsync(userId))!.PausedAt is not null, "the webhook is paused");

        var page = await session.GetPageAsync("/account/notifications");
        Assert.Contains("data-testid=\"notify-webhook-paused\"", page, StringComparison.Ordinal);
        Assert.NotNull(await webhooks.SendTestAsync(userId));
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.WebhookPaused && e.SubjectId == userId));

        receiver.ClearAnswers();
        await SaveWebhookAsync(session, address, expectSecret: false);
        Assert.Null((await webhooks.GetAsync(userId))!.PausedAt);
        Assert.Null(await webhooks.SendTestAsync(userId));
        await Eventually.TrueAsync(() => receiver.At("/hook").Any(r => r.Event == NotificationEvents.Test && r.SignatureValid) &&
            webhooks.DeliveriesAsync(userId).Result.Any(d => d.Succeeded), "a test after resuming is delivered");
    }

    [Theory]
    [InlineData("http://example.com/hook", "https://")]
    [InlineData("https://localhost/hook", "private network")]
    [InlineData("https://127.0.0.1:8443/hook", "private network")]
    [InlineData("https://10.1.2.3/hook", "private network")]
    [InlineData("https://192.168.0.10/hook", "private network")]
    [InlineData("https://[::1]/hook", "private network")]
    [InlineData("https://169.254.169.254/latest/meta-data", "private network")]
    [InlineData("https://user:pass@example.com/hook", "user name or password")]
    [InlineData("ftp://example.com/hook", "full address")]
    public async Task InProduction_OnlyHttpsToPublicAddresses_IsAccepted(string url, string why)
    {
        var refusal = await WebhookAddresses.CheckAsync(url, allowLocal: false);
        Assert.NotNull(refusal);
        Assert.Contains(why, refusal.Message, StringComparison.Ordinal);
        Assert.Null(await WebhookAddresses.CheckAsync("https://93.184.215.14/hook", allowLocal: false));
        Assert.Null(await WebhookAddresses.CheckAsync("http://localhost:5000/hook", allowLocal: true));
    }

    private static async Task ExpireAsync(DashboardHost host, Guid activationId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var activation = await db.Activations.SingleAsync(a => a.Id == activationId);
        activation.Status = ActivationStatus.Expired;
        activation.ClosedAt = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<ActivationCommits>().CommitAsync(db, activation, new ActivationCommit(ChangePath.Poll));
    }

    /// <summary>Saves the webhook on the notifications page as the person would; answers the secret the page shows once.</summary>
    private static async Task<string> SaveWebhookAsync(BrowserlessSession session, Uri address, bool expired = false, bool expectSecret = true)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Input.Url", address.ToString()), new("WebhookEvents", NotificationEvents.CodeReceived) };
        if (expired) fields.Add(new("WebhookEvents", NotificationEvents.NumberExpired));
        using var response = await session.SubmitAsync("/account/notifications", "save-webhook", fields);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Webhook saved", page, StringComparison.Ordinal);
        var secret = Secret().Match(page);
        Assert.Equal(expectSecret, secret.Success);
        return secret.Groups[1].Value;
    }

    [GeneratedRegex("data-testid=\"notify-webhook-secret\">(whsec_[A-Za-z0-9_-]+)<")]
    private static partial Regex Secret();

    [GeneratedRegex("data-testid=\"notify-delivery-row\"")]
    private static partial Regex DeliveryRows();
}
