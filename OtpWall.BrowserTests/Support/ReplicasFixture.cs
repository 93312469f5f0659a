using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Npgsql;
using OtpWall.Tests.Support;

namespace OtpWall.BrowserTests.Support;

/// <summary>
/// Several replicas as they are deployed (compose.replicas.yaml), as real processes: the standalone sandbox (the one
/// OTPWALL), two dashboards on one PostgreSQL database (the test command's throwaway cluster), and Debian's Caddy in
/// front of them with sticky sessions (<c>lb_policy cookie</c>). Runs only when the tests run on PostgreSQL and Caddy is
/// installed (scripts/test.sh installs it).
/// </summary>
public sealed class ReplicasFixture : IAsyncLifetime
{
    public const string ReplicaCookie = "otpwall_replica";
    private const string CookieSecret = "otpwall-replicas-journey";
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly string _work = Path.Combine(Path.GetTempPath(), "otpwall-replicas", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];
    private IPlaywright? _playwright;

    public static bool CanRun => TestDatabase.IsPostgreSql && File.Exists("/usr/bin/caddy");

    public Uri BaseUrl { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Sandbox { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The two dashboards, by name ("a", "b"): their process and the address Caddy dials.</summary>
    public Dictionary<string, (Process Process, string Dial)> Replicas { get; } = [];

    public async Task InitializeAsync()
    {
        if (!CanRun) return;
        Directory.CreateDirectory(_work);
        ConnectionString = TestDatabase.ConnectionStringFor(Path.Combine(_work, "database"));
        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0

        var sandboxPort = FreePort.Next();
        Start("sandbox", Path.Combine(root, "OtpWall.Sandbox", "bin", configuration, "net10.0"), "OtpWall.Sandbox.dll",
            new() { ["Sandbox__NoSmsRate"] = "1", ["ASPNETCORE_URLS"] = $"http://localhost:{sandboxPort}" });
        var dashboard = Path.Combine(root, "OtpWall.Dashboard", "bin", configuration, "net10.0");
        foreach (var name in new[] { "a", "b" })
        {
            var port = FreePort.Next();
            var process = Start(name, dashboard, "OtpWall.Dashboard.dll", new()
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://localhost:{port}",
                ["OtpWall__DataDirectory"] = Path.Combine(_work, name),
                ["OtpWall__Database__Provider"] = "PostgreSQL",
                ["OtpWall__Database__ConnectionString"] = ConnectionString,
                ["OtpWall__Sandbox__Enabled"] = "false",
                ["OtpWall__Upstream__BaseUrl"] = $"http://localhost:{sandboxPort}/sandbox/v1",
                ["OtpWall__Accounts__AttemptsPerMinute"] = "1000",
                ["OtpWall__Activations__StartDelay"] = "00:00:00",
            });
            Replicas[name] = (process, $"localhost:{port}");
        }

        var caddyPort = FreePort.Next();
        var caddyfile = Path.Combine(_work, "Caddyfile");
        await File.WriteAllTextAsync(caddyfile, $$"""
            {
            	admin off
            	auto_https off
            }
            http://localhost:{{caddyPort}} {
            	reverse_proxy {{Replicas["a"].Dial}} {{Replicas["b"].Dial}} {
            		lb_policy cookie {{ReplicaCookie}} {{CookieSecret}}
            		health_uri /healthz
            		health_interval 1s
            		header_down X-OtpWall-Replica {http.reverse_proxy.upstream.hostport}
            	}
            }
            """);
        Start("caddy", _work, null, new() { ["HOME"] = _work, ["XDG_CONFIG_HOME"] = _work, ["XDG_DATA_HOME"] = _work },
            "/usr/bin/caddy", ["run", "--config", caddyfile, "--adapter", "caddyfile"]);
        BaseUrl = new Uri($"http://localhost:{caddyPort}/");
        Sandbox = new HttpClient { BaseAddress = new Uri($"http://localhost:{sandboxPort}/sandbox/control/") };

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var url in Replicas.Values.Select(r => $"http://{r.Dial}/healthz").Append($"http://localhost:{sandboxPort}/").Append($"{BaseUrl}healthz"))
            await WaitForAsync(http, url);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("OTPWALL_E2E_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (!CanRun) return;
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        Sandbox?.Dispose();
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        TestDatabase.Drop(Path.Combine(_work, "database"));
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The cookie Caddy reads to send a browser to <paramref name="replica"/> (its upstream's HMAC, as Caddy computes it).</summary>
    public Cookie StickTo(string replica) => new()
    {
        Name = ReplicaCookie,
        Value = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CookieSecret), Encoding.UTF8.GetBytes(Replicas[replica].Dial))),
        Url = BaseUrl.ToString(),
    };

    /// <summary>Which replica holds the poller's lease now ("a" or "b"), from the lease row (its holder names the process).</summary>
    public async Task<string?> PollingReplicaAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Holder" FROM "PollerLeases" WHERE "ExpiresAt" > now()""", connection);
        var holder = await command.ExecuteScalarAsync() as string;
        return Replicas.FirstOrDefault(r => holder?.Split('/')[1] == r.Value.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Key;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string> NewSandboxKeyAsync(decimal balance)
    {
        var key = Guid.NewGuid().ToString("N");
        (await Sandbox.PostAsJsonAsync("keys", new { key, balance, currency = "USD" })).EnsureSuccessStatusCode();
        return key;
    }

    public async Task DeliverSmsAsync(string activationId, string text) =>
        (await Sandbox.PostAsJsonAsync($"activations/{activationId}/sms", new { text })).EnsureSuccessStatusCode();

    /// <summary>Kills a replica as a crash would (no shutdown, no lease given back).</summary>
    public void Kill(string replica)
    {
        Replicas[replica].Process.Kill(entireProcessTree: true);
        Replicas[replica].Process.WaitForExit();
    }

    /// <summary>What a replica wrote to its console (for a failure's message).</summary>
    public string LogOf(string name) => File.Exists(Path.Combine(_work, name + ".log")) ? File.ReadAllText(Path.Combine(_work, name + ".log")) : "";

    private Process Start(string name, string workingDirectory, string? dll, Dictionary<string, string> environment, string program = "dotnet", string[]? args = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll is not null) start.ArgumentList.Add(Path.Combine(workingDirectory, dll));
        foreach (var arg in args ?? []) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var log = new StreamWriter(Path.Combine(_work, name + ".log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static async Task WaitForAsync(HttpClient http, string url)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{url} did not answer within 30 s.");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "OtpWall.sln"))) return folder.FullName;
        throw new InvalidOperationException("The repository's root (OtpWall.sln) was not found above the test assembly.");
    }
}
