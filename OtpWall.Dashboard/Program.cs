using OtpWall.Core.Data;
using OtpWall.Dashboard.Hosting;

if (await MaintenanceCommands.TryRunAsync(args) is { } exitCode) return exitCode;

var builder = WebApplication.CreateBuilder(AppSettingsLocation.BuilderOptions(args)).UseAppSettingsBesideTheBinary();
builder.AddDashboard();

var app = builder.Build();
await app.Services.PrepareOtpWallDatabaseAsync();
app.UseDashboard();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
