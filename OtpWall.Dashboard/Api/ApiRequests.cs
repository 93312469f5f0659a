using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Audit;
using OtpWall.Core.Diagnostics;

namespace OtpWall.Dashboard.Api;

/// <summary>
/// What happens around every <c>/api/v1</c> request, before its endpoint: the personal token is checked (401 in
/// OTPWALL's shape otherwise), the token's limits are applied (429 with <c>Retry-After</c>), its use is noted; after:
/// the request is counted by route and outcome, and an unexpected failure answers JSON, never the dashboard's HTML
/// pages. The token itself is never logged.
/// </summary>
public sealed partial class ApiRequests(
    RequestDelegate next, ApiTokenService tokens, ApiLimits limits, OtpWallMetrics metrics, ILogger<ApiRequests> logger)
{
    private static readonly object s_callerKey = new();

    public static bool Applies(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ApiV1Endpoints.Prefix, StringComparison.OrdinalIgnoreCase) &&
        !context.Request.Path.Equals(ApiDocumentation.DocumentPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>Who the current <c>/api/v1</c> request acts for (set before its endpoint runs).</summary>
    public static ApiCaller CallerOf(HttpContext context) =>
        context.Items[s_callerKey] as ApiCaller ?? throw new InvalidOperationException("Not a request of the team's API.");

    public async Task InvokeAsync(HttpContext context)
    {
        // An answer of ours without a body stays without one (no HTML "not found" page for a script).
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        context.Response.Headers.CacheControl = "no-store";
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (await tokens.AuthenticateAsync(BearerToken(context.Request), context.RequestAborted) is not { } caller)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ApiV1Endpoints.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or invalid API key.").ExecuteAsync(context);
                return;
            }
            var purchase = HttpMethods.IsPost(context.Request.Method) &&
                           context.Request.Path.Equals(ApiV1Endpoints.Prefix + "/number", StringComparison.OrdinalIgnoreCase);
            if (limits.Refusal(caller.TokenId, purchase) is { } wait)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiV1Endpoints.Error(StatusCodes.Status429TooManyRequests, "rate_limited",
                    purchase ? "Too many purchases with this token. Slow down." : "Too many requests with this token. Slow down.").ExecuteAsync(context);
                return;
            }
            context.Items[s_callerKey] = caller;
            await tokens.NoteUseAsync(caller, AuditClient.Address, context.RequestAborted);
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The script went away (a long poll it gave up on): nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogFailed(logger, context.Request.Method, RouteOf(context), ex);
            context.Response.Clear();
            await ApiV1Endpoints.Error(StatusCodes.Status500InternalServerError, "server_error",
                "The dashboard failed to answer this request. Nothing was bought by it unless your Live activations show it.").ExecuteAsync(context);
        }
        finally
        {
            metrics.ApiRequest(context.Request.Method + " " + RouteOf(context), OutcomeOf(context.Response.StatusCode), Stopwatch.GetElapsedTime(started));
        }
    }

    private static string RouteOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && !pattern.Contains("**", StringComparison.Ordinal) ? pattern : "other";

    private static string OutcomeOf(int status) => status switch
    {
        < 400 => "ok",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        429 => "rate_limited",
        < 500 => "refused",
        _ => "error",
    };

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }

    [LoggerMessage(LogLevel.Error, "A request of the team's API failed unexpectedly: {Method} {Route}")]
    private static partial void LogFailed(ILogger logger, string method, string route, Exception exception);
}

public static class ApiRequestExtensions
{
    /// <summary>Who the current <c>/api/v1</c> request acts for.</summary>
    public static ApiCaller ApiCaller(this HttpContext context) => ApiRequests.CallerOf(context);

    /// <summary>Tokens, limits and counting in front of <c>/api/v1</c>.</summary>
    public static IApplicationBuilder UseTeamApi(this IApplicationBuilder app) =>
        app.UseWhen(ApiRequests.Applies, branch => branch.UseMiddleware<ApiRequests>());
}
