using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OtpWall.Core;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;

namespace OtpWall.Bench;

/// <summary>The audit page on SQLite with many entries: every page of the whole log, and of filtered views, timed as the page asks for them.</summary>
internal static class AuditPaging
{
    public sealed record Result(int Entries, int Pages, double P50, double P95, double Max);

    public static async Task<Result> RunAsync(int entries)
    {
        var folder = Path.Combine(Path.GetTempPath(), "otpwall-bench-audit-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OtpWall:DataDirectory"] = folder }).Build());
        services.AddSingleton<IHostEnvironment>(new Environment(folder));
        services.AddLogging();
        services.AddOtpWallCore();
        services.AddIdentityCore<ApplicationUser>().AddOtpWallAccountRules();
        await using var provider = services.BuildServiceProvider();
        try
        {
            await provider.PrepareOtpWallDatabaseAsync();
            var users = new List<string>();
            var registration = provider.GetRequiredService<RegistrationService>();
            for (var i = 0; i < 20; i++)
            {
                users.Add((await registration.RegisterAsync($"member{i}@example.com", "correct horse battery staple", null)).User!.Id);
                // The first is the administrator, who opens registration for the others.
                if (i == 0) await registration.SetPolicyAsync(users[0], RegistrationPolicy.Open);
            }
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
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
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

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "OtpWall.Bench";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
