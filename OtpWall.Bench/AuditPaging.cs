using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;

namespace OtpWall.Bench;

/// <summary>The audit page on SQLite with many entries: every page of the whole log, and of filtered views, timed as the page asks for them.</summary>
internal static class AuditPaging
{
    public sealed record Result(int Entries, int Pages, double P50, double P95, double Max);

    public static async Task<Result> RunAsync(int entries)
    {
        await using var core = await CoreOnDisk.StartAsync("audit", 20);
        var provider = core.Services;
        var users = core.Users;
        await SeedAsync(provider, users, entries);

        var audit = provider.GetRequiredService<AuditLog>();
        var times = new List<double>();
        async Task WalkAsync(AuditFilter filter, int maxPages)
        {
            long? older = null;
            for (var page = 0; page < maxPages; page++)
            {
                var watch = Stopwatch.StartNew();
                var result = await audit.PageAsync(users[0], filter, olderThan: older);
                times.Add(watch.Elapsed.TotalMilliseconds);
                if (result.OlderCursor is not { } next) break;
                older = next;
            }
        }
        await WalkAsync(new AuditFilter(), 3); // warm-up
        times.Clear();
        await WalkAsync(new AuditFilter(), int.MaxValue);
        await WalkAsync(new AuditFilter(users[3]), 200);
        await WalkAsync(new AuditFilter(Action: AuditActions.Purchase), 200);
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-100));
        await WalkAsync(new AuditFilter(users[5], AuditActions.SignIn, day, day.AddDays(30)), 200);
        times.Sort();
        return new Result(entries, times.Count, Stats.Percentile(times, 50), Stats.Percentile(times, 95), times[^1]);
    }

    private static async Task SeedAsync(IServiceProvider provider, List<string> users, int entries)
    {
        var actions = AuditActions.All.Select(a => a.Action).ToArray();
        var start = DateTimeOffset.UtcNow.AddDays(-360);
        var step = TimeSpan.FromDays(359) / entries;
        var random = new Random(7);
        for (var done = 0; done < entries; done += 10_000)
        {
            await using var db = await provider.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.AuditEntries.AddRange(Enumerable.Range(done, Math.Min(10_000, entries - done)).Select(i =>
            {
                var actor = users[random.Next(users.Count)];
                return new AuditEntry
                {
                    At = start + step * i, Action = actions[random.Next(actions.Length)], ActorId = actor, ActorEmail = "member@example.com",
                    SubjectId = random.Next(4) == 0 ? users[random.Next(users.Count)] : actor, SubjectEmail = "member@example.com",
                    ClientAddress = "192.0.2." + random.Next(255), Text = "Bought a Telegram number in Pakistan (OTPWALL 123456789) for 0.64 USD with the team key.",
                };
            }));
            await db.SaveChangesAsync();
        }
    }
}
