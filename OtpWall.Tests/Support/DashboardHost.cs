using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OtpWall.Tests.Support;

/// <summary>
/// The real dashboard on a real localhost port, with the sandbox on and its own temporary data folder. Two hosts
/// given the same folder are the same instance before and after a restart.
/// </summary>
public sealed class DashboardHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;

    /// <summary>A host on <paramref name="dataDirectory"/>, or on a new folder it deletes when disposed.</summary>
    public DashboardHost(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        UseKestrel(0);
    }

    public string DataDirectory { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>
    /// Hash passwords as the shipped dashboard does (Identity's default iterations), for the tests that time sign-ins;
    /// otherwise a test host hashes with few iterations, since every test registers and signs people in.
    /// </summary>
    public bool RealPasswordHashing { get; init; }

    /// <summary>PBKDF2 iterations of a test host's password hashes (not the shipped count: see <see cref="RealPasswordHashing"/>).</summary>
    public const int TestHashIterations = 100;

    /// <summary>Log every category at Trace (for the tests that read the log for secrets); otherwise warnings and errors only.</summary>
    public bool TraceLogs { get; init; }

    /// <summary>Replaces the dashboard's services before it starts (a test's clock, for one).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public Uri RootUri => ClientOptions.BaseAddress;

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "otpwall-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A person with their own cookies.</summary>
    public BrowserlessSession NewSession()
    {
        StartServer();
        return new BrowserlessSession(ClientOptions.BaseAddress);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataDirectory) TestDatabase.Drop(DataDirectory);
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Run from the build output, as `dotnet run` does: package assets (MudBlazor) come from the static web assets manifest.
        builder.UseStaticWebAssets();
        builder.UseSetting("OtpWall:DataDirectory", DataDirectory);
        TestDatabase.SeedSqlite(DataDirectory);
        foreach (var (key, value) in TestDatabase.SettingsFor(DataDirectory)) builder.UseSetting(key, value);
        builder.UseSetting("OtpWall:Sandbox:Enabled", "true");
        builder.UseSetting("OtpWall:Sandbox:NoSmsRate", "1");
        builder.UseSetting("OtpWall:Accounts:AttemptsPerMinute", "1000");
        if (TraceLogs)
        {
            // Everything is logged, at every level, so a test can check that no secret reaches a log line.
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Trace");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        }
        else
        {
            // Warnings and errors only: what a test that does not read the log needs when it fails.
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Warning");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Warning");
        }
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (!RealPasswordHashing)
            builder.ConfigureTestServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = TestHashIterations));
        if (ConfigureServices is { } configure) builder.ConfigureTestServices(configure);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(TraceLogs ? LogLevel.Trace : LogLevel.Warning);
            logging.AddProvider(Logs);
        });
    }
}
