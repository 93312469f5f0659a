using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Accounts;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;

namespace OtpWall.Core.Audit;

/// <summary>What the audit page asks for: entries about one person (as actor or subject), of one action, between two days.</summary>
public sealed record AuditFilter(string? UserId = null, string? Action = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>
/// One page of entries, newest first. <see cref="OlderCursor"/> and <see cref="NewerCursor"/> ask for the page after and
/// before it (null when there is none): paging by id, so the thousandth page costs what the first does.
/// </summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? OlderCursor, long? NewerCursor, int Total);

/// <summary>
/// Writes the audit log and reads it back: every administrator's page through <see cref="PageAsync"/>, a person's own
/// security events through <see cref="PageOwnAsync"/>. Writing never fails the action it records (a failed write is
/// logged, without the entry's text).
/// </summary>
public sealed partial class AuditLog(
    IDbContextFactory<OtpWallDbContext> databases, TimeProvider time, InstanceCalendar calendar, ILogger<AuditLog> logger)
{
    public const int PageSize = 50;

    /// <summary>
    /// Records <paramref name="action"/> by <paramref name="actorId"/> about <paramref name="subjectId"/> (the actor when
    /// null) from the current <see cref="AuditClient.Address"/>. Never throws but for cancellation: a purchase that went
    /// through must not look failed because its audit line could not be written.
    /// </summary>
    public async Task RecordAsync(string action, string? actorId, string text, string? subjectId = null, CancellationToken cancellationToken = default)
    {
        subjectId ??= actorId;
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var ids = new[] { actorId, subjectId }.OfType<string>().Distinct().ToList();
            var emails = ids.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
            db.AuditEntries.Add(new AuditEntry
            {
                At = time.GetUtcNow(),
                Action = action,
                ActorId = actorId,
                ActorEmail = actorId is null ? null : emails.GetValueOrDefault(actorId),
                SubjectId = subjectId,
                SubjectEmail = subjectId is null ? null : emails.GetValueOrDefault(subjectId),
                ClientAddress = AuditClient.Address,
                Text = text.Length > 500 ? text[..500] : text,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWriteFailed(logger, action, ex.GetType().Name);
        }
    }

    /// <summary>A page of the whole log for an administrator; <paramref name="olderThan"/>/<paramref name="newerThan"/> are a page's cursors.</summary>
    public async Task<AuditPage> PageAsync(
        string actingUserId, AuditFilter filter, long? olderThan = null, long? newerThan = null, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        return await PageOfAsync(Filtered(db, filter), olderThan, newerThan, cancellationToken);
    }

    /// <summary>
    /// A person's own security events (sign-ins, password, two-factor, keys, what administrators did to the account). The
    /// client address is shown only where nobody else acted: an administrator's address is not the member's to see.
    /// </summary>
    public async Task<AuditPage> PageOwnAsync(string userId, long? olderThan = null, long? newerThan = null, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var security = AuditActions.Security.ToList();
        var own = db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == userId && security.Contains(e.Action));
        var page = await PageOfAsync(own, olderThan, newerThan, cancellationToken);
        foreach (var entry in page.Entries)
            if (entry.ActorId is not null && entry.ActorId != userId) entry.ClientAddress = null;
        return page;
    }

    /// <summary>Every entry the filter selects, newest first, read in batches (for the CSV download).</summary>
    public async IAsyncEnumerable<AuditEntry> ExportAsync(
        string actingUserId, AuditFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using (var check = await databases.CreateDbContextAsync(cancellationToken))
        {
            await Administrators.EnsureAsync(check, actingUserId, cancellationToken);
        }
        long? olderThan = null;
        while (true)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var query = Filtered(db, filter);
            if (olderThan is { } cursor) query = query.Where(e => e.Id < cursor);
            var batch = await query.OrderByDescending(e => e.Id).Take(1000).ToListAsync(cancellationToken);
            foreach (var entry in batch) yield return entry;
            if (batch.Count < 1000) yield break;
            olderThan = batch[^1].Id;
        }
    }

    /// <summary>The entries the filter selects as CSV, newest first.</summary>
    public async Task WriteCsvAsync(string actingUserId, AuditFilter filter, TextWriter writer, CancellationToken cancellationToken = default)
    {
        await writer.WriteLineAsync("time_utc,action,actor,subject,client_address,text".AsMemory(), cancellationToken);
        await foreach (var entry in ExportAsync(actingUserId, filter, cancellationToken))
            await writer.WriteLineAsync(Csv.Line(Csv.Iso(entry.At), entry.Action, entry.ActorEmail, entry.SubjectEmail, entry.ClientAddress, entry.Text).AsMemory(), cancellationToken);
    }

    /// <summary>Deletes entries older than the retention; returns how many went.</summary>
    public async Task<int> PruneAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - retention;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.Where(e => e.At < before).ExecuteDeleteAsync(cancellationToken);
    }

    private IQueryable<AuditEntry> Filtered(OtpWallDbContext db, AuditFilter filter)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (filter.UserId is { Length: > 0 } userId) query = query.Where(e => e.ActorId == userId || e.SubjectId == userId);
        if (filter.Action is { Length: > 0 } action) query = query.Where(e => e.Action == action);
        if (filter.From is { } from)
        {
            var start = calendar.StartOf(from);
            query = query.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = calendar.EndOf(to);
            query = query.Where(e => e.At < end);
        }
        return query;
    }

    private static async Task<AuditPage> PageOfAsync(IQueryable<AuditEntry> query, long? olderThan, long? newerThan, CancellationToken cancellationToken)
    {
        var total = await query.CountAsync(cancellationToken);
        List<AuditEntry> entries;
        bool moreOlder, moreNewer;
        if (newerThan is { } after)
        {
            entries = await query.Where(e => e.Id > after).OrderBy(e => e.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
            moreNewer = entries.Count > PageSize;
            if (moreNewer) entries.RemoveAt(PageSize);
            entries.Reverse();
            moreOlder = true;
        }
        else
        {
            var page = olderThan is { } before ? query.Where(e => e.Id < before) : query;
            entries = await page.OrderByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
            moreOlder = entries.Count > PageSize;
            if (moreOlder) entries.RemoveAt(PageSize);
            moreNewer = olderThan is not null;
        }
        if (entries.Count == 0) return new AuditPage(entries, null, null, total);
        return new AuditPage(entries, moreOlder ? entries[^1].Id : null, moreNewer ? entries[0].Id : null, total);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit entry ({Action}) could not be written: {Error}.")]
    private static partial void LogWriteFailed(ILogger logger, string action, string error);
}
