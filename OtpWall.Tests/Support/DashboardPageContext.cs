using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;
using OtpWall.Dashboard.Components.Shared;
using OtpWall.Dashboard.SandboxMode;

namespace OtpWall.Tests.Support;

/// <summary>
/// bUnit with the dashboard's real Core services over a temporary SQLite file, talking to the sandbox over HTTP,
/// under a fake clock, with one signed-in user.
/// </summary>
public abstract class DashboardPageContext : BunitContext, IAsyncLifetime
{
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();
    private readonly BunitAuthorizationContext _authorization;

    protected DashboardPageContext(SandboxServer sandbox, bool sandboxInApp = false)
    {
        Sandbox = sandbox;
        // Real HTTP and SQLite behind the pages: the first call of a run can take longer than bUnit's default second.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        CoreServices.AddTo(Services, _dataDirectory, sandbox, Time);
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton(new UpstreamMode(IsSandbox: true, InApp: sandboxInApp));
        Services.AddOptions<SandboxModeOptions>().Configure(o => o.StartingBalance = 25.00m);
        if (sandboxInApp)
        {
            Services.AddSingleton(sandbox.Simulator);
            Services.AddSingleton<SandboxAccountRestorer>(); // started in InitializeAsync, as the dashboard's host starts it
        }
        Services.AddSingleton<SandboxKeyIssuer>();
        Services.AddScoped<Clipboard>();
        _authorization = AddAuthorization();
    }

    protected SandboxServer Sandbox { get; }

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected string UserId { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        await Sandbox.ClearFaultsAsync();
        TestDatabase.SeedSqlite(_dataDirectory);
        await Services.PrepareOtpWallDatabaseAsync();
        var registered = await Services.GetRequiredService<RegistrationService>().RegisterAsync("person@example.com", "correct horse battery staple", null);
        UserId = registered.User!.Id;
        if (Services.GetService<SandboxAccountRestorer>() is { } books) await books.StartAsync(CancellationToken.None);
        _authorization.SetAuthorized("person@example.com").SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        Render<MudPopoverProvider>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Services.GetService<SandboxAccountRestorer>() is { } books) await books.StopAsync(CancellationToken.None);
        await base.DisposeAsync();
        await Sandbox.ClearFaultsAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestDatabase.Drop(_dataDirectory);
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
