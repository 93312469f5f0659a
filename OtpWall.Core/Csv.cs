using System.Globalization;

namespace OtpWall.Core;

/// <summary>CSV cells (RFC 4180) that a spreadsheet opens as text, and times as ISO 8601 UTC.</summary>
internal static class Csv
{
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Quotes as RFC 4180 asks, and defuses cells a spreadsheet would run as a formula (=, +, -, @): "+92…" stays text.
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Line(params string?[] cells) => string.Join(',', cells.Select(Cell));
}
