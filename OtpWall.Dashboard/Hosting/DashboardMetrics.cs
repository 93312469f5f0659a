using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OtpWall.Core.Data;
using OtpWall.Core.Diagnostics;

namespace OtpWall.Dashboard.Hosting;

/// <summary>Whether and how metrics leave the process. Bound from <c>OtpWall:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "OtpWall:Metrics";

    /// <summary>Serve a Prometheus scrape at <c>/metrics</c>. Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The bearer token a scrape must send on the public port (at least 16 characters).</summary>
    public string? Token { get; set; }

    /// <summary>A separate port for the scrape (never published): then <c>/metrics</c> is served only there.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Also push metrics over OTLP to this collector when set.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// Blazor's per-component series (renders, parameter updates and events of every component type): thousands of series
    /// after a working hour, so off unless asked for. Circuit counts are always exported.
    /// </summary>
    public bool ComponentMetrics { get; set; }
}

/// <summary>
/// OpenTelemetry in the Dashboard's hosting only: Core's <see cref="OtpWallMetrics"/> meter plus ASP.NET Core,
/// HttpClient and runtime instrumentation, exported as a Prometheus scrape (token or separate port) and/or over OTLP.
/// </summary>
public static class DashboardMetrics
{
    public const string ScrapePath = "/metrics";

    /// <summary>Blazor's meters whose series are per component type (left out unless <see cref="MetricsOptions.ComponentMetrics"/>).</summary>
    public static readonly IReadOnlySet<string> PerComponentMeters = new HashSet<string>(StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle",
    };

    public static WebApplicationBuilder AddDashboardMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !o.Enabled || o.Port is not null || o.Token?.Trim().Length >= 16,
                "OtpWall:Metrics:Enabled needs OtpWall:Metrics:Token (16 characters or more) or a separate OtpWall:Metrics:Port: the scrape is never open on the public address.")
            .ValidateOnStart();
        // Live circuits are counted whether or not anything exports them (an up-down counter costs nothing unheard).
        builder.Services.AddScoped<CircuitHandler, CircuitCounter>();

        var options = builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        if (!options.Enabled && options.OtlpEndpoint is null) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("otpwall-dashboard"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OtpWallMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (!options.ComponentMetrics)
                    metrics.AddView(instrument => PerComponentMeters.Contains(instrument.Meter.Name) ? MetricStreamConfiguration.Drop : null);
                if (options.Enabled && options.Port is { } port)
                    metrics.AddPrometheusHttpListener(listener =>
                    {
                        // Every address of the machine (in a container, the internal network's): the port is never published.
                        listener.Host = "localhost";
                        listener.Port = port;
                        listener.ConfigureHttpListener = (_, http) =>
                        {
                            http.Prefixes.Clear();
                            http.Prefixes.Add($"http://+:{port}/");
                        };
                        listener.ScrapeEndpointPath = ScrapePath;
                        listener.ScrapeResponseCacheDurationMilliseconds = 0;
                    });
                else if (options.Enabled)
                    metrics.AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.OtlpEndpoint is { } endpoint) metrics.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
            });
        return builder;
    }

    /// <summary>The scrape on the public port, behind its token; the data folder's gauges.</summary>
    public static WebApplication UseDashboardMetrics(this WebApplication app)
    {
        var data = app.Services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value;
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        app.Services.GetRequiredService<OtpWallMetrics>().ObserveStorage(() => Storage(data, database));
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled || options.Port is not null) return app;
        var token = Encoding.UTF8.GetBytes(options.Token!.Trim());
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path == ScrapePath,
            path: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => HasToken(context, token) ? next(context) : RefuseAsync(context)),
            optionsName: null);
        return app;
    }

    private static bool HasToken(HttpContext context, byte[] token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), token);
    }

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    // The database file with its journal (or the PostgreSQL database's size, as the server counts it), and the disk of
    // the data folder.
    private static (long? DatabaseBytes, long? FreeBytes, long? TotalBytes) Storage(DataDirectoryOptions data, DatabaseOptions databaseOptions)
    {
        var folder = Path.GetFullPath(data.DataDirectory);
        var database = Path.GetFullPath(data.DatabasePath);
        long? databaseBytes = databaseOptions.IsPostgreSql ? PostgreSqlSize(databaseOptions.ConnectionString!)
            : File.Exists(database) ? new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length)
            : null;
        var drive = new DriveInfo(Directory.Exists(folder) ? folder : Path.GetPathRoot(folder)!);
        return (databaseBytes, drive.AvailableFreeSpace, drive.TotalSize);
    }

    private static long? PostgreSqlSize(string connectionString)
    {
        try
        {
            // A scrape waits seconds at most for an unreachable server (the gauge is then missing, not the scrape).
            var quick = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, CommandTimeout = 3 };
            using var connection = new Npgsql.NpgsqlConnection(quick.ConnectionString);
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
            return command.ExecuteScalar() as long?;
        }
        catch (Npgsql.NpgsqlException)
        {
            return null;
        }
    }
}

/// <summary>Counts the live circuits (browser tabs) of this process.</summary>
internal sealed class CircuitCounter(OtpWallMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
