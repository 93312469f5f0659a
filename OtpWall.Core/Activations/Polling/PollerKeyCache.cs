using System.Collections.Concurrent;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// The keys the poller reads with, decrypted once and kept for a short while instead of on every poll. A person's keys
/// (or the team's) are dropped the moment the bus says they changed (here or on another replica), so a replaced or removed key is never used from here.
/// </summary>
internal sealed class PollerKeyCache : IDisposable
{
    private readonly ConcurrentDictionary<(string Account, string? Fingerprint), (OtpWallApiKey Key, DateTimeOffset Until)> _keys = new();
    private readonly IDisposable[] _changes;
    private readonly PayingKeys _paying;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public PollerKeyCache(ChangeBus bus, PayingKeys paying, TimeProvider time, TimeSpan lifetime)
    {
        (_paying, _time, _lifetime) = (paying, time, lifetime);
        _changes =
        [
            bus.Subscribe<KeysChanged>(changed => Drop(changed.UserId)),
            bus.Subscribe<TeamKeyChanged>(_ => Drop(TeamKeyVault.Account)),
        ];
    }

    public int Count => _keys.Count;

    public async Task<OtpWallApiKey?> GetAsync(string userId, Payer payer, string? fingerprint, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var entry = (PayingKeys.AccountOf(userId, payer), fingerprint);
        if (_keys.TryGetValue(entry, out var cached) && cached.Until > now) return cached.Key;
        var key = (await _paying.ForActivationAsync(userId, payer, fingerprint, cancellationToken)).Key;
        if (key is not null && _lifetime > TimeSpan.Zero) _keys[entry] = (key, now + _lifetime);
        return key;
    }

    public void Dispose()
    {
        foreach (var subscription in _changes) subscription.Dispose();
    }

    private Task Drop(string account)
    {
        foreach (var entry in _keys.Keys.Where(k => k.Account == account)) _keys.TryRemove(entry, out _);
        return Task.CompletedTask;
    }
}
