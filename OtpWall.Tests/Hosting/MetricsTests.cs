using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Hosting;

/// <summary>Metrics run alone: OpenTelemetry listens to every meter of its name in the process, other hosts included.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsRunAlone
{
    public const string Name = "metrics";
}

/// <summary>What an operator's Prometheus sees: the journey's counters moved, nothing secret, and no scrape without the token.</summary>
[Collection(MetricsRunAlone.Name)]
[Trait("Database", "BothEngines")] // the database size gauge, and counters moved by purchases stored in either engine
public sealed partial class MetricsTests
{
    internal const string Token = "scrape-token-for-tests-0123456789";

    internal static DashboardHost NewHost(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OtpWall:Metrics:Enabled"] = "true",
            ["OtpWall:Metrics:Token"] = Token,
            ["OtpWall:Activations:FastPollInterval"] = "00:00:01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return new DashboardHost(settings: settings);
    }

    internal static async Task<(HttpStatusCode Status, string Body)> ScrapeAsync(Uri root, string? token, string path = "metrics")
    {
        using var client = new HttpClient { BaseAddress = root };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // The value of one series ("name{labels} value"), labels matched in any order; 0 when the series is absent.
    internal static double Value(string scrape, string name, params string[] labels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            var match = SeriesLine().Match(line);
            if (!match.Success || match.Groups["name"].Value != name) continue;
            var present = match.Groups["labels"].Value;
            if (labels.All(l => present.Contains(l, StringComparison.Ordinal)))
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ ]+)")]
    private static partial Regex SeriesLine();

    [Fact]
    public async Task AScrapeWithoutTheToken_IsRefused()
    {
        await using var host = NewHost();
        host.StartServer();

        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(host.RootUri, null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(host.RootUri, "wrong-token-wrong-token-wrong")).Status);
        var (status, body) = await ScrapeAsync(host.RootUri, Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE otpwall_", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterBuySmsComplete_AndAFaultedPurchase_TheCountersAndHistogramsMoved_AndNothingSecretIsInTheScrape()
    {
        // Three account posts a minute: registering and two wrong passwords are answered, the fourth post is refused.
        await using var host = NewHost(new Dictionary<string, string?> { ["OtpWall:Accounts:AttemptsPerMinute"] = "3" });
        var (session, userId) = await host.RegisterAdministratorAsync("operator@example.com");
        using var _ = session;
        var issued = await host.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId);
        Assert.True(issued.Saved);
        var key = (await host.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).Key!;
        var activations = host.Services.GetRequiredService<ActivationService>();
        var purchases = host.Services.GetRequiredService<Purchases>();
        var queries = host.Services.GetRequiredService<ActivationQueries>();
        const string sms = "Telegram code: 73105. You can also tap on this link";

        // Buy → SMS → complete.
        var bought = (await purchases.BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!;
        host.Services.GetRequiredService<SandboxSimulator>().DeliverSms(bought.UpstreamId!, sms);
        await Eventually.EqualAsync(ActivationStatus.Received, async () => (await queries.LiveAsync(userId)).Single(a => a.Id == bought.Id).Status);
        Assert.True((await activations.CompleteAsync(userId, bought.Id)).Confirmed);

        // A purchase whose answer is lost (OTPWALL fails after taking it).
        var faults = host.Services.GetRequiredService<SandboxFaults>();
        faults.Set(new SandboxFaultSettings { ErrorRate = 1.0, ErrorStatus = 502, PathContains = "/number" });
        var unknown = await purchases.BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));
        faults.Set(SandboxFaultSettings.None);
        Assert.Equal(BuyOutcome.OutcomeUnknown, unknown.Outcome);
        // A refusal for want of numbers, and a wrong password.
        await purchases.BuyAsync(userId, Guid.NewGuid(), new Service("wechat", "WeChat"), new Country("US", "United States"));
        using (var guesser = host.NewSession())
        {
            for (var i = 0; i < 3; i++)
                using (await guesser.SignInAsync("operator@example.com", "not the password at all")) { }
        }

