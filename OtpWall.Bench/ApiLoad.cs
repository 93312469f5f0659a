using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace OtpWall.Bench;

internal sealed record ScriptLoadResult(double UpstreamReadsPerSecond, double CpuShare, double P50Ms, double P99Ms, long Answers, long Failures);

/// <summary>The team's API under its scripts: status reads answered from memory, and long polls woken by the poller.</summary>
internal sealed partial class Bench
{
    private TimeSpan ScriptWindow => TimeSpan.FromSeconds(quick ? 3 : 60);

    /// <summary>
    /// <paramref name="people"/> people (a key each) with <paramref name="activations"/> open numbers among them; with
    /// <paramref name="scripts"/>, each person's script asks its own number's status every 200 ms through /api/v1 for the
    /// window. What OTPWALL is asked (status reads a second), the dashboard's CPU, and the scripts' answer times.
    /// </summary>
    public async Task<ScriptLoadResult> ScriptStatusLoadAsync(int people, int activations, bool scripts)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root) = await StartSandboxAsync();
        await using var _ = upstream;
        using var control = new HttpClient { BaseAddress = new Uri(root, "sandbox/control/") };
        IReadOnlyList<(string Token, Guid ActivationId, string UpstreamId)> clients;
        await using (var seeding = await Seeding.OpenAsync(data, root))
            clients = await seeding.ScriptsAsync((await seeding.PeopleWithNumbersAsync(people, activations)).Select(p => p.UserId));
        var (dashboard, site) = await StartDashboardAsync(data, root);
        await using (dashboard)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(site, "api/v1/") };
            async Task<(double Ms, bool Ok)> AskAsync((string Token, Guid ActivationId, string UpstreamId) script)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"activation/{script.ActivationId}/status");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", script.Token);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.IsSuccessStatusCode);
            }
            await Task.Delay(Warmup);
            // The scripts have started (one request each, outside the measure: a script runs for hours, not one minute).
            if (scripts) foreach (var script in clients) await AskAsync(script);
            (await control.PostAsync("stats/reset", null)).EnsureSuccessStatusCode();
            var (cpuBefore, clock) = (dashboard.CpuTime(), Stopwatch.StartNew());
            var times = new List<double>();
            long failures = 0;
            if (scripts)
            {
                var random = new Random(7);
                var phases = clients.Select(_ => random.Next(0, 200)).ToList();
                var perScript = await Task.WhenAll(clients.Select(async (script, i) =>
                {
                    var mine = new List<double>();
                    var failed = 0L;
                    await Task.Delay(phases[i]);
                    using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
                    while (clock.Elapsed < ScriptWindow && await cadence.WaitForNextTickAsync())
                    {
                        var (ms, ok) = await AskAsync(script);
                        mine.Add(ms);
                        if (!ok) failed++;
                    }
                    return (mine, failed);
                }));
                foreach (var (mine, failed) in perScript)
                {
                    times.AddRange(mine);
                    failures += failed;
                }
            }
            else
            {
                await Task.Delay(ScriptWindow);
            }
            var elapsed = clock.Elapsed;
            var cpu = (dashboard.CpuTime() - cpuBefore) / elapsed;
            var stats = (await control.GetFromJsonAsync<StatsAnswer>("stats"))!;
            var reads = stats.ByPath.Where(p => p.Key.StartsWith("GET /activation/", StringComparison.Ordinal)).Sum(p => p.Value);
            Console.Error.WriteLine($"scripts={scripts}: {reads} status reads of OTPWALL in {elapsed.TotalSeconds:0.0} s, {times.Count} answers, {failures} not 200");
            return new ScriptLoadResult(reads / elapsed.TotalSeconds, cpu,
                times.Count == 0 ? double.NaN : Stats.Percentile(times, 50), times.Count == 0 ? double.NaN : Stats.Percentile(times, 99), times.Count, failures);
        }
    }

    /// <summary>
    /// Milliseconds from the poller finding an SMS (the moment OTPWALL, here the sandbox, first answered its status read
    /// with it) to a script's long poll (<c>?wait=30</c>) answering with it.
    /// </summary>
    public async Task<IReadOnlyList<double>> LongPollAsync(int samples)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root) = await StartSandboxAsync();
        await using var _ = upstream;
        using var control = new HttpClient { BaseAddress = new Uri(root, "sandbox/control/") };
        string token;
        List<(Guid Id, string UpstreamId)> numbers;
        await using (var seeding = await Seeding.OpenAsync(data, root))
        {
            var person = (await seeding.PeopleWithNumbersAsync(1, samples))[0];
            token = (await seeding.ScriptsAsync([person.UserId]))[0].Token;
            numbers = await seeding.OpenNumbersAsync(person.UserId);
        }
        var (dashboard, site) = await StartDashboardAsync(data, root);
        await using (dashboard)
        {
            using var http = new HttpClient { BaseAddress = new Uri(site, "api/v1/"), Timeout = TimeSpan.FromSeconds(45) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var random = new Random(42);
            var answeredAt = new Dictionary<string, long>();
            foreach (var (id, upstreamId) in numbers)
            {
                var waiting = http.GetStringAsync($"activation/{id}/status?wait=30");
                await Task.Delay(random.Next(100, quick ? 600 : 2100)); // any moment of the poll interval
                (await control.PostAsJsonAsync($"activations/{upstreamId}/sms", new { text = $"Your code is {random.Next(100000, 999999)}" })).EnsureSuccessStatusCode();
                var answer = await waiting;
                answeredAt[upstreamId] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (!answer.Contains("\"received\"", StringComparison.Ordinal)) throw new InvalidOperationException("A long poll answered without the SMS: " + answer);
            }
            var stats = (await control.GetFromJsonAsync<StatsAnswer>("stats"))!;
            return [.. answeredAt.Select(p => (double)(p.Value - stats.FirstSmsAnswers[p.Key]))];
        }
    }
}
