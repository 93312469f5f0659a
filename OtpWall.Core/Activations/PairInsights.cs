using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations;

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

    public string? LastPriceText => LastPrice is { } price ? $"{price.ToString("0.00##", CultureInfo.InvariantCulture)} {LastCurrency}".TrimEnd() : null;

    public string? SuccessText => SuccessRate is { } rate ? $"{Math.Round(rate * 100, MidpointRounding.AwayFromZero):0}% got a code" : null;

    /// <summary>The short form for list items and chips: "0.64 USD · 80% · 42 s".</summary>
    public string Summary()
    {
        var parts = new List<string>(3);
        if (LastPriceText is { } price) parts.Add(price);
        if (SuccessRate is { } rate) parts.Add($"{Math.Round(rate * 100, MidpointRounding.AwayFromZero):0}%");
        if (MedianTimeToCode is { } median) parts.Add(Duration(median));
        return string.Join(" · ", parts);
    }

    public static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? $"{Math.Max(1, (int)Math.Round(span.TotalSeconds))} s"
        : span.TotalMinutes < 60 ? $"{(int)Math.Round(span.TotalMinutes)} min" : $"{span.TotalHours:0.#} h";
}

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

    public int Count => _pairs.Count;

    public PairInsight? For(string service, string country) => _pairs.GetValueOrDefault((Key(service), Key(country)));

    /// <summary>
    /// Up to <paramref name="count"/> other countries for <paramref name="service"/> with the best success over the last
    /// week (more finished numbers break ties), leaving out those that had no numbers more recently than a code came.
    /// </summary>
    public IReadOnlyList<PairInsight> Alternatives(string service, string exceptCountry, int count = 3) =>
        [.. _pairs.Values
            .Where(p => Key(p.Service) == Key(service) && Key(p.Country) != Key(exceptCountry) && p.SuccessRate is > 0)
            .OrderByDescending(p => p.SuccessRate).ThenByDescending(p => p.Finished).ThenBy(p => p.MedianTimeToCode ?? TimeSpan.MaxValue)
            .ThenBy(p => p.Country, StringComparer.OrdinalIgnoreCase)
            .Take(count)];

    private static string Key(string code) => code.Trim().ToUpperInvariant();
}

/// <summary>
/// Works out <see cref="PairInsight"/>s from the dashboard's own records (never an upstream call): one query over the
/// last <see cref="PriceWindow"/> of purchases, and the recorded "no numbers" refusals.
/// </summary>
public sealed class PairInsights(IDbContextFactory<OtpWallDbContext> databases, TimeProvider time)
{
    /// <summary>Success and time to code are measured over this window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>How far back the last price paid is looked for.</summary>
    public static readonly TimeSpan PriceWindow = TimeSpan.FromDays(30);

    public async Task<PairInsightsSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var priceSince = now - PriceWindow;
        var since = now - Window;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Activations.AsNoTracking()
            .Where(a => a.CreatedAt >= priceSince && a.Status != ActivationStatus.Buying && a.Status != ActivationStatus.OutcomeUnknown)
            .Select(a => new Row(a.Service, a.Country, a.Status, a.CreatedAt, a.Price, a.Currency,
                a.Messages.Min(m => (DateTimeOffset?)m.ReceivedAt)))
            .ToListAsync(cancellationToken);
        var shortages = await db.PairShortages.AsNoTracking().Where(s => s.LastNoNumbersAt >= priceSince).ToListAsync(cancellationToken);

        var pairs = new Dictionary<(string, string), Builder>();
        Builder For(string service, string country)
        {
            var key = (service.Trim().ToUpperInvariant(), country.Trim().ToUpperInvariant());
            if (!pairs.TryGetValue(key, out var builder)) pairs[key] = builder = new Builder(service, country);
            return builder;
        }
        foreach (var row in rows)
        {
            var pair = For(row.Service, row.Country);
            if (row.Price is { } price && row.CreatedAt >= pair.LastPriceAt)
                (pair.LastPrice, pair.LastCurrency, pair.LastPriceAt) = (price, row.Currency, row.CreatedAt);
            if (row.CreatedAt < since) continue;
            var gotCode = ActivationMoney.GotCode(row.Status, row.FirstSmsAt is not null);
            // Still waiting for its first SMS: neither a success nor a failure yet.
            if (!gotCode && !row.Status.IsFinal()) continue;
            pair.Finished++;
            if (!gotCode) continue;
            pair.GotCode++;
            if (row.FirstSmsAt is { } first && first >= row.CreatedAt) pair.TimesToCode.Add(first - row.CreatedAt);
        }
        foreach (var shortage in shortages) For(shortage.Service, shortage.Country).LastNoNumbersAt = shortage.LastNoNumbersAt;
        return new PairInsightsSnapshot(pairs.Values.Select(b => b.Build()), now);
    }

    /// <summary>Notes that OTPWALL had no numbers for the pair just now.</summary>
    public async Task RecordNoNumbersAsync(string service, string country, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var existing = await db.PairShortages.FindAsync([service, country], cancellationToken);
        if (existing is null) db.PairShortages.Add(new PairShortage { Service = service, Country = country, LastNoNumbersAt = now });
        else existing.LastNoNumbersAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another member's refusal for the same pair wrote it at the same moment: theirs is as good.
        }
    }

    private sealed record Row(string Service, string Country, ActivationStatus Status, DateTimeOffset CreatedAt, decimal? Price, string? Currency, DateTimeOffset? FirstSmsAt);

    private sealed class Builder(string service, string country)
    {
        public decimal? LastPrice { get; set; }
        public string? LastCurrency { get; set; }
        public DateTimeOffset LastPriceAt { get; set; } = DateTimeOffset.MinValue;
        public int Finished { get; set; }
        public int GotCode { get; set; }
        public List<TimeSpan> TimesToCode { get; } = [];
        public DateTimeOffset? LastNoNumbersAt { get; set; }

        public PairInsight Build()
        {
            TimesToCode.Sort();
            TimeSpan? median = TimesToCode.Count == 0 ? null
                : TimesToCode.Count % 2 == 1 ? TimesToCode[TimesToCode.Count / 2]
                : (TimesToCode[TimesToCode.Count / 2 - 1] + TimesToCode[TimesToCode.Count / 2]) / 2;
            return new PairInsight(service, country, LastPrice, LastCurrency, Finished, GotCode, median, LastNoNumbersAt);
        }
    }
}
