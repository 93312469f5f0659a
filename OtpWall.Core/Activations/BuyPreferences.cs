using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations;

/// <summary>A service and country a user bought or starred, for one-click buying.</summary>
public sealed record PairView(string Service, string ServiceName, string Country, string CountryName, bool IsFavourite);

/// <summary>What a person chose about buying: starred pairs and whether numbers without SMS are cancelled for a refund.</summary>
public sealed class BuyPreferences(IDbContextFactory<OtpWallDbContext> databases, ChangeBus bus, TimeProvider time)
{
    /// <summary>Starred pairs first, then the last pairs bought, without repeats.</summary>
    public async Task<IReadOnlyList<PairView>> QuickPairsAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var favourites = await db.FavouritePairs.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ToListAsync(cancellationToken);
        var recent = await db.Activations.AsNoTracking().Where(a => a.UserId == userId).OrderByDescending(a => a.CreatedAt).Take(50)
            .Select(a => new { a.Service, a.ServiceName, a.Country, a.CountryName }).ToListAsync(cancellationToken);
        var pairs = favourites.Select(f => new PairView(f.Service, f.ServiceName, f.Country, f.CountryName, true)).ToList();
        foreach (var r in recent)
        {
            if (pairs.Count >= 8) break;
            if (!pairs.Any(p => p.Service == r.Service && p.Country == r.Country))
                pairs.Add(new PairView(r.Service, r.ServiceName, r.Country, r.CountryName, false));
        }
        return pairs;
    }

    public async Task SetFavouriteAsync(string userId, Service service, Country country, bool favourite, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var existing = await db.FavouritePairs.FindAsync([userId, service.Code, country.Code], cancellationToken);
        if (favourite && existing is null)
            db.FavouritePairs.Add(new FavouritePair
            {
                UserId = userId, Service = service.Code, ServiceName = service.Name, Country = country.Code, CountryName = country.Name,
                CreatedAt = time.GetUtcNow(),
            });
        else if (!favourite && existing is not null)
            db.FavouritePairs.Remove(existing);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> AutoCancelUnansweredAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ActivationPreferences.Where(p => p.UserId == userId).Select(p => (bool?)p.AutoCancelUnanswered)
            .SingleOrDefaultAsync(cancellationToken) ?? true;
    }

    public Task SetAutoCancelUnansweredAsync(string userId, bool enabled, CancellationToken cancellationToken = default) =>
        UpdateAsync(userId, p => p.AutoCancelUnanswered = enabled, cancellationToken);

    /// <summary>The person's choices, defaults for anyone who never changed them.</summary>
    public async Task<ActivationPreferences> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ActivationPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken)
            ?? new ActivationPreferences { UserId = userId };
    }

    public Task SetConfirmQuickBuysAsync(string userId, bool confirm, CancellationToken cancellationToken = default) =>
        UpdateAsync(userId, p => p.ConfirmQuickBuys = confirm, cancellationToken);

    private Task UpdateAsync(string userId, Action<ActivationPreferences> change, CancellationToken cancellationToken) =>
        UpdateRowAsync(databases, bus, userId, change, cancellationToken);

    /// <summary>
    /// Changes a person's row of choices (made on first use) and tells their tabs on every replica; the one way it is
    /// written (the low-balance warning, kept in the same row, goes through here too).
    /// </summary>
    internal static async Task UpdateRowAsync(
        IDbContextFactory<OtpWallDbContext> databases, ChangeBus bus, string userId, Action<ActivationPreferences> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var preferences = await db.ActivationPreferences.FindAsync([userId], cancellationToken);
        if (preferences is null) db.ActivationPreferences.Add(preferences = new ActivationPreferences { UserId = userId });
        change(preferences);
        await db.SaveChangesAsync(cancellationToken);
        bus.Publish(new PreferencesChanged(userId));
    }
}
