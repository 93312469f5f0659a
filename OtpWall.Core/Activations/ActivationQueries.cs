using Microsoft.EntityFrameworkCore;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations;

/// <summary>What the history page filters by; every part is optional. Dates are the instance's days (<see cref="Spending.InstanceCalendar"/>), <see cref="To"/> included.</summary>
public sealed record HistoryFilter(ActivationStatus? Status = null, string? Service = null, string? Country = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>Spending and success of one service, over a history filter.</summary>
/// <summary>
/// One service in a person's history: numbers bought, how many received a code, and the money (see
/// <see cref="ActivationMoney"/>): spent, refunded, and net (what OTPWALL kept).
/// </summary>
public sealed record ServiceSummary(string Service, string ServiceName, int Activations, int CodesReceived, decimal Spent, decimal Refunded, string? Currency)
{
    public double SuccessRate => Activations == 0 ? 0 : (double)CodesReceived / Activations;

    /// <summary>Everything that left the balance for these numbers: what was spent and what came back.</summary>
    public decimal Charged => Spent + Refunded;
}

/// <summary>Reads of a user's activations. Every query is scoped to the user it is given.</summary>
public sealed class ActivationQueries(IDbContextFactory<OtpWallDbContext> databases, TimeProvider time, Spending.InstanceCalendar calendar)
{
    /// <summary>
    /// What the live page shows: open activations, outcome-unknown ones not yet dismissed, and those closed in the last 15
    /// minutes; open ones first (newest first), then those to look into, then the finished ones.
    /// </summary>
    public async Task<IReadOnlyList<ActivationView>> LiveAsync(string userId, CancellationToken cancellationToken = default)
    {
        var recently = time.GetUtcNow() - TimeSpan.FromMinutes(15);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Activations.AsNoTracking().Include(a => a.Messages)
            .Where(a => a.UserId == userId && !a.Dismissed &&
                        (a.ClosedAt == null || a.ClosedAt > recently || a.Status == ActivationStatus.OutcomeUnknown))
            .OrderByDescending(a => a.CreatedAt).Take(100).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.Status.IsFinal() ? 2 : a.Status == ActivationStatus.OutcomeUnknown ? 1 : 0).Select(ActivationView.From)];
    }

    /// <summary>How many of the person's codes are waiting to be used: numbers that received a code and are still open.</summary>
    public async Task<int> CodesWaitingAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Activations.CountAsync(a => a.UserId == userId && a.Status == ActivationStatus.Received && a.Code != null, cancellationToken);
    }

    public async Task<ActivationView?> GetAsync(string userId, Guid activationId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Activations.AsNoTracking().Include(a => a.Messages)
            .SingleOrDefaultAsync(a => a.UserId == userId && a.Id == activationId, cancellationToken);
        return row is null ? null : ActivationView.From(row);
    }

    /// <summary>
    /// One of the person's activations by the id a script holds: the dashboard's own id, or OTPWALL's; null when the
    /// person has none such (someone else's is as unknown as one that does not exist).
    /// </summary>
    public async Task<ActivationView?> FindAsync(string userId, string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var query = db.Activations.AsNoTracking().Include(a => a.Messages).Where(a => a.UserId == userId);
        var row = Guid.TryParse(id, out var own)
            ? await query.SingleOrDefaultAsync(a => a.Id == own, cancellationToken)
            : await query.Where(a => a.UpstreamId == id).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : ActivationView.From(row);
    }

    /// <summary>The person's purchase made for the attempt <paramref name="attemptId"/>, if there was one.</summary>
    public async Task<ActivationView?> ByAttemptAsync(string userId, Guid attemptId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.Activations.AsNoTracking().Include(a => a.Messages)
            .SingleOrDefaultAsync(a => a.UserId == userId && a.PurchaseAttemptId == attemptId, cancellationToken);
        return row is null ? null : ActivationView.From(row);
    }

    /// <summary>One page of history, newest first, and how many activations match in all.</summary>
    public async Task<(IReadOnlyList<ActivationView> Items, int Total)> HistoryAsync(
        string userId, HistoryFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, userId, filter);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.Include(a => a.Messages).OrderByDescending(a => a.CreatedAt)
            .Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 200)).ToListAsync(cancellationToken);
        return ([.. rows.Select(ActivationView.From)], total);
    }

    public async Task<IReadOnlyList<ServiceSummary>> SummaryAsync(string userId, HistoryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        // SQLite cannot add up decimals, and one team's history is small: sum here.
        var rows = await Filtered(db, userId, filter)
            .Select(a => new { a.Service, a.ServiceName, a.Status, HasMessages = a.Messages.Any(), a.Price, a.Currency }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => r.Service)
            .Select(g => new ServiceSummary(g.Key, g.First().ServiceName, g.Count(), g.Count(r => ActivationMoney.GotCode(r.Status, r.HasMessages)),
                g.Where(r => r.Price is not null && !ActivationMoney.IsRefunded(r.Status, r.HasMessages)).Sum(r => r.Price!.Value),
                g.Where(r => r.Price is not null && ActivationMoney.IsRefunded(r.Status, r.HasMessages)).Sum(r => r.Price!.Value),
                g.Select(r => r.Currency).FirstOrDefault(c => c is not null)))
            .OrderByDescending(s => s.Activations)];
    }

    /// <summary>The filtered history as CSV (RFC 4180), safe to open in a spreadsheet.</summary>
    public async Task WriteCsvAsync(string userId, HistoryFilter filter, TextWriter writer, CancellationToken cancellationToken = default)
    {
        await writer.WriteLineAsync("created_utc,activation_id,number,service,country,status,code,sms,price,currency,closed_utc,paid_with,price_estimated,refunded".AsMemory(), cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = Filtered(db, userId, filter).Include(a => a.Messages).OrderByDescending(a => a.CreatedAt).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var view = ActivationView.From(row);
            string?[] cells =
            [
                Iso(view.CreatedAt), view.UpstreamId, view.Number, view.Service, view.Country, view.Status.ToContractName(), view.Code,
                view.LatestSms, view.Price is { } price ? Amounts.Field(price) : null, view.Currency, view.ClosedAt is { } closed ? Iso(closed) : null,
                view.Payer.ToContractName(), view.Price is null ? null : view.PriceEstimated ? "true" : "false",
                view.Price is null ? null : view.IsRefunded() ? "true" : "false",
            ];
            await writer.WriteLineAsync(string.Join(',', cells.Select(Cell)).AsMemory(), cancellationToken);
        }
    }

    /// <summary>The services and countries that appear in a user's history, for the history filters.</summary>
    public async Task<(IReadOnlyList<Service> Services, IReadOnlyList<Country> Countries)> HistoryChoicesAsync(
        string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var mine = db.Activations.AsNoTracking().Where(a => a.UserId == userId);
        var services = await mine.Select(a => new { a.Service, a.ServiceName }).Distinct().ToListAsync(cancellationToken);
        var countries = await mine.Select(a => new { a.Country, a.CountryName }).Distinct().ToListAsync(cancellationToken);
        return ([.. services.DistinctBy(s => s.Service).Select(s => new Service(s.Service, s.ServiceName)).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)],
                [.. countries.DistinctBy(c => c.Country).Select(c => new Country(c.Country, c.CountryName)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)]);
    }

    private IQueryable<Activation> Filtered(OtpWallDbContext db, string userId, HistoryFilter filter)
    {
        var query = db.Activations.AsNoTracking().Where(a => a.UserId == userId);
        if (filter.Status is { } status) query = query.Where(a => a.Status == status);
        if (!string.IsNullOrWhiteSpace(filter.Service)) query = query.Where(a => a.Service == filter.Service);
        if (!string.IsNullOrWhiteSpace(filter.Country)) query = query.Where(a => a.Country == filter.Country);
        if (filter.From is { } from)
        {
            var start = calendar.StartOf(from);
            query = query.Where(a => a.CreatedAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = calendar.EndOf(to);
            query = query.Where(a => a.CreatedAt < end);
        }
        return query;
    }

    private static string Iso(DateTimeOffset value) => Csv.Iso(value);

    private static string Cell(string? value) => Csv.Cell(value);
}
