using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OtpWall.Sandbox;

/// <summary>The JSON the simulated OTPWALL writes, in the documented shapes and, when a dialect is on, its variants.</summary>
internal static class SandboxJson
{
    public static IResult Error(int status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = code, ["message"] = message }, statusCode: status);

    public static IResult Balance(decimal balance, string currency, SandboxFaultSettings dialect) =>
        Results.Json(new JsonObject
        {
            ["balance"] = dialect.StringBalance
                ? JsonValue.Create(balance.ToString("0.00", CultureInfo.InvariantCulture))
                : JsonValue.Create(decimal.Round(balance, 2) + 0.00m), // keeps two decimals: 5.00, not 5
            ["currency"] = currency,
        });

    public static IResult Activation(SandboxActivationView activation, SandboxFaultSettings dialect, bool withNumber, bool withSms)
    {
        var json = new JsonObject { ["activation_id"] = Id(activation.Id, dialect) };
        if (withNumber) json["number"] = activation.Number;
        json["status"] = Status(activation.Status, dialect);
        if (withSms) json["sms"] = activation.LatestSms;
        return Results.Json(json);
    }

    public static IResult Catalogue(IEnumerable<(string Code, string Name)> entries) =>
        Results.Json(new JsonArray([.. entries.Select(e => new JsonObject { ["code"] = e.Code, ["name"] = e.Name })]));

    /// <summary>
    /// Reads a JSON request body, answering a JSON 400 (not an exception page) when it is not the expected JSON.
    /// An empty body is <paramref name="whenEmpty"/>, where the call allows one.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, T? whenEmpty = null) where T : class
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text) && whenEmpty is not null) return whenEmpty;
        try
        {
            return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)
                ?? throw new SandboxRefusalException(400, "invalid_request", "The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw new SandboxRefusalException(400, "invalid_request", "The request body must be a JSON object.");
        }
    }

    private static JsonValue Id(string id, SandboxFaultSettings dialect) =>
        dialect.NumericIds && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(id);

    private static string Status(SandboxStatus status, SandboxFaultSettings dialect)
    {
        var wire = SandboxSimulator.Wire(status);
        return dialect.UpperCaseStatus ? wire.ToUpperInvariant() : wire;
    }
}
