using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Accounts;
using Microsoft.Playwright;

namespace OtpWall.BrowserTests.Support;

/// <summary>
/// The dashboard under test with the sandbox on, and one Chromium for a test class. By default a fresh instance on a
/// free localhost port with a temporary data folder; with <c>OTPWALL_E2E_BASE_URL</c> set, an instance already
/// running there (it must run in sandbox mode: the journeys drive its simulator).
/// </summary>
public class SiteFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private Factory? _factory;
    private IPlaywright? _playwright;

    public Uri BaseUrl { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    /// <summary>The administrator's e-mail once known: registered by the first journey, or given for an external instance.</summary>
    public string? AdministratorEmail { get; set; } = Environment.GetEnvironmentVariable("OTPWALL_E2E_ADMIN_EMAIL");

    public string AdministratorPassword { get; } = Environment.GetEnvironmentVariable("OTPWALL_E2E_ADMIN_PASSWORD") ?? Person.DefaultPassword;

    /// <summary>Settings of the instance this fixture starts (ignored for an external one).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Where the instance this fixture starts logs to (nowhere, unless a fixture says otherwise).</summary>
    protected virtual void ConfigureLogging(ILoggingBuilder logging)
    {
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("OTPWALL_E2E_BASE_URL") is { Length: > 0 } external)
        {
            BaseUrl = new Uri(external.TrimEnd('/') + "/");
        }
        else
        {
            _factory = new Factory(Settings, ConfigureLogging);
            _factory.StartServer();
            // Pages are served on localhost, as people open them (the passkey and clipboard APIs want it).
            BaseUrl = new UriBuilder(_factory.ClientOptions.BaseAddress) { Host = "localhost" }.Uri;
        }
        Control = new HttpClient { BaseAddress = new Uri(BaseUrl, "sandbox/control/") };
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("OTPWALL_E2E_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        Control.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
    }

    /// <summary>
    /// A new invite link from the administrator, made through the Team service the Team page's button calls (an
    /// instance this fixture started), or null for an external instance. Journeys that are not about invites get their
    /// members this way: clicking through the Team page for each one cost two seconds a member.
    /// </summary>
    public async Task<string?> InviteLinkAsync()
    {
        if (_factory is null || AdministratorEmail is null) return null;
        await using var scope = _factory.Services.CreateAsyncScope();
        var administrator = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(AdministratorEmail)
            ?? throw new InvalidOperationException($"The administrator {AdministratorEmail} is not registered.");
        var invite = await scope.ServiceProvider.GetRequiredService<TeamService>().CreateInviteAsync(administrator.Id);
        return new Uri(BaseUrl, $"Account/Register?invite={Uri.EscapeDataString(invite.Token)}").ToString();
    }

    public async Task DeliverSmsAsync(string activationId, string text) =>
        (await Control.PostAsJsonAsync($"activations/{activationId}/sms", new { text })).EnsureSuccessStatusCode();

    public async Task SetFaultsAsync(object faults) => (await Control.PostAsJsonAsync("faults", faults)).EnsureSuccessStatusCode();

    private sealed class Factory(IDictionary<string, string?> settings, Action<ILoggingBuilder> configureLogging) : WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "otpwall-e2e", Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            UseKestrel(0);
            builder.UseEnvironment("Testing");
            builder.UseStaticWebAssets();
            builder.UseSetting("OtpWall:DataDirectory", _dataDirectory);
            builder.UseSetting("OtpWall:Sandbox:Enabled", "true");
            builder.UseSetting("OtpWall:Sandbox:NoSmsRate", "1");
            builder.UseSetting("OtpWall:Sandbox:OpenControl", "true"); // the journeys deliver SMS and switch faults as the suite

            builder.UseSetting("OtpWall:Accounts:AttemptsPerMinute", "1000");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                configureLogging(logging);
            });
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
            GC.SuppressFinalize(this);
        }
    }
}

/// <summary>An instance that logs everything, SignalR's and the circuits' categories included, at Trace, into <see cref="Logs"/>.</summary>
public sealed class TraceLoggingSiteFixture : SiteFixture
{
    public OtpWall.Tests.Support.CapturingLoggerProvider Logs { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.SignalR"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Components"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Http.Connections"] = "Trace",
    };

    protected override void ConfigureLogging(ILoggingBuilder logging) => logging.AddProvider(Logs);
}

/// <summary>An instance whose numbers expire (and are cancelled) within seconds.</summary>
public sealed class ShortLivedSiteFixture : SiteFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OtpWall:Activations:Lifetime"] = "00:00:12",
        ["OtpWall:Activations:AutoCancelMargin"] = "00:00:04",
    };
}
