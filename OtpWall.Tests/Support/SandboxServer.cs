using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;
using OtpWall.Sandbox;

namespace OtpWall.Tests.Support;

/// <summary>
/// The sandbox on a real Kestrel port, as the dashboard would reach OTPWALL. SMS never arrive on their own here
/// (tests deliver them through the control surface), so every outcome is decided by the test.
/// </summary>
public sealed class SandboxServer : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Root { get; private set; } = null!;

    public Uri ApiBaseUrl => new(Root, "sandbox/v1");

    public HttpClient Control { get; private set; } = null!;

    /// <summary>The running simulator itself, for hosts that create sandbox accounts in-process.</summary>
    public SandboxSimulator Simulator => _app!.Services.GetRequiredService<SandboxSimulator>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:Seed"] = "20261126",
            ["Sandbox:NoSmsRate"] = "1",
        });
        builder.Services.AddOtpWallSandbox();
        _app = builder.Build();
        _app.MapOtpWallSandbox("/sandbox");
        await _app.StartAsync();
        Root = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
        Control = new HttpClient { BaseAddress = new Uri(Root, "sandbox/control/") };
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>Creates a sandbox account with a fresh random key.</summary>
    public async Task<OtpWallApiKey> NewAccountAsync(decimal balance = 10.00m)
    {
        var key = OtpWallApiKey.Parse(Guid.NewGuid().ToString("N"));
        var response = await Control.PostAsJsonAsync("keys", new { key = key.Reveal(), balance, currency = "USD" });
        response.EnsureSuccessStatusCode();
        return key;
    }

    public async Task SetFaultsAsync(object faults) => (await Control.PostAsJsonAsync("faults", faults)).EnsureSuccessStatusCode();

    public Task ClearFaultsAsync() => SetFaultsAsync(new { });

    public async Task DeliverSmsAsync(string activationId, string text) =>
        (await Control.PostAsJsonAsync($"activations/{activationId}/sms", new { text })).EnsureSuccessStatusCode();

    /// <summary>How many requests the sandbox has served for "METHOD /path" (path after /v1).</summary>
    public async Task<long> RequestCountAsync(string methodAndPath)
    {
        var stats = await Control.GetFromJsonAsync<JsonElement>("stats");
        return stats.GetProperty("byPath").TryGetProperty(methodAndPath, out var count) ? count.GetInt64() : 0;
    }

    /// <summary>A client as the dashboard registers it, pointed at this sandbox (or at <paramref name="baseUrl"/>).</summary>
    public OtpWallClient CreateClient(Action<OtpWallUpstreamOptions>? configure = null, ILoggerProvider? logs = null, Uri? baseUrl = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null) logging.AddProvider(logs);
        });
        services.AddOtpWallUpstream();
        services.Configure<OtpWallUpstreamOptions>(options =>
        {
            options.BaseUrl = baseUrl ?? ApiBaseUrl;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider().GetRequiredService<OtpWallClient>();
    }
}
