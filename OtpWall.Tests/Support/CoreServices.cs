using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OtpWall.Core;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;

namespace OtpWall.Tests.Support;

/// <summary>
/// The dashboard's real Core services (SQLite in a temporary folder, or PostgreSQL: <see cref="TestDatabase"/>; Identity, the OTPWALL client) pointed at a
/// sandbox over HTTP, on the clock a test chooses. The poller is not started: tests run its rounds themselves.
/// </summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly bool _ownsDataDirectory;
    private int _users;

    private CoreServices(ServiceProvider provider, string dataDirectory, bool ownsDataDirectory, SandboxServer sandbox)
    {
        (_provider, DataDirectory, _ownsDataDirectory, Sandbox) = (provider, dataDirectory, ownsDataDirectory, sandbox);
    }

    public IServiceProvider Services => _provider;

    public string DataDirectory { get; }

    public SandboxServer Sandbox { get; }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public static async Task<CoreServices> StartAsync(
        SandboxServer sandbox, TimeProvider time, string? dataDirectory = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        var folder = dataDirectory ?? DashboardHost.NewDataDirectory();
        TestDatabase.SeedSqlite(folder);
        AddTo(services, folder, sandbox, time, settings);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.PrepareOtpWallDatabaseAsync();
        return new CoreServices(provider, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DataDirectoryOptions>>().Value.DataDirectory,
            dataDirectory is null, sandbox);
    }

    /// <summary>Registers Core as the dashboard does, on <paramref name="dataDirectory"/> and <paramref name="time"/>.</summary>
    public static void AddTo(IServiceCollection services, string dataDirectory, SandboxServer sandbox, TimeProvider time, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["OtpWall:DataDirectory"] = dataDirectory,
            ["OtpWall:Upstream:BaseUrl"] = sandbox.ApiBaseUrl.ToString(),
            ["OtpWall:Upstream:MaxRetries"] = "0",
        };
        foreach (var (key, value) in TestDatabase.SettingsFor(dataDirectory)) values[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(dataDirectory));
        services.AddSingleton(time);
        services.AddLogging();
        services.AddOtpWallCore();
        services.AddIdentityCore<ApplicationUser>().AddOtpWallAccountRules();
    }

    /// <summary>A new user (the first one is the administrator, who opens registration for the rest).</summary>
    public async Task<string> NewUserAsync(string email)
    {
        var registration = Get<RegistrationService>();
        var user = (await registration.RegisterAsync(email, "correct horse battery staple", null)).User
            ?? throw new InvalidOperationException($"Could not register {email}.");
        if (Interlocked.Increment(ref _users) == 1) await registration.SetPolicyAsync(user.Id, RegistrationPolicy.Open);
        return user.Id;
    }

    /// <summary>A new user whose saved key is a fresh sandbox account holding <paramref name="balance"/>.</summary>
    public async Task<(string UserId, OtpWallApiKey Key)> NewUserWithKeyAsync(string email, decimal balance = 10.00m)
    {
        var userId = await NewUserAsync(email);
        var key = await Sandbox.NewAccountAsync(balance);
        await Get<ApiKeyVault>().SaveAsync(userId, key);
        return (userId, key);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDataDirectory) return;
        TestDatabase.Drop(DataDirectory);
        // A refund makes the wallet read again in the background; that read may still open the database for a moment.
        for (var attempt = 1; Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(50);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
    }

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "OtpWall.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
