namespace OtpWall.Bench;

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Percentile of a histogram of milliseconds (bucket upper bound → count).</summary>
    public static double Percentile(IReadOnlyDictionary<int, long> histogram, double p)
    {
        var total = histogram.Values.Sum();
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(p / 100 * total);
        long seen = 0;
        foreach (var (bucket, count) in histogram.OrderBy(b => b.Key))
            if ((seen += count) >= rank) return bucket;
        return histogram.Keys.Max();
    }

    public static double ShareAtMost(IReadOnlyDictionary<int, long> histogram, double limit)
    {
        var total = histogram.Values.Sum();
        return total == 0 ? double.NaN : histogram.Where(b => b.Key <= limit).Sum(b => b.Value) / (double)total;
    }
}
