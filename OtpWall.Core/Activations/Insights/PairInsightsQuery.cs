using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations.Insights;

/// <summary>
/// Works a <see cref="PairInsightsSnapshot"/> out from the dashboard's own records (never an upstream call): the database
/// counts and picks, one row per pair from each query. <see cref="PairInsights"/> keeps the latest one for pages.
/// </summary>
public sealed class PairInsightsQuery(IDbContextFactory<OtpWallDbContext> databases, TimeProvider time)
{
    /// <summary>Success and time to code are measured over this window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>How far back the last price paid is looked for.</summary>
    public static readonly TimeSpan PriceWindow = TimeSpan.FromDays(30);

    /// <summary>Works a snapshot out from the database now.</summary>
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
        // The last price and the median time to code are picked by the database too (window functions). SQLite stores
        // times as EF Core's binary DateTimeOffset (UTC ticks / 1000, shifted left 11 bits past the offset, which is 0 for
        // every time this dashboard writes): a difference shifted back is 100 µs units. PostgreSQL stores timestamptz.
        var postgreSql = db is Data.PostgreSql.PostgreSqlOtpWallDbContext;
        object At(DateTimeOffset at) => postgreSql ? at.ToUniversalTime() : ToBinary(at);
        var units = postgreSql ? """EXTRACT(EPOCH FROM ("FirstSmsAt" - "CreatedAt")) * 10000""" : """("FirstSmsAt" - "CreatedAt") / 2048""";
        var prices = await db.Database.SqlQuery<PriceRow>($"""
            SELECT "Service", "Country", "Price", "Currency" FROM (
              SELECT "Service", "Country", "Price", "Currency",
                     ROW_NUMBER() OVER (PARTITION BY "Service", "Country" ORDER BY "CreatedAt" DESC) AS "Rank"
              FROM "Activations"
              WHERE "CreatedAt" >= {At(priceSince)} AND "Price" IS NOT NULL AND NOT "PriceEstimated"
                AND "Status" NOT IN ('Buying', 'OutcomeUnknown')) AS "Latest"
            WHERE "Rank" = 1
            """).ToListAsync(cancellationToken);
        var medians = await db.Database.SqlQuery<MedianRow>(FormattableStringFactory.Create($$"""
            SELECT "Service", "Country", CAST(AVG("Units") AS DOUBLE PRECISION) AS "Units" FROM (
              SELECT "Service", "Country", {{units}} AS "Units",
                     ROW_NUMBER() OVER (PARTITION BY "Service", "Country" ORDER BY "FirstSmsAt" - "CreatedAt") AS "Rank",
                     COUNT(*) OVER (PARTITION BY "Service", "Country") AS "Total"
              FROM "Activations"
              WHERE "CreatedAt" >= {0} AND "FirstSmsAt" IS NOT NULL AND "FirstSmsAt" >= "CreatedAt") AS "Ranked"
            WHERE "Rank" IN (("Total" + 1) / 2, ("Total" + 2) / 2)
            GROUP BY "Service", "Country"
            """, At(since))).ToListAsync(cancellationToken);
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
