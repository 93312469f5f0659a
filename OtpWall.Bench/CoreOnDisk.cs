using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OtpWall.Core;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;

namespace OtpWall.Bench;

/// <summary>
/// Core's services (no web host) on a fresh SQLite database in a temporary folder, with <c>people</c> registered; the
/// first is the administrator, who opens registration for the others. Deleted when disposed.
/// </summary>
internal sealed class CoreOnDisk : IAsyncDisposable
{
    private CoreOnDisk(ServiceProvider services, string folder, List<string> users) => (Services, _folder, Users) = (services, folder, users);

    private readonly string _folder;

    public ServiceProvider Services { get; }

    public List<string> Users { get; }

    public static async Task<CoreOnDisk> StartAsync(string name, int people)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"otpwall-bench-{name}-" + Guid.NewGuid().ToString("N"));
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OtpWall:DataDirectory"] = folder }).Build());
        collection.AddSingleton<IHostEnvironment>(new Environment(folder));
        collection.AddLogging();
        collection.AddOtpWallCore();
        collection.AddIdentityCore<ApplicationUser>().AddOtpWallAccountRules();
        var services = collection.BuildServiceProvider();
        await services.PrepareOtpWallDatabaseAsync();
        var registration = services.GetRequiredService<RegistrationService>();
        var users = new List<string>();
        for (var i = 0; i < people; i++)
        {
            users.Add((await registration.RegisterAsync($"member{i}@example.com", "correct horse battery staple", null)).User!.Id);
            if (i == 0) await registration.SetPolicyAsync(users[0], RegistrationPolicy.Open);
        }
        return new CoreOnDisk(services, folder, users);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await DeleteAsync(_folder);
    }

    // A temporary folder: deleted again if work still finishing (a snapshot refresh, SQLite's side files) wrote into it
    // meanwhile; left behind with a word, never failing the measurement that used it.
    internal static async Task DeleteAsync(string folder)
    {
        for (var attempt = 1; Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(200);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Could not delete {folder}: {ex.Message}");
                return;
            }
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
