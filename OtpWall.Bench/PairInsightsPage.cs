using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Insights;
using OtpWall.Core.Data;

namespace OtpWall.Bench;

/// <summary>
/// Buy's pair insights for a whole catalogue on SQLite: the one query over the last 30 days of everyone's purchases, then
/// every list item's line (30 services × 36 countries) and every service's three alternatives, as the pickers show them.
/// </summary>
internal static class PairInsightsPage
{
    public sealed record Result(int Activations, int Pairs, double P50, double P95, double Max, double RefreshP50, double RefreshMax);

    public static async Task<Result> RunAsync(int perPair, int rounds)
    {
        const int services = 30, countries = 36;
        await using var core = await CoreOnDisk.StartAsync("insights", 10);
        var provider = core.Services;
        var users = core.Users;
        var serviceCodes = Enumerable.Range(0, services).Select(i => $"service{i:00}").ToArray();
        var countryCodes = Enumerable.Range(0, countries).Select(i => $"{(char)('A' + i / 26)}{(char)('A' + i % 26)}").ToArray();
        var written = await SeedAsync(provider, users, serviceCodes, countryCodes, perPair);

        var insights = provider.GetRequiredService<PairInsights>();
        var query = provider.GetRequiredService<PairInsightsQuery>();
        var refreshes = new List<double>();
        for (var round = 0; round < Math.Max(3, rounds / 3) + 2; round++)
        {
            var watch = Stopwatch.StartNew();
            await query.ReadAsync();
            if (round >= 2) refreshes.Add(watch.Elapsed.TotalMilliseconds);
        }
        refreshes.Sort();
        var times = new List<double>();
        var characters = 0;
        for (var round = 0; round < rounds + 3; round++)
        {
            // Someone's activation changed between two page opens (what the commit point's insights effect says): the page
            // still gets the last snapshot at once.
            if (round % 2 == 0) insights.MarkStale();
            var watch = Stopwatch.StartNew();
            var snapshot = await insights.GetAsync();
            foreach (var service in serviceCodes)
            {
                foreach (var country in countryCodes) characters += snapshot.For(service, country)?.Summary().Length ?? 0;
                characters += snapshot.Alternatives(service, countryCodes[0]).Count;
            }
            if (round >= 3) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        if (characters == 0) throw new InvalidOperationException("The insights came out empty.");
        times.Sort();
        return new Result(written, services * countries, Stats.Percentile(times, 50), Stats.Percentile(times, 95), times[^1],
            Stats.Percentile(refreshes, 50), refreshes[^1]);
    }

    // perPair purchases of every pair over the last week and as many again in the three weeks before; most got a code.
    private static async Task<int> SeedAsync(IServiceProvider provider, List<string> users, string[] services, string[] countries, int perPair)
    {
        var random = new Random(14);
        var now = DateTimeOffset.UtcNow;
        var statuses = new[] { ActivationStatus.Completed, ActivationStatus.Completed, ActivationStatus.Received, ActivationStatus.Cancelled, ActivationStatus.Expired, ActivationStatus.Waiting };
        var written = 0;
        foreach (var service in services)
        {
            await using var db = await provider.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var country in countries)
            {
                for (var i = 0; i < perPair * 2; i++)
                {
                    var created = now - TimeSpan.FromMinutes(random.Next(i < perPair ? 7 * 24 * 60 : 29 * 24 * 60));
                    var status = statuses[random.Next(statuses.Length)];
                    var activation = new Activation
                    {
                        Id = Guid.NewGuid(), UserId = users[random.Next(users.Count)], PurchaseAttemptId = Guid.NewGuid(), UpstreamId = random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Number = "+4477009" + random.Next(10000, 99999), Service = service, ServiceName = service, Country = country, CountryName = country,
                        Status = status, Price = random.Next(20, 200) / 100m, Currency = "USD", CreatedAt = created, UpdatedAt = created, ExpiresAt = created.AddMinutes(20),
                    };
                    if (status is ActivationStatus.Completed or ActivationStatus.Received)
                    {
                        activation.FirstSmsAt = created.AddSeconds(random.Next(5, 300));
                        activation.Messages.Add(new ActivationMessage { Text = "Your code is 123456", Code = "123456", ReceivedAt = activation.FirstSmsAt.Value });
                    }
                    db.Activations.Add(activation);
                    written++;
                }
            }
            await db.SaveChangesAsync();
        }
        return written;
    }
}
