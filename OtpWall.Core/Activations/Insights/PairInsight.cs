namespace OtpWall.Core.Activations.Insights;

/// <summary>
/// What this instance has seen of one service and country, from every member's purchases (no names): the last price
/// paid, how many of the last week's finished numbers got a code and how fast, and when OTPWALL last had none.
/// </summary>
public sealed record PairInsight(
    string Service,
    string Country,
    decimal? LastPrice,
    string? LastCurrency,
    int Finished,
    int GotCode,
    TimeSpan? MedianTimeToCode,
    DateTimeOffset? LastNoNumbersAt)
{
    /// <summary>The share of the last week's finished numbers that received a code; null before any finished.</summary>
    public double? SuccessRate => Finished == 0 ? null : (double)GotCode / Finished;

    public string? LastPriceText => LastPrice is { } price ? Wallet.Amounts.Text(price, LastCurrency) : null;

    /// <summary>"80%"; null before any finished.</summary>
    public string? SuccessPercent => SuccessRate is { } rate ? $"{Math.Round(rate * 100, MidpointRounding.AwayFromZero):0}%" : null;

    public string? SuccessText => SuccessPercent is { } percent ? $"{percent} got a code" : null;

    /// <summary>The short form for list items and chips: "0.64 USD · 80% · 42 s".</summary>
    public string Summary()
    {
        var parts = new List<string>(3);
        if (LastPriceText is { } price) parts.Add(price);
        if (SuccessPercent is { } percent) parts.Add(percent);
        if (MedianTimeToCode is { } median) parts.Add(Duration(median));
        return string.Join(" · ", parts);
    }

    /// <summary>The same figures in words, for a tooltip or a screen reader: what each part of <see cref="Summary"/> means.</summary>
    public string Explained()
    {
        var parts = new List<string>(3);
        if (LastPriceText is { } price) parts.Add($"last paid {price}");
        if (SuccessPercent is { } percent) parts.Add($"{percent} of last week's numbers got a code");
        if (MedianTimeToCode is { } median) parts.Add($"a code came in {Duration(median)} (median)");
        return parts.Count == 0 ? "" : "On this instance: " + string.Join(", ", parts) + ".";
    }

    public static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? $"{Math.Max(1, (int)Math.Round(span.TotalSeconds))} s"
        : span.TotalMinutes < 60 ? $"{(int)Math.Round(span.TotalMinutes)} min" : $"{span.TotalHours:0.#} h";
}
