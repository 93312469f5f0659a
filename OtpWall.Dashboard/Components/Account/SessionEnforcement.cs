using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>
/// Sessions that really end: every request's cookie must name a session that is still open (else it is signed out),
/// and every open tab stops acting the moment its session ends. Also tells the audit log each client's address.
/// </summary>
internal static class SessionEnforcement
{
    public static IServiceCollection AddSessionEnforcement(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitHandler, SessionCircuitGuard>();
        services.ConfigureApplicationCookie(options =>
        {
            var checkStamp = options.Events.OnValidatePrincipal;
            options.Events.OnValidatePrincipal = async context =>
            {
                await checkStamp(context);
                if (context.Principal?.Identity?.IsAuthenticated != true) return;
                var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionRegistry>();
                var userId = context.Principal.FindFirstValue(ClaimTypes.NameIdentifier);
                if (userId is not null && await sessions.IsOpenAsync(userId, context.Principal.FindFirstValue(SessionRegistry.ClaimType), context.HttpContext.RequestAborted))
                    return;
                // Ended (signed out here or everywhere, password changed, disabled), or a cookie from before sessions were kept.
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            };
        });
        return services;
    }

    /// <summary>The claims a sign-in adds that a refreshed principal must keep: its session, and how it was signed in.</summary>
    public static Task KeepSessionClaims(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal is not { } current || context.NewPrincipal?.Identity is not ClaimsIdentity renewed) return Task.CompletedTask;
        foreach (var claim in current.Claims.Where(c => c.Type is SessionRegistry.ClaimType or "amr" or ClaimTypes.AuthenticationMethod))
            if (!renewed.HasClaim(claim.Type, claim.Value)) renewed.AddClaim(new Claim(claim.Type, claim.Value));
        return Task.CompletedTask;
    }

    /// <summary>After the forwarded headers: what the audit log records as the client's address for this request.</summary>
    public static WebApplication UseAuditClientAddress(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            AuditClient.Address = AddressOf(context);
            return next(context);
        });
        return app;
    }

    public static string? AddressOf(HttpContext? context) => context?.Connection.RemoteIpAddress is { } address
        ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
        : null;
}

/// <summary>
/// One per open tab: drops every event, call and navigation the tab sends once its session has ended (before anything
/// is bought, completed, cancelled or read), and runs the rest with the tab's client address for the audit log.
/// </summary>
internal sealed class SessionCircuitGuard(AuthenticationStateProvider authentication, SessionRegistry sessions, IHttpContextAccessor http)
    : CircuitHandler
{
    private string? _address;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The connection's own request, after the forwarded headers: a reconnect from elsewhere updates it.
        _address = SessionEnforcement.AddressOf(http.HttpContext) ?? _address;
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            if (authentication is IdentityRevalidatingAuthenticationStateProvider tab)
            {
                if (!await tab.SessionStillOpenAsync()) return;
                if (_address is null && await tab.SessionIdAsync() is { } sessionId) _address = await sessions.ClientAddressAsync(sessionId);
            }
            AuditClient.Address = _address;
            await next(context);
        };
}
