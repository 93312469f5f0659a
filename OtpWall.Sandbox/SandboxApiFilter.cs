using System.Text;
using Microsoft.AspNetCore.Http;

namespace OtpWall.Sandbox;

/// <summary>
/// What happens around every <c>/v1</c> request, in order: counted in the stats, delayed, maybe faulted before
/// processing, authenticated, processed, maybe faulted after. Refusals become OTPWALL's JSON error answers.
/// </summary>
internal sealed class SandboxApiFilter(
    string apiPrefix, SandboxSimulator simulator, SandboxFaults faults, SandboxStats stats, TimeProvider time) : IEndpointFilter
{
    public const string KeyItem = "otpwall.sandbox.key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var path = http.Request.Path.Value is { } full && full.StartsWith(apiPrefix, StringComparison.OrdinalIgnoreCase)
            ? full[apiPrefix.Length..]
            : http.Request.Path.Value ?? "";
        var key = BearerKey(http.Request);
        stats.Count(http.Request.Method, path, key);

        var (fault, settings) = faults.Draw(path);
        try
        {
            if (settings.LatencyMs > 0) await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), time, http.RequestAborted);
            if (settings.RequireContentLength && http.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
                return SandboxJson.Error(411, "length_required", "A request body needs a Content-Length.");
            switch (fault)
            {
                case SandboxFault.RateLimit:
                    http.Response.Headers.RetryAfter = settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return SandboxJson.Error(429, "rate_limited", "Too many requests. Slow down.");
                case SandboxFault.Error:
                    return ServerError(settings);
            }

            if (key is null || !simulator.AccountExists(key)) throw SandboxRefusalException.Unauthorized();
            http.Items[KeyItem] = key;
            var result = await next(context);

            switch (fault)
            {
                case SandboxFault.Timeout:
                    await Task.Delay(TimeSpan.FromSeconds(settings.TimeoutSeconds), time, http.RequestAborted);
                    return result;
                case SandboxFault.Malformed:
                    return Results.Text("{\"status\": \"rece", "application/json", Encoding.UTF8, 200);
                default:
                    return result;
            }
        }
        catch (SandboxRefusalException refusal)
        {
            return SandboxJson.Error(refusal.Status, refusal.Code, refusal.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
    }

    private static IResult ServerError(SandboxFaultSettings settings) => settings.ErrorBody switch
    {
        "json" => SandboxJson.Error(settings.ErrorStatus, "server_error", "Internal error. Try again later."),
        "text" => Results.Text("Service temporarily unavailable", "text/plain", Encoding.UTF8, settings.ErrorStatus),
        _ => Results.Text(ProxyErrorPage(settings.ErrorStatus), "text/html", Encoding.UTF8, settings.ErrorStatus),
    };

    // What a reverse proxy in front of an API sends when the API behind it is down.
    private static string ProxyErrorPage(int status) =>
        $"<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>{status} Bad Gateway</h1></center>\r\n" +
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    private static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var key = header[Scheme.Length..].Trim();
        return SandboxSimulator.IsWellFormedKey(key) ? key : null;
    }
}
