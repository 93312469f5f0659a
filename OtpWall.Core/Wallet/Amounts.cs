using System.Globalization;

namespace OtpWall.Core.Wallet;

/// <summary>
/// Money a person types (limits, warnings): one reading for every field. Empty is "none"; otherwise 0 to 1,000,000 with
/// at most two decimals, the decimal separator a point or a comma (whichever the person's keyboard has), no thousands
/// separators: "12,5" is 12.50 everywhere, and "1,000.50" is refused rather than read as something else.
/// </summary>
public static class Amounts
{
    public const decimal Max = 1_000_000m;

    /// <summary>Reads what was typed; false when it is not an amount (then nothing saved should change).</summary>
    public static bool TryParse(string? typed, out decimal? amount)
    {
        amount = null;
        if (string.IsNullOrWhiteSpace(typed)) return true;
        var text = typed.Trim().Replace(',', '.');
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            value > Max || decimal.Round(value, 2) != value)
            return false;
        amount = value;
        return true;
    }

    /// <summary>What to tell a person whose typing is not an amount, with an example of one.</summary>
    public static string Refusal(string? typed, string example = "5 or 2.50") =>
        $"'{typed?.Trim()}' is not an amount: use digits with up to two decimals, like {example}.";

    /// <summary>
    /// A price or a balance as every page writes it: two decimals, a point, then the currency when known ("0.64 USD").
    /// OTPWALL may charge 0.6425; Buy, the card and History all read "0.64 USD" for it.
    /// </summary>
    public static string Text(decimal amount, string? currency) =>
        string.IsNullOrEmpty(currency) ? amount.ToString("0.00", CultureInfo.InvariantCulture) : $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";

    /// <summary>An amount as this dashboard writes it in a field: two decimals, a point.</summary>
    public static string Field(decimal? amount) => amount?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
}
