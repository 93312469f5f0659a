using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging;
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

/// <summary>
/// Works out <see cref="PairInsight"/>s from the dashboard's own records (never an upstream call). Reading them for a
/// whole catalogue takes the database a few hundred milliseconds with tens of thousands of purchases, so pages get the
/// last snapshot at once and a fresh one is worked out in the background (one at a time) after any activation changed or
/// once it is <see cref="MaxAge"/> old; <see cref="Refreshed"/> tells open pages. Asking for a fresh one waits for it.
/// </summary>
public sealed partial class PairInsights
{
    /// <summary>A snapshot older than this is worked out again even when nothing was heard of.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<OtpWallDbContext> databases;
    private readonly TimeProvider time;
    private readonly ILogger<PairInsights> logger;
    private readonly Lock _gate = new();
    private PairInsightsSnapshot? _snapshot;
    private Task<PairInsightsSnapshot>? _refreshing;
    // Activation changes heard of, and how many of them the snapshot includes.
    private long _changes;
    private long _snapshotChanges = -1;

    public PairInsights(IDbContextFactory<OtpWallDbContext> databases, TimeProvider time, ILogger<PairInsights> logger) =>
        (this.databases, this.time, this.logger) = (databases, time, logger);

    /// <summary>Raised with each snapshot worked out in the background.</summary>
    public event Action<PairInsightsSnapshot>? Refreshed;

    /// <summary>
    /// The latest snapshot: at once when there is one (starting a refresh if it is stale), or after working one out.
    /// With <paramref name="fresh"/>, waits until it includes every change heard of so far.
    /// </summary>
    public async Task<PairInsightsSnapshot> GetAsync(bool fresh = false, CancellationToken cancellationToken = default)
    {
        long wanted;
        lock (_gate) wanted = _changes;
        while (true)
        {
            Task<PairInsightsSnapshot> refreshing;
            lock (_gate)
            {
                var upToDate = _snapshot is not null && _snapshotChanges == _changes && time.GetUtcNow() - _snapshot.At < MaxAge;
                if (upToDate) return _snapshot!;
                refreshing = _refreshing ??= RefreshAsync();
                if (!fresh && _snapshot is not null) return _snapshot;
            }
            var snapshot = await refreshing.WaitAsync(cancellationToken);
            // A change heard while that one was being worked out needs one more round; later changes do not.
            lock (_gate)
                if (!fresh || _snapshotChanges >= wanted) return snapshot;
        }
    }

    /// <summary>An activation changed (here or on another replica): the next read works the figures out again.</summary>
    public void MarkStale()
    {
        lock (_gate) _changes++;
    }