        var (status, scrape) = await ScrapeAsync(host.RootUri, Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, Value(scrape, "otpwall_purchases_total", "outcome=\"bought\""));
        Assert.Equal(1, Value(scrape, "otpwall_purchases_total", "outcome=\"outcome_unknown\""));
        Assert.Equal(1, Value(scrape, "otpwall_purchases_total", "outcome=\"refused\"", "reason=\"no_numbers\""));
        Assert.Equal(1, Value(scrape, "otpwall_upstream_requests_total", "operation=\"buy\"", "outcome=\"ok\""));
        Assert.Equal(1, Value(scrape, "otpwall_upstream_requests_total", "operation=\"buy\"", "outcome=\"outcome_unknown\""));
        Assert.Equal(1, Value(scrape, "otpwall_upstream_requests_total", "operation=\"complete\"", "outcome=\"ok\""));
        Assert.True(Value(scrape, "otpwall_upstream_request_duration_seconds_count", "operation=\"status\"", "outcome=\"ok\"") >= 1);
        Assert.True(Value(scrape, "otpwall_status_reads_total") >= 1);
        Assert.True(Value(scrape, "otpwall_poll_lag_seconds_count") >= 1);
        Assert.Equal(1, Value(scrape, "otpwall_codes_delivered_total"));
        Assert.Equal(1, Value(scrape, "otpwall_sms_to_screen_seconds_count"));
        Assert.Equal(2, Value(scrape, "otpwall_sign_in_failures_total"));
        Assert.Equal(1, Value(scrape, "otpwall_rate_limit_rejections_total", "policy=\"account_forms\""));
        Assert.Equal(0, Value(scrape, "otpwall_activations_open", "status=\"waiting\""));
        Assert.Contains("otpwall_activations_open{", scrape, StringComparison.Ordinal);
        Assert.True(Value(scrape, "otpwall_database_size_bytes") > 0);
        Assert.True(Value(scrape, "otpwall_data_folder_free_bytes") > 0);
        Assert.True(Value(scrape, "otpwall_data_folder_size_bytes") >= Value(scrape, "otpwall_data_folder_free_bytes"));
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_", scrape, StringComparison.Ordinal);

        foreach (var secret in new[] { key.Reveal(), "operator@example.com", bought.Number!, bought.Number!.TrimStart('+'), "73105", sms, userId, bought.UpstreamId! })
            Assert.DoesNotContain(secret, scrape, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheCircuitsGauge_CountsCircuitsOpenedAndNotYetClosed()
    {
        await using var host = NewHost();
        host.StartServer();
        using var scope = host.Services.CreateScope();
        var counter = scope.ServiceProvider.GetServices<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>().OfType<OtpWall.Dashboard.Hosting.CircuitCounter>().Single();

        await counter.OnCircuitOpenedAsync(null!, default);
        await counter.OnCircuitOpenedAsync(null!, default);
        await counter.OnCircuitClosedAsync(null!, default);

        Assert.Equal(1, Value((await ScrapeAsync(host.RootUri, Token)).Body, "otpwall_circuits"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BlazorsPerComponentSeries_AreLeftOutOfTheScrape_UnlessAskedFor_AndCircuitsStayIn(bool componentMetrics)
    {
        await using var host = NewHost(new Dictionary<string, string?> { ["OtpWall:Metrics:ComponentMetrics"] = componentMetrics ? "true" : "false" });
        using var _ = host.NewSession();
        // Recorded on Blazor's own meters, as its renderer records every component type's renders and events.
        using var lifecycle = new System.Diagnostics.Metrics.Meter("Microsoft.AspNetCore.Components.Lifecycle");
        var renders = lifecycle.CreateHistogram<double>("aspnetcore.components.update_parameters.duration", "s");
        for (var type = 0; type < 200; type++)
            renders.Record(0.001, new KeyValuePair<string, object?>("aspnetcore.components.type", $"OtpWall.Dashboard.Component{type}"));
        using var circuits = new System.Diagnostics.Metrics.Meter("Microsoft.AspNetCore.Components.Server.Circuits");
        circuits.CreateUpDownCounter<long>("aspnetcore.components.circuit.active").Add(1);

        var (status, scrape) = await ScrapeAsync(host.RootUri, Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(componentMetrics, scrape.Contains("aspnetcore_components_update_parameters_duration", StringComparison.Ordinal));
        Assert.Contains("aspnetcore_components_circuit_active", scrape, StringComparison.Ordinal);
        if (!componentMetrics) Assert.True(scrape.Length < 200 * 1024, $"{scrape.Length} bytes");
    }

    [Fact]
    public async Task OnASeparatePort_TheScrapeIsServedThereOnly()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var host = NewHost(new Dictionary<string, string?> { ["OtpWall:Metrics:Token"] = "", ["OtpWall:Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture) });
        host.StartServer();

        var (status, body) = await ScrapeAsync(new Uri($"http://localhost:{port}/"), null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("otpwall_", body, StringComparison.Ordinal);
        var onPublic = await ScrapeAsync(host.RootUri, null);
        Assert.DoesNotContain("otpwall_", onPublic.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnabledWithoutATokenOrAPort_DoesNotStart_AndSaysWhy()
    {
        await using var host = NewHost(new Dictionary<string, string?> { ["OtpWall:Metrics:Token"] = "" });

        var error = Assert.ThrowsAny<Exception>(host.StartServer);

        Assert.Contains("OtpWall:Metrics:Token", error.ToString(), StringComparison.Ordinal);
    }
}
