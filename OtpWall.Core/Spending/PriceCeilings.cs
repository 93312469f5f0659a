using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.Audit;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Spending;

/// <summary>The team's default price ceiling for a service: members' purchases of it respect it unless allowed to raise it.</summary>
public sealed class ServiceCeiling
{
    public required string Service { get; set; }

    public required string ServiceName { get; set; }

    public decimal Ceiling { get; set; }
}

/// <summary>
/// Administrators' default price ceilings per service, and the ceiling a purchase gets: the person's own (from Buy, a
/// rule or the API), never above the team's default unless the administrator lets the member raise it
/// (<see cref="MemberSpending.MayRaiseCeilings"/>); the default when the person sets none.
/// </summary>
public sealed class PriceCeilings(IDbContextFactory<OtpWallDbContext> databases, AuditLog audit)
{
    public async Task<IReadOnlyList<ServiceCeiling>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return [.. (await db.ServiceCeilings.AsNoTracking().ToListAsync(cancellationToken)).OrderBy(c => c.ServiceName, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Sets (or, with null, removes) the team's default ceiling for <paramref name="service"/>; administrators only.</summary>
    public async Task<Refusal?> SetAsync(string actingUserId, Service service, decimal? ceiling, CancellationToken cancellationToken = default)
    {
        if (ceiling is <= 0) return new Refusal("A price ceiling is an amount above 0.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var row = await db.ServiceCeilings.FindAsync([service.Code], cancellationToken);
        if (ceiling is { } most)
        {
            if (row is null) db.ServiceCeilings.Add(row = new ServiceCeiling { Service = service.Code, ServiceName = service.Name });
            row.Ceiling = most;
        }
        else if (row is not null)
        {
            db.ServiceCeilings.Remove(row);
        }
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.PriceCeilingChanged, actingUserId, ceiling is { } set
            ? $"Set the team's price ceiling for {service.Name} to {Amounts.Text(set, null)}."
            : $"Removed the team's price ceiling for {service.Name}.", cancellationToken: CancellationToken.None);
        return null;
    }

    /// <summary>The ceiling a purchase of <paramref name="serviceCode"/> by <paramref name="userId"/> gets, given what they asked (null: none).</summary>
    public async Task<decimal?> EffectiveAsync(string userId, string serviceCode, decimal? asked, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var team = await db.ServiceCeilings.AsNoTracking().Where(c => c.Service == serviceCode).Select(c => (decimal?)c.Ceiling).FirstOrDefaultAsync(cancellationToken);
        if (team is not { } most) return asked;
        var mayRaise = await db.MemberSpending.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.MayRaiseCeilings).FirstOrDefaultAsync(cancellationToken);
        return asked is not { } own ? most : mayRaise ? own : Math.Min(own, most);
    }
}
