using System.Globalization;
using System.Security.Claims;
using System.Text;
using OtpWall.Core.Accounts;
using OtpWall.Core.Spending;
using OtpWall.Dashboard.Components.Pages.Audit;

namespace OtpWall.Dashboard.Components.Pages.Usage;

/// <summary><c>/team/usage/export.csv</c>: the usage page's figures for its date range, for administrators.</summary>
internal static class UsageExportEndpoint
{
    public const string Path = "/team/usage/export.csv";

    public static string UrlFor(DateOnly from, DateOnly to) =>
        $"{Path}?from={from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public static void MapUsageExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext context, ClaimsPrincipal user, UsageService usage, string? from, string? to) =>
        {
            var (defaultFrom, defaultTo) = usage.DefaultRange();
            var report = await usage.TeamAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!,
                AuditExportEndpoint.Day(from) ?? defaultFrom, AuditExportEndpoint.Day(to) ?? defaultTo, context.RequestAborted);
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"otpwall-usage-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv\"";
            context.Response.Headers.CacheControl = "no-store";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await UsageService.WriteCsvAsync(report, writer, context.RequestAborted);
        }).RequireAuthorization(policy => policy.RequireRole(TeamRoles.Administrator));
}
