using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.ApiKeys;

/// <summary>What the vault holds for a user.</summary>
public enum StoredKeyState
{
    Missing,
    Available,

    /// <summary>Saved, but it cannot be decrypted any more (the key ring was lost or replaced).</summary>
    Unreadable,
}

/// <summary>A user's key as read from the vault; <see cref="Key"/> is set only when <see cref="State"/> is Available.</summary>
public sealed record StoredKeyLookup(StoredKeyState State, OtpWallApiKey? Key, string? LastFour, DateTimeOffset? SavedAt, Payer Payer = Payer.Own)
{
    public static StoredKeyLookup Missing { get; } = new(StoredKeyState.Missing, null, null, null);

    public static StoredKeyLookup TeamMissing { get; } = new(StoredKeyState.Missing, null, null, null, Payer.Team);

    /// <summary>Why no key can be used, said the same way on every page; null when the key is available.</summary>
    public string? Problem => (State, Payer) switch
    {
        (StoredKeyState.Missing, Payer.Own) => "No OTPWALL API key is saved yet. Add one on the API key page.",
        (StoredKeyState.Unreadable, Payer.Own) =>
            "Your saved API key can no longer be decrypted (the server's key ring changed). Enter it again on the API key page.",
        (StoredKeyState.Missing, Payer.Team) => "No team key is saved. An administrator adds it on the Team page.",
        (StoredKeyState.Unreadable, Payer.Team) =>
            "The team key can no longer be decrypted (the server's key ring changed). An administrator must enter it again on the Team page.",
        _ => null,
    };
}

/// <summary>
/// Keeps each user's OTPWALL key encrypted with ASP.NET Data Protection. The purpose includes the user id, so
/// one user's ciphertext cannot be opened as another's; the database never holds a key in clear.
/// </summary>
public sealed class ApiKeyVault(IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection, ChangeBus bus, TimeProvider time)
{
    private const string Purpose = "OtpWall.ApiKeys.v1";

    // Copies of this person's keys kept elsewhere (here and on other replicas) are stale.
    private void Changed(string userId) => bus.Publish(new KeysChanged(userId));

