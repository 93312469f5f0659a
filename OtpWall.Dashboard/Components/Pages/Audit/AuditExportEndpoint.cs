using System.Globalization;
using System.Security.Claims;
using System.Text;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;

namespace OtpWall.Dashboard.Components.Pages.Audit;

/// <summary><c>/team/audit/export.csv</c>: the audit log, filtered as on the page, for administrators.</summary>
internal static class AuditExportEndpoint
{
    public const string Path = "/team/audit/export.csv";

    public static string UrlFor(AuditFilter filter)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(filter.UserId)) query.Add("user=" + Uri.EscapeDataString(filter.UserId));
        if (!string.IsNullOrEmpty(filter.Action)) query.Add("action=" + Uri.EscapeDataString(filter.Action));
        if (filter.From is { } from) query.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (filter.To is { } to) query.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return query.Count == 0 ? Path : Path + "?" + string.Join('&', query);
    }

    public static void MapAuditExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext context, ClaimsPrincipal user, AuditLog audit, string? action, string? from, string? to) =>
        {
            var filter = new AuditFilter(context.Request.Query["user"].ToString() is { Length: > 0 } who ? who : null,
                AuditActions.IsKnown(action) ? action : null, Day(from), Day(to));
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition =
                $"attachment; filename=\"otpwall-audit-{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv\"";
            context.Response.Headers.CacheControl = "no-store";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await audit.WriteCsvAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, filter, writer, context.RequestAborted);
        }).RequireAuthorization(policy => policy.RequireRole(TeamRoles.Administrator));

    internal static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
