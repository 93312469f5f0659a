using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OtpWall.Sandbox;

public static class SandboxEndpoints
{
    /// <summary>
    /// Serves the simulated OTPWALL API at <c>{prefix}/v1</c> and its control surface at <c>{prefix}/control</c>.
    /// Needs <see cref="SandboxServiceCollectionExtensions.AddOtpWallSandbox"/>. <paramref name="configureControl"/> may
    /// guard the control surface (a host serving it to the public adds its own filter).
    /// </summary>
    public static IEndpointRouteBuilder MapOtpWallSandbox(
        this IEndpointRouteBuilder endpoints, string prefix = "/sandbox", Action<RouteGroupBuilder>? configureControl = null)
    {
        prefix = "/" + prefix.Trim('/');
        var services = endpoints.ServiceProvider;
        var simulator = services.GetRequiredService<SandboxSimulator>();
        var faults = services.GetRequiredService<SandboxFaults>();
        var stats = services.GetRequiredService<SandboxStats>();

        var api = endpoints.MapGroup(prefix + "/v1")
            .AddEndpointFilter(new SandboxApiFilter(prefix + "/v1", simulator, faults, stats, services.GetRequiredService<TimeProvider>()))
            .ExcludeFromDescription();
        MapApi(api, simulator, faults, stats, services.GetRequiredService<TimeProvider>());
        endpoints.Map(prefix + "/v1/{**rest}", () => SandboxJson.Error(404, "not_found", "No such endpoint."));

        var control = endpoints.MapGroup(prefix + "/control")
            .AddEndpointFilter(async (context, next) =>
            {
                try { return await next(context); }
                catch (SandboxRefusalException refusal) { return SandboxJson.Error(refusal.Status, refusal.Code, refusal.Message); }
            })
            .ExcludeFromDescription();
        configureControl?.Invoke(control);
        MapControl(control, simulator, faults, stats);
        return endpoints;
    }

    private static void MapApi(RouteGroupBuilder api, SandboxSimulator simulator, SandboxFaults faults, SandboxStats stats, TimeProvider time)
    {
        api.MapGet("/balance", (HttpContext http) =>
        {
            var (balance, currency) = simulator.GetBalance(KeyOf(http));
            return SandboxJson.Balance(balance, currency, faults.Current);
        });

        api.MapPost("/number", async (HttpContext http) =>
        {
            var body = await SandboxJson.ReadBodyAsync<BuyBody>(http.Request);
            var bought = simulator.Buy(KeyOf(http), body.Service, body.Country);
            return SandboxJson.Activation(bought, faults.Current, withNumber: true, withSms: false);
        });

        api.MapGet("/activation/{id}/status", (HttpContext http, string id) =>
        {
            var activation = simulator.GetActivation(KeyOf(http), id);
            if (activation.LatestSms is not null) stats.SmsAnswered(activation.Id, time.GetUtcNow());
            return SandboxJson.Activation(activation, faults.Current, withNumber: false, withSms: true);
        });

        api.MapPost("/activation/{id}/status", async (HttpContext http, string id) =>
        {
            var body = await SandboxJson.ReadBodyAsync<StatusBody>(http.Request);
            var changed = simulator.ChangeStatus(KeyOf(http), id, body.Status);
            return SandboxJson.Activation(changed, faults.Current, withNumber: false, withSms: false);
        });

        api.MapGet("/countries", () => SandboxJson.Catalogue(SandboxCatalogue.Countries.Select(c => (c.Code, c.Name))));
        api.MapGet("/services", () => SandboxJson.Catalogue(SandboxCatalogue.Services.Select(s => (s.Code, s.Name))));
    }

