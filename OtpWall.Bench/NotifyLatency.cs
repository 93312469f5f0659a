using System.Net.Http.Json;
using OtpWall.Tests.Support;

namespace OtpWall.Bench;

/// <summary>Codes where people are: from the poller's finding to a webhook receiver and to Telegram's Bot API (local stand-ins).</summary>
internal sealed partial class Bench
{
    /// <summary>
    /// Milliseconds from the poller finding an SMS (the sandbox's first answer with it) to the person's webhook receiver
    /// getting the event, and to the Bot API stand-in getting the bot's message, for <paramref name="samples"/> codes.
    /// </summary>
    public async Task<(IReadOnlyList<double> Webhook, IReadOnlyList<double> Telegram)> NotificationLatencyAsync(int samples)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root) = await StartSandboxAsync();
        await using var _ = upstream;
        await using var bot = await BotApiStandIn.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var control = new HttpClient { BaseAddress = new Uri(root, "sandbox/control/") };
        var settings = new Dictionary<string, string?>
        {
            ["OtpWall:Telegram:BaseAddress"] = bot.Root.ToString().TrimEnd('/'),
            // The receiver is on this machine, so the bench lets webhooks reach localhost (production refuses it).
            ["OtpWall:Notifications:AllowLocalWebhooks"] = "true",
        };
        List<(Guid Id, string UpstreamId)> numbers;
        await using (var seeding = await Seeding.OpenAsync(data, root, settings))
        {
            var person = (await seeding.PeopleWithNumbersAsync(1, samples))[0];
            await seeding.NotificationsAsync(person.UserId, BotApiStandIn.Token, 9001, receiver.Address("/bench"));
            numbers = await seeding.OpenNumbersAsync(person.UserId);
        }
        var (dashboard, _) = await StartDashboardAsync(data, root, settings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value!));
        await using (dashboard)
        {
            var random = new Random(42);
            var webhook = new Dictionary<string, DateTimeOffset>();
            var telegram = new Dictionary<string, DateTimeOffset>();
            foreach (var (id, upstreamId) in numbers)
            {
                await Task.Delay(random.Next(100, quick ? 600 : 2100)); // any moment of the poll interval
                var code = random.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
                (await control.PostAsJsonAsync($"activations/{upstreamId}/sms", new { text = $"Your code is {code}" })).EnsureSuccessStatusCode();
                for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(10))
                {
                    if (receiver.At("/bench").FirstOrDefault(r => r.Body["code"]?.GetValue<string>() == code) is { } hook) webhook[upstreamId] = hook.At;
                    if (bot.Sent.FirstOrDefault(m => m.Text.Contains(code, StringComparison.Ordinal)) is { } message) telegram[upstreamId] = message.At;
                    if (webhook.ContainsKey(upstreamId) && telegram.ContainsKey(upstreamId)) break;
                }
                if (!webhook.ContainsKey(upstreamId) || !telegram.ContainsKey(upstreamId)) throw new InvalidOperationException($"The code of {id} did not reach both within 30 s.");
            }
            var stats = (await control.GetFromJsonAsync<StatsAnswer>("stats"))!;
            double Since(KeyValuePair<string, DateTimeOffset> arrival) => arrival.Value.ToUnixTimeMilliseconds() - stats.FirstSmsAnswers[arrival.Key];
            return ([.. webhook.Select(Since)], [.. telegram.Select(Since)]);
        }
    }
}
