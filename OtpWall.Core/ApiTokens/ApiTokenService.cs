using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.ApiTokens;

/// <summary>
/// Personal API tokens: a person creates (shown once), lists and revokes their own; administrators list and revoke
/// everyone's. Requests to <c>/api/v1</c> are checked with <see cref="AuthenticateAsync"/>, answered from memory for a
/// few seconds after a database read; a revoked or ended token is dropped from memory at once on every replica
/// (<see cref="ApiTokensChanged"/>). Disabling a person, a password reset and "sign out everywhere" end all their
/// tokens (<see cref="EndAllAsync"/>).
/// </summary>
public sealed class ApiTokenService : IDisposable
{
    /// <summary>How many tokens one person may hold.</summary>
    public const int MaxPerPerson = 20;

    private static readonly TimeSpan s_trustFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_noteUseEvery = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<OtpWallDbContext> databases;
    private readonly AuditLog audit;
    private readonly ChangeBus bus;
    private readonly TimeProvider time;
    private readonly IDisposable _elsewhere;
    private readonly ConcurrentDictionary<string, Trusted> _trusted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _usedNoted = new();

    private sealed record Trusted(ApiCaller Caller, byte[] Hash, DateTimeOffset Until);

    public ApiTokenService(IDbContextFactory<OtpWallDbContext> databases, AuditLog audit, ChangeBus bus, TimeProvider time)
    {
        (this.databases, this.audit, this.bus, this.time) = (databases, audit, bus, time);
        _elsewhere = bus.Subscribe<ApiTokensChanged>(changed =>
        {
            Forget(changed.UserId);
            return Task.CompletedTask;
        });
    }

    public void Dispose() => _elsewhere.Dispose();

