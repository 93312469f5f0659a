using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.ApiKeys;

/// <summary>
/// The instance's one team key, encrypted with Data Protection under its own purpose (a person's key ciphertext cannot
/// be opened as the team's, nor the other way round). A replaced or removed team key is kept, encrypted, while
/// activations it bought are open, so they are still followed, completed and cancelled with it; then it is deleted.
/// </summary>
public sealed class TeamKeyVault(IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection, ChangeBus bus, TimeProvider time)
{
    private const string Purpose = "OtpWall.TeamKey.v1";

    /// <summary>The account name wallets and balance movements use for the team key (user ids are GUIDs: no clash).</summary>
    public const string Account = "team";

    // Copies of the team key kept elsewhere (here and on other replicas) are stale.
    private void OnChanged() => bus.Publish(new TeamKeyChanged());

    public async Task SaveAsync(OtpWallApiKey key, CancellationToken cancellationToken = default)
    {
        var ciphertext = Protector.Protect(key.Reveal());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RetireCurrentAsync(db, cancellationToken);
        // The same key saved again (even after it was replaced) is the current one once more.
        await db.TeamApiKeys.Where(k => k.Fingerprint == key.Fingerprint).ExecuteDeleteAsync(cancellationToken);
        db.TeamApiKeys.Add(new TeamApiKey { Fingerprint = key.Fingerprint, Ciphertext = ciphertext, LastFour = key.LastFour, SavedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        OnChanged();
    }

    /// <summary>Forgets the team key (keeping it only for activations it bought that are still open); false when there was none.</summary>
    public async Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await RetireCurrentAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (removed) OnChanged();
        return removed;
    }

    public async Task<StoredKeyLookup> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var current = await db.TeamApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.RetiredAt == null, cancellationToken);
        return current is null ? StoredKeyLookup.TeamMissing : Open(current);
    }

    /// <summary>The team key an activation was bought with (current or kept for it); missing once it was deleted.</summary>
    public async Task<StoredKeyLookup> GetForActivationAsync(string? fingerprint, CancellationToken cancellationToken = default)
    {
        if (fingerprint is null) return await GetAsync(cancellationToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.TeamApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Fingerprint == fingerprint, cancellationToken);
        return stored is null ? StoredKeyLookup.TeamMissing : Open(stored);
    }

    /// <summary>How many open activations the current team key bought (replacing or removing it asks first when there are any).</summary>
    public async Task<int> OpenActivationsOfCurrentKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var current = await db.TeamApiKeys.AsNoTracking().Where(k => k.RetiredAt == null).Select(k => k.Fingerprint).SingleOrDefaultAsync(cancellationToken);
        return current is null ? 0 : await OpenActivations(db).CountAsync(a => a.KeyFingerprint == current, cancellationToken);
    }

    /// <summary>Deletes replaced team keys whose activations have all ended.</summary>
    public async Task PruneRetiredAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.TeamApiKeys
            .Where(k => k.RetiredAt != null && !OpenActivations(db).Any(a => a.KeyFingerprint == k.Fingerprint))
            .ExecuteDeleteAsync(cancellationToken);
    }

    private static IQueryable<Activations.Activation> OpenActivations(OtpWallDbContext db) =>
        db.Activations.Where(a => a.Payer == Payer.Team && a.UpstreamId != null && a.ClosedAt == null);

    // The current key becomes retired when open activations still need it, and is deleted otherwise.
    private async Task<bool> RetireCurrentAsync(OtpWallDbContext db, CancellationToken cancellationToken)
    {
        var current = await db.TeamApiKeys.SingleOrDefaultAsync(k => k.RetiredAt == null, cancellationToken);
        if (current is null) return false;
        if (await OpenActivations(db).AnyAsync(a => a.KeyFingerprint == current.Fingerprint, cancellationToken)) current.RetiredAt = time.GetUtcNow();
        else db.TeamApiKeys.Remove(current);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private StoredKeyLookup Open(TeamApiKey stored) => ApiKeyVault.Open(Protector, stored.Ciphertext, stored.LastFour, stored.SavedAt, Payer.Team);

    private IDataProtector Protector => protection.CreateProtector(Purpose);
}
