namespace OtpWall.Core.Activations.Insights;

/// <summary>Every pair's insight at one moment, looked up without another query.</summary>
public sealed class PairInsightsSnapshot
{
    private readonly Dictionary<(string, string), PairInsight> _pairs;

    internal PairInsightsSnapshot(IEnumerable<PairInsight> pairs, DateTimeOffset at)
    {
        _pairs = pairs.ToDictionary(p => (Key(p.Service), Key(p.Country)));
        At = at;
    }

    public static PairInsightsSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    public DateTimeOffset At { get; }

    public PairInsight? For(string service, string country) => _pairs.GetValueOrDefault((Key(service), Key(country)));

    /// <summary>
    /// Up to <paramref name="count"/> other countries for <paramref name="service"/> with the best success over the last
    /// week (more finished numbers, then a faster code, break ties); countries where no number got a code are left out.
    /// </summary>
    public IReadOnlyList<PairInsight> Alternatives(string service, string exceptCountry, int count = 3) =>
        [.. _pairs.Values
            .Where(p => Key(p.Service) == Key(service) && Key(p.Country) != Key(exceptCountry) && p.SuccessRate is > 0)
            .OrderByDescending(p => p.SuccessRate).ThenByDescending(p => p.Finished).ThenBy(p => p.MedianTimeToCode ?? TimeSpan.MaxValue)
            .ThenBy(p => p.Country, StringComparer.OrdinalIgnoreCase)
            .Take(count)];

    private static string Key(string code) => code.Trim().ToUpperInvariant();
}

/// <summary>A snapshot of pair insights was worked out in the background (open Buy pages follow).</summary>
public sealed record InsightsRefreshed(PairInsightsSnapshot Snapshot) : LiveUpdates.IChange;