    public async Task<Outcome<CreatedApiToken>> CreateAsync(
        string userId, string? name, ApiTokenLifetime lifetime, ApiTokenScope scope, CancellationToken cancellationToken = default)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) return Outcome.Refused<CreatedApiToken>("Give the token a name, for example the script or bot that will use it.");
        if (trimmed.Length > ApiToken.NameMaxLength) return Outcome.Refused<CreatedApiToken>($"A token's name is at most {ApiToken.NameMaxLength} characters.");
        if (trimmed.Any(char.IsControl)) return Outcome.Refused<CreatedApiToken>("A token's name cannot contain control characters.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var existing = await db.ApiTokens.Where(t => t.UserId == userId).Select(t => t.Name).ToListAsync(cancellationToken);
        if (existing.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
            return Outcome.Refused<CreatedApiToken>($"You already have a token named \"{trimmed}\". Choose another name, or revoke that one first.");
        if (existing.Count >= MaxPerPerson)
            return Outcome.Refused<CreatedApiToken>($"You have {MaxPerPerson} tokens, the most one person may hold. Revoke one you no longer use first.");

        // The shape of an OTPWALL key, so a script that checks the shape of its key accepts it.
        var value = RandomNumberGenerator.GetString(OtpWallApiKey.Alphabet, OtpWallApiKey.Length);
        var now = time.GetUtcNow();
        var token = new ApiToken
        {
            Id = Guid.NewGuid(), UserId = userId, Name = trimmed, Hash = ApiToken.HashOf(value), Scope = scope,
            CreatedAt = now, ExpiresAt = lifetime.ExpiryFrom(now),
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.ApiTokenCreated, userId,
            $"Created API token \"{trimmed}\" ({scope.Describe()}, {(token.ExpiresAt is { } expires ? $"expires {expires.UtcDateTime:yyyy-MM-dd}" : "no expiry")}).",
            cancellationToken: CancellationToken.None);
        return Outcome.Done(new CreatedApiToken(value, Summary(token, null)));
    }

    /// <summary>The person's own tokens, newest first.</summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> ListOwnAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(cancellationToken);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).Select(t => Summary(t, null))];
    }

    /// <summary>Every member's tokens, for an administrator: by owner, newest first.</summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> ListAllAsync(string actingUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        var rows = await (from t in db.ApiTokens.AsNoTracking()
                          join u in db.Users on t.UserId equals u.Id
                          select new { Token = t, u.Email }).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ThenByDescending(r => r.Token.CreatedAt).Select(r => Summary(r.Token, r.Email))];
    }

    /// <summary>
    /// Revokes a token: its owner, or an administrator, may. Its next request is refused, on every replica. A token
    /// that is not the actor's (and the actor no administrator) is refused as if it did not exist.
    /// </summary>
    public async Task<Refusal?> RevokeAsync(string actingUserId, Guid tokenId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        if (token is null || (token.UserId != actingUserId && !await Administrators.Ids(db).ContainsAsync(actingUserId, cancellationToken)))
            return new Refusal("This token does not exist (it may have been revoked already).");
        db.ApiTokens.Remove(token);
        await db.SaveChangesAsync(cancellationToken);
        Ended(token.UserId);
        await audit.RecordAsync(AuditActions.ApiTokenRevoked, actingUserId,
            token.UserId == actingUserId ? $"Revoked API token \"{token.Name}\"." : $"Revoked the person's API token \"{token.Name}\".",
            token.UserId, CancellationToken.None);
        return null;
    }

    /// <summary>Ends every token of <paramref name="userId"/> (disabled, password reset, signed out everywhere); returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var ended = await db.ApiTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        Ended(userId);
        if (ended > 0)
            await audit.RecordAsync(AuditActions.ApiTokenRevoked, null,
                $"{ended} API token{(ended == 1 ? "" : "s")} ended: {reason}.", userId, CancellationToken.None);
        return ended;
    }

    /// <summary>
    /// Who <paramref name="presented"/> (a bearer token) acts for; null when it is not a token of this instance, was
    /// revoked or expired, or its owner is disabled.
    /// </summary>
    public async ValueTask<ApiCaller?> AuthenticateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (!OtpWallApiKey.IsWellFormed(presented)) return null;
        var hash = ApiToken.HashBytes(presented.Trim());
        var hex = Convert.ToHexStringLower(hash);
        var now = time.GetUtcNow();
        if (_trusted.TryGetValue(hex, out var trusted) && trusted.Until > now && CryptographicOperations.FixedTimeEquals(trusted.Hash, hash))
            return trusted.Caller.ExpiresAt <= now ? null : trusted.Caller;

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.AsNoTracking()
            .Where(t => t.Hash == hex && db.Users.Any(u => u.Id == t.UserId && !u.IsDisabled))
            .SingleOrDefaultAsync(cancellationToken);
        if (token is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(token.Hash), hash) || token.ExpiresAt <= now)
        {
            _trusted.TryRemove(hex, out _);
            return null;
        }
        var caller = new ApiCaller(token.Id, token.UserId, token.Name, token.Scope, token.ExpiresAt);
        _trusted[hex] = new Trusted(caller, hash, now + s_trustFor);
        if (_trusted.Count > 10_000) foreach (var stale in _trusted.Where(p => p.Value.Until <= now)) _trusted.TryRemove(stale);
        return caller;
    }

    /// <summary>Notes that the token was used, and from where (written at most once a minute per token).</summary>
    public async Task NoteUseAsync(ApiCaller caller, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_usedNoted.TryGetValue(caller.TokenId, out var noted) && now - noted < s_noteUseEvery) return;
        _usedNoted[caller.TokenId] = now;
        var from = clientAddress is { Length: > 64 } ? clientAddress[..64] : clientAddress;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.ApiTokens.Where(t => t.Id == caller.TokenId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now).SetProperty(t => t.LastUsedFrom, from), cancellationToken);
    }

    private void Ended(string userId)
    {
        Forget(userId);
        bus.Publish(new ApiTokensChanged(userId));
    }

    private void Forget(string userId)
    {
        foreach (var (hash, trusted) in _trusted)
            if (trusted.Caller.UserId == userId) _trusted.TryRemove(hash, out _);
    }

    private static ApiTokenSummary Summary(ApiToken t, string? email) =>
        new(t.Id, t.UserId, email, t.Name, t.Scope, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.LastUsedFrom);
}
