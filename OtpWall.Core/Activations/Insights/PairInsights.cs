using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations.Insights;

/// <summary>
/// The team's <see cref="PairInsight"/>s for pages, kept (<see cref="PairInsightsQuery"/> works them out). Reading them
/// for a whole catalogue takes the database a few hundred milliseconds with tens of thousands of purchases, so pages get the
/// last snapshot at once and a fresh one is worked out in the background (one at a time) after any activation changed or
/// once it is <see cref="MaxAge"/> old; <see cref="InsightsRefreshed"/> on the bus tells open pages. Asking for a fresh one waits for it.
/// </summary>
public sealed partial class PairInsights
{
    /// <summary>A snapshot older than this is worked out again even when nothing was heard of.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<OtpWallDbContext> databases;
    private readonly PairInsightsQuery query;
    private readonly TimeProvider time;
    private readonly ILogger<PairInsights> logger;
    private readonly Lock _gate = new();
    private PairInsightsSnapshot? _snapshot;
    private Task<PairInsightsSnapshot>? _refreshing;
    // Activation changes heard of, and how many of them the snapshot includes.
    private long _changes;
    private long _snapshotChanges = -1;

    private readonly ChangeBus bus;

    public PairInsights(IDbContextFactory<OtpWallDbContext> databases, PairInsightsQuery query, ChangeBus bus, TimeProvider time, ILogger<PairInsights> logger) =>
        (this.databases, this.query, this.bus, this.time, this.logger) = (databases, query, bus, time, logger);

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
            var snapshot = await query.ReadAsync(CancellationToken.None);
            lock (_gate) (_snapshot, _snapshotChanges) = (snapshot, changes);
            bus.Publish(new InsightsRefreshed(snapshot));
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
}
