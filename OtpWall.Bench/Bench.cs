using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OtpWall.Bench;

/// <summary>Each measurement starts its own sandbox and dashboard processes on fresh data, and stops them after.</summary>
internal sealed partial class Bench(string app, string sandbox, string? template, bool quick)
{
    private TimeSpan Warmup => TimeSpan.FromSeconds(quick ? 2 : 8);
    private TimeSpan Window => TimeSpan.FromSeconds(quick ? 3 : 20);

    public static double MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0;

    public async Task<PollResult> PollingAsync(int activations, int keys, int latencyMs, Dictionary<string, string>? settings = null)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root) = await StartSandboxAsync();
        await using var _ = upstream;
        using var control = new HttpClient { BaseAddress = new Uri(root, "sandbox/control/") };
        await using (var seeding = await Seeding.OpenAsync(data, root)) await seeding.PeopleWithNumbersAsync(keys, activations);
        (await control.PostAsJsonAsync("faults", new { latencyMs })).EnsureSuccessStatusCode();
        var (dashboard, _) = await StartDashboardAsync(data, root, settings);
        await using (dashboard)
        {
            await Task.Delay(Warmup);
            (await control.PostAsync("stats/reset", null)).EnsureSuccessStatusCode();
            var (cpuBefore, clock, rss) = (dashboard.CpuTime(), Stopwatch.StartNew(), 0.0);
            while (clock.Elapsed < Window)
            {
                await Task.Delay(500);
                rss = Math.Max(rss, dashboard.RssMiB());
            }
            var cpu = (dashboard.CpuTime() - cpuBefore) / clock.Elapsed;
            var stats = (await control.GetFromJsonAsync<StatsAnswer>("stats"))!;
            var reads = stats.ByPath.Where(p => p.Key.StartsWith("GET /activation/", StringComparison.Ordinal)).Sum(p => p.Value);
            var distinct = stats.ByPath.Count(p => p.Key.StartsWith("GET /activation/", StringComparison.Ordinal));
            Console.Error.WriteLine($"polling {activations}/{keys} keys/{latencyMs} ms: {reads} reads of {distinct} activations in {clock.Elapsed.TotalSeconds:0.0} s");
            return new PollResult(Stats.Percentile(stats.StatusReadIntervals, 50), Stats.Percentile(stats.StatusReadIntervals, 95),
                Stats.ShareAtMost(stats.StatusReadIntervals, 2500), reads / clock.Elapsed.TotalSeconds, cpu, rss);
        }
    }

    /// <summary>Seconds from an SMS reaching the (sandbox) provider to its code on an open page.</summary>
    public async Task<IReadOnlyList<double>> SmsToScreenAsync(int samples)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root) = await StartSandboxAsync();
        await using var _ = upstream;
        using var control = new HttpClient { BaseAddress = new Uri(root, "sandbox/control/") };
        IReadOnlyList<(string Email, string UserId)> people;
        await using (var seeding = await Seeding.OpenAsync(data, root)) people = await seeding.PeopleWithNumbersAsync(1, samples);
        var (dashboard, site) = await StartDashboardAsync(data, root);
        await using (dashboard)
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            var page = await SignInAsync(browser, site, people[0].Email);
            var ids = await page.Locator("[data-testid=activation-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.activationId)");
            var random = new Random(42);
            var seconds = new List<double>();
            foreach (var id in ids)
            {
                await Task.Delay(random.Next(0, 2000)); // any moment of the poll interval
                // The page itself notes when the code appears (no polling by the test driver in the measure).
                var shown = page.EvaluateAsync<double>(PageScripts.CodeShownAt, id);
                var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                (await control.PostAsJsonAsync($"activations/{id}/sms", new { text = $"Your code is {random.Next(100000, 999999)}" })).EnsureSuccessStatusCode();
                seconds.Add((await shown.WaitAsync(TimeSpan.FromSeconds(15)) - sent) / 1000.0);
            }
            return seconds;
        }
    }

    /// <summary>
    /// MiB of server memory per open Live activations tab showing 10 numbers: the growth of RSS over many tabs, counted
    /// from after warm-up tabs (kept open): at least <paramref name="warmUp"/>, and more until resident memory has
    /// stopped growing over three tabs in a row. Until then every tab's short-lived garbage lands in memory the
    /// collector touches for the first time (its youngest generation is tens of MiB here): what that charged to a tab
    /// depended on how much the process had touched before the first tab, not on what a tab keeps. The one-time cost
    /// of the first tabs (the JIT recompiling the code paths a tab takes once they are hot) is left out the same way.
    /// </summary>
    public async Task<(double PerTab, double RssMiB)> MemoryPerCircuitAsync(int tabs, int warmUp)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root, email) = await PersonWithTenNumbersAsync(data);
        await using var _ = upstream;
        var (dashboard, site) = await StartDashboardAsync(data, root);
        await using (dashboard)
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await LaunchAsync(playwright);
            var first = await SignInAsync(browser, site, email);
            async Task OpenTabAsync()
            {
                var tab = await first.Context.NewPageAsync();
                await tab.GotoAsync(new Uri(site, "activations").ToString());
                await tab.Locator("[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
                await tab.Locator("[data-testid=activation-row]").Nth(9).WaitForAsync();
            }
            var warm = new List<double>();
            // --quick proves the harness: its warm-up does not wait for resident memory to settle (that took 40 tabs).
            for (var i = 0; i < warmUp || (!quick && i < warmUp + 60 && warm[^1] - warm[^4] >= 1.0); i++)
            {
                await OpenTabAsync();
                warm.Add(dashboard.RssMiB());
            }
            await Task.Delay(quick ? 500 : 3000);
            var before = dashboard.RssMiB();
            for (var i = 0; i < tabs; i++) await OpenTabAsync();
            await Task.Delay(quick ? 1000 : 5000);
            var after = dashboard.RssMiB();
            return ((after - before) / tabs, after);
        }
    }

    /// <summary>
    /// Median seconds from starting the process to the sign-in page answering: ours (with its upstream unreachable, or
    /// with the in-app sandbox on, as <c>dotnet run</c> gives a newcomer) and the .NET template's, started in turn
    /// (ours, the template's, ours, …) so that both meet the same moments of a shared machine.
    /// </summary>
    public async Task<(double Ours, double Template)> ColdStartAsync(int runs, bool sandboxInApp)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var unreachable = new Uri("http://127.0.0.1:9/");
        var (first, _) = await StartDashboardAsync(data, unreachable); // migrations done once: each start below is a restart
        await first.DisposeAsync();
        var (ours, theirs) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs; i++)
        {
            ours.Add(await TimeToSignInAsync(port =>
            {
                var environment = DashboardEnvironment(data, unreachable, port);
                if (sandboxInApp) environment["OtpWall__Sandbox__Enabled"] = "true";
                return Child.Start(Path.Combine(app, "OtpWall.Dashboard.dll"), app, environment);
            }));
            if (template is null) continue;
            theirs.Add(await TimeToSignInAsync(StartTemplate));
        }
        return (Stats.Percentile(ours, 50), template is null ? double.NaN : Stats.Percentile(theirs, 50));
    }

    /// <summary>
    /// Median seconds from starting the process to a page a person can use, after a restart: ours, Live activations with
    /// 10 numbers for a person whose sign-in cookie the browser kept (the page is interactive and lists them); the
    /// template's, its Counter page once a click on "Click me" counts. In turn, as <see cref="ColdStartAsync"/>.
    /// </summary>
    public async Task<(double Ours, double Template)> FirstInteractivePageAsync(int runs)
    {
        using var folder = new TempFolder();
        var data = folder.Path;
        var (upstream, root, email) = await PersonWithTenNumbersAsync(data);
        await using var _ = upstream;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        string cookies;
        var (signingIn, site) = await StartDashboardAsync(data, root);
        await using (signingIn) cookies = await (await SignInAsync(browser, site, email)).Context.StorageStateAsync();

        var (ours, theirs) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs; i++)
        {
            ours.Add(await TimeToPageAsync(browser, cookies, "activations",
                port => Child.Start(Path.Combine(app, "OtpWall.Dashboard.dll"), app, DashboardEnvironment(data, root, port)),
                async page =>
                {
                    await page.Locator("[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                    await page.Locator("[data-testid=activation-row]").Nth(9).WaitForAsync(new() { Timeout = 60_000 });
                }));
            if (template is null) continue;
            theirs.Add(await TimeToPageAsync(browser, null, "counter", StartTemplate, async page =>
            {
                var count = page.GetByRole(AriaRole.Status);
                while (await count.TextContentAsync() == "Current count: 0")
                {
                    await page.GetByRole(AriaRole.Button, new() { Name = "Click me" }).ClickAsync();
                    await Task.Delay(10); // the click's answer, when the page is interactive, comes over the circuit
                }
            }));
        }
        return (Stats.Percentile(ours, 50), template is null ? double.NaN : Stats.Percentile(theirs, 50));
    }

    private Child StartTemplate(int port)
    {
        var dll = Directory.GetFiles(template!, "*.dll").Single(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")));
        return Child.Start(dll, template!, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    // From starting the process: the page opened (retried until the server listens), then ready as `ready` says.
    private static async Task<double> TimeToPageAsync(IBrowser browser, string? storageState, string path, Func<int, Child> start, Func<IPage, Task> ready)
    {
        await using var context = await browser.NewContextAsync(new() { StorageState = storageState });
        var page = await context.NewPageAsync();
        var port = Child.FreePort();
        var clock = Stopwatch.StartNew();
        await using var child = start(port);
        child.DrainOutput();
        while (true)
        {
            try
            {
                await page.GotoAsync($"http://localhost:{port}/{path}", new() { Timeout = 10_000 });
                break;
            }
            catch (PlaywrightException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(10); // not listening yet
            }
        }
        await ready(page);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Bytes a first visit downloads for the sign-in page, compressed as served: the HTML and its CSS and scripts.</summary>
    public async Task<long> FirstPageBytesAsync()
    {
        using var folder = new TempFolder();
        var (dashboard, site) = await StartDashboardAsync(folder.Path, new Uri("http://127.0.0.1:9/"));
        await using (dashboard)
        {
            using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = site };
            http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");
            using var reader = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All }) { BaseAddress = site };
            long total = (await http.GetByteArrayAsync("Account/Login")).Length;
            foreach (Match asset in Assets().Matches(await reader.GetStringAsync("Account/Login")))
                total += (await http.GetByteArrayAsync(asset.Groups[1].Value.TrimStart('/'))).Length;
            return total;
        }
    }

    /// <summary>
    /// Sign-in as a guesser sees it: the median answer to a wrong password for an e-mail with an account and for one
    /// without (<paramref name="people"/> accounts, two tries each, alternating), then how many of 30 sign-in posts from
    /// one address, spelled <c>/Account/Login/</c>, are refused at the shipped limit of 10 a minute.
    /// </summary>
    public async Task<(double KnownMs, double UnknownMs, int Refused, int Posted)> SignInAsync(int people)
    {
        using var folder = new TempFolder();
        var (sandboxChild, sandboxRoot) = await StartSandboxAsync();
        await using (sandboxChild)
        {
            IReadOnlyList<(string Email, string UserId)> accounts;
            await using (var seeding = await Seeding.OpenAsync(folder.Path, sandboxRoot)) accounts = await seeding.PeopleWithNumbersAsync(people, 0);
            var (known, unknown) = (new List<double>(), new List<double>());
            var (dashboard, site) = await StartDashboardAsync(folder.Path, sandboxRoot, new Dictionary<string, string> { ["OtpWall__Accounts__AttemptsPerMinute"] = "1000" });
            await using (dashboard)
            {
                using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = site };
                await PostSignInAsync(http, "Account/Login", "warm-up@example.com"); // first use of the page and of the hasher
                foreach (var (email, _) in accounts)
                    for (var attempt = 0; attempt < 2; attempt++)
                    {
                        known.Add(await PostSignInAsync(http, "Account/Login", email));
                        unknown.Add(await PostSignInAsync(http, "Account/Login", $"nobody-{Guid.NewGuid():N}@example.com"));
                    }
            }
            using var limitedFolder = new TempFolder();
            var (limited, limitedSite) = await StartDashboardAsync(limitedFolder.Path, sandboxRoot);
            await using (limited)
            {
                using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = limitedSite };
                var refused = 0;
                for (var post = 0; post < 30; post++)
                    if (await PostSignInAsync(http, "Account/Login/", "guesser@example.com", returnStatus: true) == (double)HttpStatusCode.TooManyRequests) refused++;
                return (Stats.Percentile(known, 50), Stats.Percentile(unknown, 50), refused, 30);
            }
        }
    }

    // Posts the sign-in form with a wrong password; the milliseconds the post took (or, asked for, its status code).
    private static async Task<double> PostSignInAsync(HttpClient http, string path, string email, bool returnStatus = false)
    {
        var page = await http.GetStringAsync("Account/Login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = "not the password at all",
        });
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsync(path, form);
        var elapsed = watch.Elapsed.TotalMilliseconds;
        return returnStatus ? (double)response.StatusCode : elapsed;
    }

    private static async Task<double> TimeToSignInAsync(Func<int, Child> start)
    {
        var port = Child.FreePort();
        var clock = Stopwatch.StartNew();
        await using var child = start(port);
        child.DrainOutput();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync($"http://localhost:{port}/Account/Login");
                if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed.TotalSeconds;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("No sign-in page within 60 s.");
    }

    // The stand-in started, and one person in the data folder with ten open numbers bought from it.
    private async Task<(Child Upstream, Uri Root, string Email)> PersonWithTenNumbersAsync(string data)
    {
        var (upstream, root) = await StartSandboxAsync();
        await using var seeding = await Seeding.OpenAsync(data, root);
        return (upstream, root, (await seeding.PeopleWithNumbersAsync(1, 10))[0].Email);
    }

    private async Task<(Child, Uri)> StartSandboxAsync()
    {
        var child = Child.Start(Path.Combine(sandbox, "OtpWall.Sandbox.dll"), sandbox, new Dictionary<string, string>
        {
            ["Sandbox__NoSmsRate"] = "1", ["Logging__LogLevel__Default"] = "Warning", ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        }, "--urls", "http://127.0.0.1:0");
        return (child, await child.ListeningAsync());
    }

    private async Task<(Child, Uri)> StartDashboardAsync(string data, Uri sandboxRoot, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = Child.FreePort();
        var environment = DashboardEnvironment(data, sandboxRoot, port);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var child = Child.Start(Path.Combine(app, "OtpWall.Dashboard.dll"), app, environment);
        child.DrainOutput();
        var site = new Uri($"http://localhost:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            try
            {
                if ((await http.GetAsync(new Uri(site, "healthz"))).IsSuccessStatusCode) return (child, site);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or slow to answer while it starts on a busy machine: asked again.
            }
        }
        await child.DisposeAsync();
        throw new TimeoutException("The dashboard did not become healthy within 60 s.");
    }

    private static Dictionary<string, string> DashboardEnvironment(string data, Uri sandboxRoot, int port) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production", ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OtpWall__DataDirectory"] = data, ["OtpWall__Upstream__BaseUrl"] = new Uri(sandboxRoot, "sandbox/v1").ToString(),
        ["OtpWall__Sandbox__Enabled"] = "false", ["DOTNET_NOLOGO"] = "1",
    };

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    private static async Task<IPage> SignInAsync(IBrowser browser, Uri site, string email)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = site.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(Seeding.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync("**/activations");
        await page.Locator("[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    [GeneratedRegex(@"(?:<link rel=""stylesheet"" href|<script src)=""([^""]+)""")]
    private static partial Regex Assets();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private sealed record StatsAnswer(Dictionary<string, long> ByPath, Dictionary<int, long> StatusReadIntervals, Dictionary<string, long> FirstSmsAnswers);
}
