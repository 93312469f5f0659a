using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Accounts;

/// <summary>
/// The open sessions of every person. Requests ask <see cref="IsOpenAsync"/> (answered from memory for a second or two
/// after a database read); ended sessions are published on the bus (<see cref="SessionsEnded"/>, to every replica), and
/// open tabs signed in with them leave at once.
/// </summary>
public sealed class SessionRegistry : IDisposable
{
    private readonly IDbContextFactory<OtpWallDbContext> databases;
    private readonly ChangeBus bus;
    private readonly TimeProvider time;
    private readonly IDisposable _elsewhere;

    public SessionRegistry(IDbContextFactory<OtpWallDbContext> databases, ChangeBus bus, TimeProvider time)
    {
        (this.databases, this.bus, this.time) = (databases, bus, time);
        _elsewhere = bus.Subscribe<SessionsEnded>(ended =>
        {
            if (ended.FromReplica is not null) Forget(ended);
            return Task.CompletedTask;
        });
    }

    public void Dispose() => _elsewhere.Dispose();

    /// <summary>The claim in the sign-in cookie that names its session.</summary>
    public const string ClaimType = "otpwall:sid";

    private static readonly TimeSpan s_trustFor = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.Ordinal);

    // Another replica ended these sessions: this process stops trusting them at once (its open tabs hear it on the bus).
    private void Forget(SessionsEnded ended)
    {
        if (ended.SessionId is { } session) _openUntil.TryRemove(session, out _);
        else foreach (var entry in _openUntil.Keys) if (entry != ended.Kept) _openUntil.TryRemove(entry, out _);
    }

    public async Task<string> StartAsync(string userId, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        db.UserSessions.Add(new UserSession { Id = id, UserId = userId, CreatedAt = now, ClientAddress = clientAddress });
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    public async Task<bool> IsOpenAsync(string userId, string? sessionId, CancellationToken cancellationToken = default)
    {
        if (sessionId is null) return false;
        var now = time.GetUtcNow();
        if (_openUntil.TryGetValue(sessionId, out var until) && until > now) return true;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var open = await db.UserSessions.AnyAsync(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null, cancellationToken);
        if (open) _openUntil[sessionId] = now + s_trustFor;
        else _openUntil.TryRemove(sessionId, out _);
        if (_openUntil.Count > 10_000) foreach (var stale in _openUntil.Where(p => p.Value <= now)) _openUntil.TryRemove(stale);
        return open;
    }

    /// <summary>Why a session ended ("account disabled", "signed out everywhere", …), or null while it is open or unknown.</summary>
    public async Task<string?> EndReasonAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAt != null).Select(s => s.EndReason).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Where a session signed in from, for what it does later when no request is at hand.</summary>
    public async Task<string?> ClientAddressAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.UserSessions.Where(s => s.Id == sessionId).Select(s => s.ClientAddress).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task EndAsync(string userId, string sessionId, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), cancellationToken);
        _openUntil.TryRemove(sessionId, out _);
        bus.Publish(new SessionsEnded(userId, sessionId, null));
    }

    /// <summary>Ends every session of <paramref name="userId"/> except <paramref name="kept"/>; returns how many were open.</summary>
    public async Task<int> EndAllAsync(string userId, string reason, string? kept = null, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var ended = await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != kept)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), cancellationToken);
        foreach (var entry in _openUntil.Keys) if (entry != kept) _openUntil.TryRemove(entry, out _);
        bus.Publish(new SessionsEnded(userId, null, kept));
        return ended;
    }

    /// <summary>Forgets sessions that ended (or began) longer ago than <paramref name="age"/>.</summary>
    public async Task<int> PruneAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - age;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.UserSessions.Where(s => s.EndedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
