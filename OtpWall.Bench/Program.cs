using System.Globalization;
using OtpWall.Bench;

// scripts/bench.sh: dotnet OtpWall.Bench.dll --app DIR --sandbox DIR --template DIR [--quick]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "");
var quick = options.ContainsKey("quick");
var bench = new Bench(Path.GetFullPath(options["app"]), Path.GetFullPath(options["sandbox"]),
    options.GetValueOrDefault("template") is { Length: > 0 } templateApp ? Path.GetFullPath(templateApp) : null, quick);
var rows = new List<string[]>();
var only = options.GetValueOrDefault("only"); // one part, while working on it: polling, sms, circuit, start, signin, extract, audit, insights, metrics, api, notify, bytes
bool Runs(string part) => only is null || only.Split(',').Contains(part);

var polled = new Dictionary<(int N, int Keys, int Latency), PollResult>();
foreach (var (n, keys) in !Runs("polling") ? [] : quick ? [(40, 4)] : new[] { (200, 10), (1000, 50), (2000, 100) })
    foreach (var latency in quick ? [0] : new[] { 0, 150 })
    {
        var poll = polled[(n, keys, latency)] = await bench.PollingAsync(n, keys, latency);
        var target = n >= 2000 ? 0.90 : 0.95;
        rows.Add([$"Poll intervals, {n} young activations, {keys} keys, {latency} ms round trip",
            $"p50 {poll.P50:0} ms · p95 {poll.P95:0} ms · {poll.WithinShare:P1} within 2.5 s · {poll.ReadsPerSecond:0}/{n / 2.0:0} reads/s",
            n >= 1000 ? $"≥ {target:P0} within 2.5 s" : "—", n >= 1000 ? Verdict(poll.WithinShare >= target) : ""]);
        rows.Add([$"Dashboard CPU and memory, same", $"{poll.CpuShare:P0} of one core · {poll.RssMiB:0} MiB RSS",
            n >= 1000 ? "< 50 % of one core" : "—", n >= 1000 ? Verdict(poll.CpuShare < 0.5) : ""]);
    }

if (Runs("metrics"))
{
    // The same poller load with metrics off and on (recorded by every instrument, exported as a Prometheus scrape).
    var (n, keys) = quick ? (40, 4) : (1000, 50);
    // Off is the polling row's own run of the same load, when it ran.
    var off = polled.TryGetValue((n, keys, 0), out var measured) ? measured : await bench.PollingAsync(n, keys, 0);
    var on = await bench.PollingAsync(n, keys, 0, new Dictionary<string, string>
    {
        ["OtpWall__Metrics__Enabled"] = "true", ["OtpWall__Metrics__Token"] = "bench-scrape-token-0123456789",
    });
    rows.Add([$"Cost of metrics, {n} young activations, {keys} keys: CPU and memory off → on",
        $"{off.CpuShare:P0} → {on.CpuShare:P0} of one core · {off.RssMiB:0} → {on.RssMiB:0} MiB RSS", "< +5 points of a core", Verdict(on.CpuShare - off.CpuShare < 0.05)]);
}
var sms = Runs("sms") ? await bench.SmsToScreenAsync(quick ? 4 : 40) : [];
if (Runs("sms")) rows.Add(["SMS to screen (real browser, 2 s interval)", $"median {Stats.Percentile(sms, 50):0.00} s · p95 {Stats.Percentile(sms, 95):0.00} s ({sms.Count} codes)",
    "median ≤ 1.2 s, p95 ≤ 2.2 s", Verdict(Stats.Percentile(sms, 50) <= 1.2 && Stats.Percentile(sms, 95) <= 2.2)]);
