using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;
using OtpWall.Sandbox;

namespace OtpWall.Dashboard.SandboxMode;

/// <summary>
/// The sandbox's control surface inside a dashboard that others can reach: a signed-in person may deliver an SMS to an
/// activation they bought and create sandbox accounts (a key that exists already only when it is their own); switching
/// faults, reading the statistics (every key's traffic) and resetting the simulator are for administrators. Anonymous
/// callers get 401. <see cref="SandboxModeOptions.OpenControl"/> opens it all, for test suites.
/// </summary>
internal sealed class SandboxControlGuard(
    IDbContextFactory<OtpWallDbContext> databases, ApiKeyVault vault, SandboxSimulator simulator, TeamService team, AuditLog audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
            return Refuse(401, "sign_in_required", "The sandbox control surface is for people signed in to this dashboard.");

        if (http.GetRouteValue("id") is string activationId)
        {
            await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
            var activation = await db.Activations.Where(a => a.UserId == userId && a.UpstreamId == activationId)
                .Select(a => new { a.ServiceName, a.CountryName }).FirstOrDefaultAsync(http.RequestAborted);
            if (activation is null) return Refuse(404, "not_found", "No activation with this id among yours.");
            return await AuditedAsync(await next(context), userId, AuditActions.SandboxSms,
                $"Delivered a simulated SMS to their sandbox {activation.ServiceName} number in {activation.CountryName} (OTPWALL {activationId}).");
        }
        if (http.Request.Path.Value?.EndsWith("/keys", StringComparison.OrdinalIgnoreCase) == true && HttpMethods.IsPost(http.Request.Method))
        {
            // A new account is anyone's to make; an existing one (its balance is reset) only its owner's. The body is read
            // as the endpoint reads it, so what is checked here is what the endpoint acts on.
            var asked = await SandboxEndpoints.ReadAccountRequestAsync(http.Request);
            var reset = asked.Key is { } key && simulator.AccountExists(key);
            if (reset && (await vault.GetAsync(userId, http.RequestAborted)).Key?.Reveal() != asked.Key)
                return Refuse(403, "not_your_key", "Only your own saved key's sandbox account can be reset.");
            var balance = asked.Balance is { } amount ? $" with a balance of {Amounts.Text(amount, asked.Currency)}" : "";
            return await AuditedAsync(await next(context), userId, AuditActions.SandboxAccount,
                reset ? $"Reset their sandbox account{balance}." : $"Created a sandbox account{balance}.");
        }
        // The role as the database has it now: an administrator demoted a moment ago has a cookie that still says otherwise.
        if (!await team.IsAdministratorAsync(userId, http.RequestAborted))
            return Refuse(403, "administrators_only", "Only an administrator can switch sandbox faults, read its statistics or reset it.");
        var result = await next(context);
        return HttpMethods.IsPost(http.Request.Method)
            ? await AuditedAsync(result, userId, AuditActions.SandboxAdministration, $"Sandbox control: {http.Request.Method} {http.Request.Path.Value}.")
            : result;
    }

    // Only what went through is recorded (a refusal the simulator answers, or throws, changed nothing).
    private async Task<object?> AuditedAsync(object? result, string userId, string action, string text)
    {
        if (result is not IStatusCodeHttpResult { StatusCode: >= 400 }) await audit.RecordAsync(action, userId, text);
        return result;
    }

    private static IResult Refuse(int status, string code, string message) =>
        Results.Json(new { error = code, message }, statusCode: status);
}