    private static void MapControl(RouteGroupBuilder control, SandboxSimulator simulator, SandboxFaults faults, SandboxStats stats)
    {
        control.MapPost("/keys", async (HttpRequest request) =>
        {
            var body = await ReadAccountRequestAsync(request);
            var (key, balance, currency) = simulator.CreateAccount(body.Key, body.Balance, body.Currency);
            return Results.Json(new { key, balance, currency }, JsonSerializerOptions.Web);
        });

        control.MapPost("/activations/{id}/sms", async (HttpRequest request, string id) =>
        {
            var body = await SandboxJson.ReadBodyAsync(request, new SmsBody(null));
            var delivered = simulator.DeliverSms(id, body.Text);
            return Results.Json(
                new { activation_id = delivered.Id, status = SandboxSimulator.Wire(delivered.Status), sms = delivered.LatestSms },
                JsonSerializerOptions.Web);
        });

        control.MapPost("/stock", async (HttpRequest request) =>
        {
            var body = await SandboxJson.ReadBodyAsync<StockBody>(request);
            if (body.Available is not { } available) throw new SandboxRefusalException(400, "invalid_request", "Say \"available\": true or false.");
            simulator.SetStock(body.Service, body.Country, available);
            return Results.Json(new { service = body.Service, country = body.Country, available }, JsonSerializerOptions.Web);
        });

        control.MapPost("/prices", async (HttpRequest request) =>
        {
            var body = await SandboxJson.ReadBodyAsync<PriceBody>(request);
            var price = simulator.SetPrice(body.Service, body.Country, body.Price);
            return Results.Json(new { service = body.Service, country = body.Country, price }, JsonSerializerOptions.Web);
        });

        control.MapGet("/faults", () => Results.Json(faults.Current, JsonSerializerOptions.Web));
        control.MapPost("/faults", async (HttpRequest request) =>
        {
            var settings = await SandboxJson.ReadBodyAsync(request, SandboxFaultSettings.None);
            var problems = new List<ValidationResult>();
            if (!Validator.TryValidateObject(settings, new ValidationContext(settings), problems, validateAllProperties: true))
                throw new SandboxRefusalException(400, "invalid_faults", string.Join(" ", problems.Select(p => p.ErrorMessage)));
            faults.Set(settings);
            return Results.Json(settings, JsonSerializerOptions.Web);
        });

        control.MapGet("/stats", () => Results.Json(stats.Read(), JsonSerializerOptions.Web));

        // Counting starts again; accounts and activations stay (a benchmark measures a window of time).
        control.MapPost("/stats/reset", () =>
        {
            stats.Reset();
            return Results.Json(stats.Read(), JsonSerializerOptions.Web);
        });

        control.MapPost("/reset", () =>
        {
            simulator.Reset();
            faults.Set(SandboxFaultSettings.None);
            stats.Reset();
            return Results.Json(new { reset = true }, JsonSerializerOptions.Web);
        });
    }

    /// <summary>
    /// The body of <c>POST {prefix}/control/keys</c> (create or reset a sandbox account), read once per request with the
    /// endpoint's own rules (property names in any case): a filter in front of it sees exactly what the endpoint acts on.
    /// </summary>
    public static async Task<SandboxAccountRequest> ReadAccountRequestAsync(HttpRequest request)
    {
        if (request.HttpContext.Items.TryGetValue(typeof(SandboxAccountRequest), out var read)) return (SandboxAccountRequest)read!;
        var body = await SandboxJson.ReadBodyAsync(request, new SandboxAccountRequest(null, null, null));
        request.HttpContext.Items[typeof(SandboxAccountRequest)] = body;
        return body;
    }

    private static string KeyOf(HttpContext http) => (string)http.Items[SandboxApiFilter.KeyItem]!;

    private sealed record BuyBody(string? Service, string? Country);

    private sealed record StatusBody(string? Status);

    private sealed record SmsBody(string? Text);

    private sealed record StockBody(string? Service, string? Country, bool? Available);

    private sealed record PriceBody(string? Service, string? Country, decimal? Price);
}

/// <summary>What <c>POST /control/keys</c> is asked: an account's key (a new one when null), balance and currency.</summary>
public sealed record SandboxAccountRequest(string? Key, decimal? Balance, string? Currency);
