using System.Collections.Concurrent;
using OtpWall.Core.ApiKeys;

namespace OtpWall.Core.Activations;

/// <summary>
/// The keys the poller reads with, decrypted once and kept for a short while instead of on every poll. A person's keys
/// are dropped the moment the vault says they changed, so a replaced or removed key is never used from here.
/// </summary>
internal sealed class PollerKeyCache : IDisposable
{
    private readonly ConcurrentDictionary<(string UserId, string? Fingerprint), (OtpWallApiKey Key, DateTimeOffset Until)> _keys = new();
    private readonly ApiKeyVault _vault;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public PollerKeyCache(ApiKeyVault vault, TimeProvider time, TimeSpan lifetime)
    {
        (_vault, _time, _lifetime) = (vault, time, lifetime);
        _vault.KeysChanged += Drop;
    }

    public int Count => _keys.Count;

    public async Task<OtpWallApiKey?> GetAsync(string userId, string? fingerprint, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_keys.TryGetValue((userId, fingerprint), out var cached) && cached.Until > now) return cached.Key;
        var key = (await _vault.GetForActivationAsync(userId, fingerprint, cancellationToken)).Key;
        if (key is not null && _lifetime > TimeSpan.Zero) _keys[(userId, fingerprint)] = (key, now + _lifetime);
        return key;
    }

    public void Dispose() => _vault.KeysChanged -= Drop;

    private void Drop(string userId)
    {
        foreach (var entry in _keys.Keys.Where(k => k.UserId == userId)) _keys.TryRemove(entry, out _);
    }
}