if (Runs("circuit"))
{
    var (perTab, rss) = await bench.MemoryPerCircuitAsync(quick ? 4 : 30, warmUp: quick ? 4 : 5);
    rows.Add(["Memory per open /activations tab (10 rows)", $"{perTab:0.00} MiB ({rss:0} MiB RSS with every tab open)", "≤ 1.5 MiB", Verdict(perTab <= 1.5)]);
}
if (Runs("start"))
{
    // Seven starts of each, in turn (ours, the template's, ours, …); the median of each and their ratio.
    foreach (var (sandboxInApp, limit) in new[] { (false, 1.15), (true, 1.3) })
    {
        var (ours, template) = await bench.ColdStartAsync(quick ? 1 : 7, sandboxInApp);
        var what = sandboxInApp ? "Cold start to the sign-in page, in-app sandbox on" : "Cold start to the sign-in page, sandbox off";
        rows.Add(double.IsNaN(template)
            ? [what, $"{ours:0.00} s (no template to compare with)", $"≤ {limit:0.00} × template", ""]
            : [what, $"{ours:0.00} s (template {template:0.00} s, ×{ours / template:0.00})", $"≤ {limit:0.00} × template", Verdict(ours <= limit * template)]);
    }
    var (page, templatePage) = await bench.FirstInteractivePageAsync(quick ? 1 : 5);
    rows.Add(["First interactive page after a restart: Live activations (10 numbers, sign-in cookie kept)",
        double.IsNaN(templatePage) ? $"{page:0.00} s (no template to compare with)" : $"{page:0.00} s (template's Counter page {templatePage:0.00} s, ×{page / templatePage:0.00})", "—", ""]);
}
if (Runs("signin"))
{
    var signIn = await bench.SignInAsync(quick ? 2 : 12);
    rows.Add(["Sign-in refusal, e-mail with an account vs without (median)", $"{signIn.KnownMs:0} ms vs {signIn.UnknownMs:0} ms (×{signIn.UnknownMs / signIn.KnownMs:0.00})",
        "× 0.8–1.25", Verdict(signIn.UnknownMs / signIn.KnownMs is >= 0.8 and <= 1.25)]);
    rows.Add(["Sign-in posts to /Account/Login/ from one address in a minute", $"{signIn.Posted - signIn.Refused} answered, {signIn.Refused} refused (429)",
        "10 answered", Verdict(signIn.Posted - signIn.Refused == 10)]);
}
if (Runs("extract"))
{
    var worst = Extraction.WorstMilliseconds(quick ? 1 : 5);
    rows.Add(["Code extraction from a hostile 1 MB SMS (8 shapes)", $"slowest {worst:0.0} ms", "< 50 ms", Verdict(worst < 50)]);
}
if (Runs("audit"))
{
    var paging = await AuditPaging.RunAsync(quick ? 5_000 : 100_000);
    rows.Add([$"Audit log page on SQLite, {paging.Entries:N0} entries ({paging.Pages} pages: all, by member, by action, filtered)",
        $"p50 {paging.P50:0.0} ms · p95 {paging.P95:0.0} ms · slowest {paging.Max:0.0} ms", "< 200 ms a page", Verdict(paging.Max < 200)]);
}
if (Runs("insights"))
{
    var page = await PairInsightsPage.RunAsync(quick ? 2 : 20, quick ? 3 : 30);
    rows.Add([$"Pair insights on Buy, 30 services × 36 countries ({page.Pairs:N0} pairs, {page.Activations:N0} purchases in 30 days): every line of a page",
        $"p50 {page.P50:0.00} ms · p95 {page.P95:0.00} ms · slowest {page.Max:0.00} ms (background refresh: p50 {page.RefreshP50:0} ms, slowest {page.RefreshMax:0} ms)",
        "< 100 ms", Verdict(page.Max < 100)]);
}
if (Runs("api"))
{
    // 200 scripts, each asking its own number's status every 200 ms, beside 1,000 open numbers; the same without scripts.
    var (people, open) = quick ? (10, 30) : (200, 1000);
    var without = await bench.ScriptStatusLoadAsync(people, open, scripts: false);
    var with = await bench.ScriptStatusLoadAsync(people, open, scripts: true);
    var ratio = with.UpstreamReadsPerSecond / without.UpstreamReadsPerSecond;
    rows.Add([$"{people} scripts asking their number's status every 200 ms through /api/v1, beside {open:N0} open numbers: OTPWALL status reads, with → without scripts",
        $"{with.UpstreamReadsPerSecond:0.0} → {without.UpstreamReadsPerSecond:0.0} reads/s (×{ratio:0.00})", "≤ 1.05 ×", Verdict(ratio <= 1.05)]);
    rows.Add(["Same: the scripts' status answers", $"p50 {with.P50Ms:0.0} ms · p99 {with.P99Ms:0.0} ms ({with.Answers:N0} answers, {with.Failures} not 200)",
        "p99 ≤ 20 ms", Verdict(with.P99Ms <= 20 && with.Failures == 0)]);
    rows.Add(["Same: dashboard CPU, with → without scripts", $"{with.CpuShare:P0} → {without.CpuShare:P0} of one core", "< 50 % of one core", Verdict(with.CpuShare < 0.5)]);
    var waits = await bench.LongPollAsync(quick ? 3 : 40);
    rows.Add(["Long poll (?wait=30): from the poller finding the SMS to the script's answer",
        $"p50 {Stats.Percentile(waits, 50):0} ms · p95 {Stats.Percentile(waits, 95):0} ms ({waits.Count} codes)", "p95 ≤ 100 ms", Verdict(Stats.Percentile(waits, 95) <= 100)]);
}
if (Runs("notify"))
{
    var (webhook, telegram) = await bench.NotificationLatencyAsync(quick ? 3 : 40);
    rows.Add(["Notifications: from the poller finding the SMS to the webhook receiver (signed POST)",
        $"p50 {Stats.Percentile(webhook, 50):0} ms · p95 {Stats.Percentile(webhook, 95):0} ms ({webhook.Count} codes)", "p95 ≤ 300 ms", Verdict(Stats.Percentile(webhook, 95) <= 300)]);
    rows.Add(["Same: to Telegram's Bot API (a local stand-in), the code with its buttons",
        $"p50 {Stats.Percentile(telegram, 50):0} ms · p95 {Stats.Percentile(telegram, 95):0} ms ({telegram.Count} codes)", "p95 ≤ 300 ms", Verdict(Stats.Percentile(telegram, 95) <= 300)]);
}
var bytes = Runs("bytes") ? await bench.FirstPageBytesAsync() : 0;
if (Runs("bytes")) rows.Add(["First page (sign-in) bytes over the wire", $"{bytes / 1024.0:0} KiB (compressed, HTML + CSS + JS)", "—", ""]);

Console.WriteLine();
Console.WriteLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {Bench.MemoryGiB():0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}{(quick ? " (--quick: small N, short windows; figures not comparable)" : "")}");
Console.WriteLine();
Console.WriteLine("| measure | result | target | |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
return 0;

static string Verdict(bool met) => met ? "met" : "**not met**";

internal sealed record PollResult(double P50, double P95, double WithinShare, double ReadsPerSecond, double CpuShare, double RssMiB);