    /// <summary>
    /// Saves the user's key. A replaced key that bought activations still open is kept (encrypted) for them until they
    /// end, so they are still followed, completed and cancelled with the key that bought them.
    /// </summary>
    public async Task SaveAsync(string userId, OtpWallApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var ciphertext = ProtectorFor(userId).Protect(key.Reveal());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.ApiKeys.FindAsync([userId], cancellationToken);
        if (stored is not null) await RetireIfStillNeededAsync(db, stored, key.Fingerprint, cancellationToken);
        // A key saved again after it was replaced is the current one once more.
        await db.RetiredApiKeys.Where(k => k.UserId == userId && k.Fingerprint == key.Fingerprint).ExecuteDeleteAsync(cancellationToken);
        if (stored is null)
        {
            stored = new StoredApiKey { UserId = userId, Ciphertext = ciphertext, LastFour = key.LastFour };
            db.ApiKeys.Add(stored);
        }
        (stored.Ciphertext, stored.LastFour, stored.Fingerprint, stored.SavedAt) = (ciphertext, key.LastFour, key.Fingerprint, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Changed(userId);
    }

    public async Task<StoredKeyLookup> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId, cancellationToken);
        return stored is null ? StoredKeyLookup.Missing : Open(userId, stored.Ciphertext, stored.LastFour, stored.SavedAt);
    }

    /// <summary>Every user id with a saved key (for start-up work such as restoring sandbox accounts).</summary>
    public async Task<IReadOnlyList<string>> UsersWithKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Select(k => k.UserId).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The key an activation was bought with (by <paramref name="fingerprint"/>): the current key, or a replaced one kept
    /// for its open activations. Activations recorded before fingerprints existed use the current key.
    /// </summary>
    public async Task<StoredKeyLookup> GetForActivationAsync(string userId, string? fingerprint, CancellationToken cancellationToken = default)
    {
        var current = await GetAsync(userId, cancellationToken);
        if (fingerprint is null || current.Key?.Fingerprint == fingerprint) return current;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var retired = await db.RetiredApiKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.UserId == userId && k.Fingerprint == fingerprint, cancellationToken);
        return retired is null ? current : Open(userId, retired.Ciphertext, retired.LastFour, retired.RetiredAt);
    }

    /// <summary>How many open activations the current key bought: they would be followed with the old key after a change.</summary>
    public async Task<int> OpenActivationsOfCurrentKeyAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId, cancellationToken);
        if (stored is null || (stored.Fingerprint ?? FingerprintOf(stored)) is not { } fingerprint) return 0;
        return await OpenActivations(db, userId).CountAsync(a => a.KeyFingerprint == fingerprint || a.KeyFingerprint == null, cancellationToken);
    }

    /// <summary>Deletes the user's replaced keys whose activations have all ended.</summary>
    public async Task PruneRetiredAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.RetiredApiKeys
            .Where(k => k.UserId == userId && !OpenActivations(db, userId).Any(a => a.KeyFingerprint == k.Fingerprint))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Forgets the user's key (keeping it only for activations it bought that are still open); false when there was none.</summary>
    public async Task<bool> RemoveAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.ApiKeys.FindAsync([userId], cancellationToken);
        if (stored is null) return false;
        await RetireIfStillNeededAsync(db, stored, null, cancellationToken);
        db.ApiKeys.Remove(stored);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Changed(userId);
        return true;
    }

    // Open: bought (OTPWALL knows it) and not ended yet; such an activation still needs the key that bought it.
    private static IQueryable<Activations.Activation> OpenActivations(OtpWallDbContext db, string userId) =>
        db.Activations.Where(a => a.UserId == userId && a.UpstreamId != null && a.ClosedAt == null);

    private async Task RetireIfStillNeededAsync(OtpWallDbContext db, StoredApiKey stored, string? replacement, CancellationToken cancellationToken)
    {
        if ((stored.Fingerprint ?? FingerprintOf(stored)) is not { } fingerprint || fingerprint == replacement) return;
        // Activations recorded before fingerprints existed were bought with the key saved until now.
        await db.Activations.Where(a => a.UserId == stored.UserId && a.KeyFingerprint == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.KeyFingerprint, fingerprint), cancellationToken);
        if (!await OpenActivations(db, stored.UserId).AnyAsync(a => a.KeyFingerprint == fingerprint, cancellationToken)) return;
        await db.RetiredApiKeys.Where(k => k.UserId == stored.UserId && k.Fingerprint == fingerprint).ExecuteDeleteAsync(cancellationToken);
        db.RetiredApiKeys.Add(new RetiredApiKey
        {
            UserId = stored.UserId, Fingerprint = fingerprint, Ciphertext = stored.Ciphertext, LastFour = stored.LastFour, RetiredAt = time.GetUtcNow(),
        });
    }

    private string? FingerprintOf(StoredApiKey stored) => Open(stored.UserId, stored.Ciphertext, stored.LastFour, stored.SavedAt).Key?.Fingerprint;

    private StoredKeyLookup Open(string userId, string ciphertext, string lastFour, DateTimeOffset savedAt) =>
        Open(ProtectorFor(userId), ciphertext, lastFour, savedAt, Payer.Own);

    /// <summary>Decrypts a stored key; one that no longer decrypts (the key ring changed) is Unreadable, not an error.</summary>
    internal static StoredKeyLookup Open(IDataProtector protector, string ciphertext, string lastFour, DateTimeOffset savedAt, Payer payer)
    {
        try
        {
            return new StoredKeyLookup(StoredKeyState.Available, OtpWallApiKey.Parse(protector.Unprotect(ciphertext)), lastFour, savedAt, payer);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return new StoredKeyLookup(StoredKeyState.Unreadable, null, lastFour, savedAt, payer);
        }
    }

    private IDataProtector ProtectorFor(string userId) => protection.CreateProtector(Purpose, userId);
}
