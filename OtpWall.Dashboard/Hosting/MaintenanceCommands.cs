using Microsoft.Extensions.Options;
using OtpWall.Core.Data;

namespace OtpWall.Dashboard.Hosting;

/// <summary>
/// What the dashboard's binary does besides serving: <c>--probe</c> (the container's health check, no curl needed),
/// <c>backup FILE</c> and <c>restore FILE</c>. Returns null when the arguments ask for none of them.
/// </summary>
internal static class MaintenanceCommands
{
    public static async Task<int?> TryRunAsync(string[] args)
    {
        switch (args)
        {
            case ["--probe", .. var rest]:
                return await ProbeAsync(rest.FirstOrDefault());
            case ["backup", var archive, .. var rest]:
                return await WithDataAsync(rest, async data =>
                {
                    await DataBackup.BackupAsync(data, archive);
                    Console.WriteLine($"Backed up the database and the key ring to {Path.GetFullPath(archive)}.");
                });
            case ["restore", var archive, .. var rest]:
                return await WithDataAsync(rest, data =>
                {
                    DataBackup.Restore(data, archive, DateTimeOffset.UtcNow);
                    Console.WriteLine($"Restored {Path.GetFullPath(archive)} into {data.DataDirectory}. Start the dashboard again.");
                    return Task.CompletedTask;
                });
            case ["backup" or "restore"]:
                await Console.Error.WriteLineAsync("Name the archive: backup /data/backups/otpwall.zip, or restore /data/backups/otpwall.zip.");
                return 2;
            default:
                return null;
        }
    }

    /// <summary>Asks this instance's <c>/healthz</c>; 0 when healthy.</summary>
    public static async Task<int> ProbeAsync(string? url)
    {
        url ??= $"http://localhost:{FirstPort()}/healthz";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            var healthy = response.IsSuccessStatusCode && body.Contains("\"status\":\"Healthy\"", StringComparison.Ordinal);
            Console.WriteLine(healthy ? "healthy" : $"unhealthy: HTTP {(int)response.StatusCode}");
            return healthy ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine("unhealthy: no answer");
            return 1;
        }
    }

    private static string FirstPort() =>
        (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();

    private static async Task<int> WithDataAsync(string[] args, Func<DataDirectoryOptions, Task> run)
    {
        var builder = WebApplication.CreateBuilder(AppSettingsLocation.BuilderOptions(args)).UseAppSettingsBesideTheBinary();
        builder.AddDashboard();
        await using var app = builder.Build();
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgreSql)
        {
            // Everything (the key ring too) is in the PostgreSQL database: its own tools copy it consistently.
            await Console.Error.WriteLineAsync(
                "This dashboard keeps its data in PostgreSQL, key ring included: back it up with pg_dump " +
                "(pg_dump -Fc -d otpwall -f otpwall.dump) and restore it with pg_restore (pg_restore --clean -d otpwall otpwall.dump). See the README.");
            return 2;
        }
        try
        {
            await run(app.Services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }
}