    private async Task<PairInsightsSnapshot> RefreshAsync()
    {
        await Task.Yield();
        try
        {
            long changes;
            lock (_gate) changes = _changes;
            var snapshot = await ReadAsync(CancellationToken.None);
            lock (_gate) (_snapshot, _snapshotChanges) = (snapshot, changes);
            Refreshed?.Invoke(snapshot);
            return snapshot;
        }
        catch (Exception ex)
        {
            LogRefreshFailed(logger, ex);
            throw;
        }
        finally
        {
            lock (_gate) _refreshing = null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Pair insights could not be read")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    /// <summary>Success and time to code are measured over this window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>How far back the last price paid is looked for.</summary>
    public static readonly TimeSpan PriceWindow = TimeSpan.FromDays(30);

    /// <summary>Works a snapshot out from the database now (what the background refresh runs).</summary>
    public async Task<PairInsightsSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var priceSince = now - PriceWindow;
        var since = now - Window;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // The database counts and picks: one row per pair comes back from each query, never one per purchase. "Got a
        // code" is ActivationMoney.GotCode in SQL (FirstSmsAt is set with the first message).
        var counts = await db.Activations.AsNoTracking()
            .Where(a => a.CreatedAt >= since && a.Status != ActivationStatus.Buying && a.Status != ActivationStatus.OutcomeUnknown)
            .GroupBy(a => new { a.Service, a.Country })
            .Select(g => new
            {
                g.Key.Service, g.Key.Country,
                // A number still waiting for its first SMS is neither a success nor a failure yet.
                Finished = g.Count(a => a.FirstSmsAt != null || a.Status == ActivationStatus.Received || a.Status == ActivationStatus.Completed
                    || a.Status == ActivationStatus.Cancelled || a.Status == ActivationStatus.Expired),
                GotCode = g.Count(a => a.FirstSmsAt != null || a.Status == ActivationStatus.Received || a.Status == ActivationStatus.Completed),
            })
            .ToListAsync(cancellationToken);
        // The last price and the median time to code are picked by the database too (window functions, the same SQL on
        // SQLite and PostgreSQL). Times are stored as EF Core's binary DateTimeOffset (UTC ticks / 1000, shifted left 11
        // bits past the offset, which is 0 for every time this dashboard writes): a difference shifted back is 100 µs units.
        var binarySince = ToBinary(since);
        var prices = await db.Database.SqlQuery<PriceRow>($"""
            SELECT "Service", "Country", "Price", "Currency" FROM (
              SELECT "Service", "Country", "Price", "Currency",
                     ROW_NUMBER() OVER (PARTITION BY "Service", "Country" ORDER BY "CreatedAt" DESC) AS "Rank"
              FROM "Activations"
              WHERE "CreatedAt" >= {ToBinary(priceSince)} AND "Price" IS NOT NULL AND NOT "PriceEstimated"
                AND "Status" NOT IN ('Buying', 'OutcomeUnknown')) AS "Latest"
            WHERE "Rank" = 1
            """).ToListAsync(cancellationToken);
        var medians = await db.Database.SqlQuery<MedianRow>($"""
            SELECT "Service", "Country", CAST(AVG("Units") AS DOUBLE PRECISION) AS "Units" FROM (
              SELECT "Service", "Country", ("FirstSmsAt" - "CreatedAt") / 2048 AS "Units",
                     ROW_NUMBER() OVER (PARTITION BY "Service", "Country" ORDER BY "FirstSmsAt" - "CreatedAt") AS "Rank",
                     COUNT(*) OVER (PARTITION BY "Service", "Country") AS "Total"
              FROM "Activations"
              WHERE "CreatedAt" >= {binarySince} AND "FirstSmsAt" IS NOT NULL AND "FirstSmsAt" >= "CreatedAt") AS "Ranked"
            WHERE "Rank" IN (("Total" + 1) / 2, ("Total" + 2) / 2)
            GROUP BY "Service", "Country"
            """).ToListAsync(cancellationToken);
        var shortages = await db.PairShortages.AsNoTracking().Where(s => s.LastNoNumbersAt >= priceSince).ToListAsync(cancellationToken);

        var pairs = new Dictionary<(string, string), Builder>();
        Builder For(string service, string country)
        {
            var key = (service.Trim().ToUpperInvariant(), country.Trim().ToUpperInvariant());
            if (!pairs.TryGetValue(key, out var builder)) pairs[key] = builder = new Builder(service, country);
            return builder;
        }
        foreach (var count in counts)
        {
            var pair = For(count.Service, count.Country);
            (pair.Finished, pair.GotCode) = (pair.Finished + count.Finished, pair.GotCode + count.GotCode);
        }
        foreach (var price in prices) (For(price.Service, price.Country).LastPrice, For(price.Service, price.Country).LastCurrency) = (price.Price, price.Currency);
        foreach (var median in medians) For(median.Service, median.Country).MedianTimeToCode = TimeSpan.FromTicks((long)Math.Round(median.Units * 1000));
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
        MarkStale();
    }

    private static readonly DateTimeOffsetToBinaryConverter Binary = new();

    private static long ToBinary(DateTimeOffset at) => (long)Binary.ConvertToProvider(at.ToUniversalTime())!;

    private sealed record PriceRow(string Service, string Country, decimal? Price, string? Currency);

    private sealed record MedianRow(string Service, string Country, double Units);

    private sealed class Builder(string service, string country)
    {
        public decimal? LastPrice { get; set; }
        public string? LastCurrency { get; set; }
        public int Finished { get; set; }
        public int GotCode { get; set; }
        public TimeSpan? MedianTimeToCode { get; set; }
        public DateTimeOffset? LastNoNumbersAt { get; set; }

        public PairInsight Build() => new(service, country, LastPrice, LastCurrency, Finished, GotCode, MedianTimeToCode, LastNoNumbersAt);
    }
}
