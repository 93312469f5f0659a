using OtpWall.Core.Data;
using OtpWall.Dashboard.Hosting;

if (await MaintenanceCommands.TryRunAsync(args) is { } exitCode) return exitCode;

var builder = WebApplication.CreateBuilder(AppSettingsLocation.BuilderOptions(args)).UseAppSettingsBesideTheBinary();
builder.AddDashboard();

var app = builder.Build();
// The database is prepared while the server starts; requests and start-up work wait for it (DatabaseReadiness).
var database = Task.Run(() => app.Services.PrepareOtpWallDatabaseAsync());
app.UseDashboard();
await app.StartAsync();
try
{
    await database;
}
catch
{
    await app.StopAsync(); // a database that cannot be prepared stops the server, with the error
    throw;
}
await app.WaitForShutdownAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
