using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>Limits the form posts that guess passwords or create accounts, per client address; everything else is free.</summary>
internal static class AccountRateLimiting
{
    private static readonly string[] LimitedPaths =
        ["/Account/Login", "/Account/Register", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/ResetPassword"];

    public static IServiceCollection AddAccountRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<AccountSecurityOptions>().BindConfiguration(AccountSecurityOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccountSecurityOptions>>((options, security) =>
        {
            var perMinute = security.Value.AttemptsPerMinute;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsAccountPost(context)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("free"));
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<OtpWall.Core.Diagnostics.OtpWallMetrics>().RateLimited("account_forms");
                var response = context.HttpContext.Response;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(TooManyAttemptsPage, cancellationToken);
            };
        });
        return services;
    }

    // By the page a post reaches (routing has run), not by how its path is spelled: "/Account/Login/" and
    // "/account/LOGIN" are the same sign-in page.
    private static bool IsAccountPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) &&
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } page } &&
        LimitedPaths.Any(path => string.Equals(path, page.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private const string TooManyAttemptsPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Too many attempts · OTPWALL Dashboard</title>
        <link rel="stylesheet" href="/app.css"></head>
        <body class="plain-page"><main><h1>Too many attempts</h1>
        <p data-testid="error-message">Too many sign-in or registration attempts from your network. Wait a minute, then try again.</p>
        <p><a href="/Account/Login">Back to sign in</a></p></main></body></html>
        """;
}
