using System.Globalization;
using System.Security.Claims;
using System.Text;
using OtpWall.Core.Activations;

namespace OtpWall.Dashboard.Components.Pages.History;

/// <summary><c>/history/export.csv</c>: the signed-in user's history, filtered as on the page, as a CSV download.</summary>
internal static class HistoryExportEndpoint
{
    public const string Path = "/history/export.csv";

    public static string UrlFor(HistoryFilter filter)
    {
        var query = new List<string>();
        if (filter.Status is { } status) query.Add("status=" + status.ToContractName());
        if (!string.IsNullOrEmpty(filter.Service)) query.Add("service=" + Uri.EscapeDataString(filter.Service));
        if (!string.IsNullOrEmpty(filter.Country)) query.Add("country=" + Uri.EscapeDataString(filter.Country));
        if (filter.From is { } from) query.Add("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (filter.To is { } to) query.Add("to=" + to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return query.Count == 0 ? Path : Path + "?" + string.Join('&', query);
    }

    public static void MapHistoryExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext context, ClaimsPrincipal user, ActivationQueries queries,
            string? status, string? service, string? country, string? from, string? to) =>
        {
            var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var filter = FilterFrom(status, service, country, from, to);
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition =
                $"attachment; filename=\"otpwall-history-{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv\"";
            context.Response.Headers.CacheControl = "no-store";
            await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await queries.WriteCsvAsync(userId, filter, writer, context.RequestAborted);
        }).RequireAuthorization();

    /// <summary>The filter a link made by <see cref="UrlFor"/> stands for; parts that do not parse are left out.</summary>
    public static HistoryFilter FilterFrom(string? status, string? service, string? country, string? from, string? to) =>
        new(ActivationStatuses.FromContractName(status), service, country, Day(from), Day(to));

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
