using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;

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
public sealed record StoredKeyLookup(StoredKeyState State, OtpWallApiKey? Key, string? LastFour, DateTimeOffset? SavedAt)
{
    public static StoredKeyLookup Missing { get; } = new(StoredKeyState.Missing, null, null, null);

    /// <summary>Why no key can be used, said the same way on every page; null when the key is available.</summary>
    public string? Problem => State switch
    {
        StoredKeyState.Missing => "No OTPWALL API key is saved yet. Add one on the API key page.",
        StoredKeyState.Unreadable =>
            "Your saved API key can no longer be decrypted (the server's key ring changed). Enter it again on the API key page.",
        _ => null,
    };
}

/// <summary>
/// Keeps each user's OTPWALL key encrypted with ASP.NET Data Protection. The purpose includes the user id, so
/// one user's ciphertext cannot be opened as another's; the database never holds a key in clear.
/// </summary>
public sealed class ApiKeyVault(IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection, TimeProvider time)
{
    private const string Purpose = "OtpWall.ApiKeys.v1";

    public async Task SaveAsync(string userId, OtpWallApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var ciphertext = ProtectorFor(userId).Protect(key.Reveal());
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.ApiKeys.FindAsync([userId], cancellationToken);
        if (stored is null)
        {
            db.ApiKeys.Add(new StoredApiKey { UserId = userId, Ciphertext = ciphertext, LastFour = key.LastFour, SavedAt = time.GetUtcNow() });
        }
        else
        {
            stored.Ciphertext = ciphertext;
            stored.LastFour = key.LastFour;
            stored.SavedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<StoredKeyLookup> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId, cancellationToken);
        if (stored is null) return StoredKeyLookup.Missing;
        try
        {
            var key = OtpWallApiKey.Parse(ProtectorFor(userId).Unprotect(stored.Ciphertext));
            return new StoredKeyLookup(StoredKeyState.Available, key, stored.LastFour, stored.SavedAt);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return new StoredKeyLookup(StoredKeyState.Unreadable, null, stored.LastFour, stored.SavedAt);
        }
    }

    /// <summary>Every user id with a saved key (for start-up work such as restoring sandbox accounts).</summary>
    public async Task<IReadOnlyList<string>> UsersWithKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Select(k => k.UserId).ToListAsync(cancellationToken);
    }

    /// <summary>Forgets the user's key; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private IDataProtector ProtectorFor(string userId) => protection.CreateProtector(Purpose, userId);
}
