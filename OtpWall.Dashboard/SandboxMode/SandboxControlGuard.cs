using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// The sandbox's control surface inside a dashboard that others can reach: a signed-in person may deliver an SMS to an
/// activation they bought and create sandbox accounts (a key that exists already only when it is their own); switching
/// faults, reading the statistics (every key's traffic) and resetting the simulator are for administrators. Anonymous
/// callers get 401. <see cref="SandboxModeOptions.OpenControl"/> opens it all, for test suites.
/// </summary>
internal sealed class SandboxControlGuard(
    IDbContextFactory<OtpWallDbContext> databases, ApiKeyVault vault, SandboxSimulator simulator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
            return Refuse(401, "sign_in_required", "The sandbox control surface is for people signed in to this dashboard.");

        if (http.GetRouteValue("id") is string activationId)
        {
            await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
            return await db.Activations.AnyAsync(a => a.UserId == userId && a.UpstreamId == activationId, http.RequestAborted)
                ? await next(context)
                : Refuse(404, "not_found", "No activation with this id among yours.");
        }
        if (http.Request.Path.Value?.EndsWith("/keys", StringComparison.OrdinalIgnoreCase) == true && HttpMethods.IsPost(http.Request.Method))
        {
            // A new account is anyone's to make; an existing one (its balance is reset) only its owner's.
            http.Request.EnableBuffering();
            var key = await KeyInBodyAsync(http.Request);
            if (key is not null && simulator.AccountExists(key) && (await vault.GetAsync(userId, http.RequestAborted)).Key?.Reveal() != key)
                return Refuse(403, "not_your_key", "Only your own saved key's sandbox account can be reset.");
            return await next(context);
        }
        return http.User.IsInRole(TeamRoles.Administrator)
            ? await next(context)
            : Refuse(403, "administrators_only", "Only an administrator can switch sandbox faults, read its statistics or reset it.");
    }

    private static async Task<string?> KeyInBodyAsync(HttpRequest request)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String
                ? key.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null; // the endpoint itself answers what is wrong with the body
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static IResult Refuse(int status, string code, string message) =>
        Results.Json(new { error = code, message }, statusCode: status);
}
