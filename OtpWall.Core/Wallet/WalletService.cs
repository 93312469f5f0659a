using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Upstream;

namespace OtpWall.Core.Wallet;

/// <summary>
/// One wallet reading per account (a user's own key, or the team key under <see cref="TeamKeyVault.Account"/>), shared by
/// every tab that shows it: OTPWALL is asked at most once per
/// <see cref="WalletOptions.MinRefreshInterval"/> (longer when it asks us to wait), concurrent requests share one
/// call, and every subscriber hears of each new reading.
/// </summary>
public sealed partial class WalletService : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly PayingKeys keys;
    private readonly OtpWallClientFactory clients;
    private readonly ChangeBus bus;
    private readonly TimeProvider time;
    private readonly IOptions<WalletOptions> options;
    private readonly ILogger<WalletService> logger;
    private readonly IDisposable[] _elsewhere;

    public WalletService(
        PayingKeys keys, OtpWallClientFactory clients, ChangeBus bus, TimeProvider time, IOptions<WalletOptions> options, ILogger<WalletService> logger)
    {
        (this.keys, this.clients, this.bus, this.time, this.options, this.logger) = (keys, clients, bus, time, options, logger);
        // A key changed on another replica: what is known of its balance is dropped (here, the change's caller says so).
        _elsewhere =
        [
            bus.Subscribe<KeysChanged>(changed => ForgetIfElsewhere(changed, changed.UserId)),
            bus.Subscribe<TeamKeyChanged>(changed => ForgetIfElsewhere(changed, TeamKeyVault.Account)),
        ];
    }

    public void Dispose()
    {
        foreach (var subscription in _elsewhere) subscription.Dispose();
    }

    private Task ForgetIfElsewhere(ReplicatedChange change, string account)
    {
        if (change.FromReplica is not null) Forget(account);
        return Task.CompletedTask;
    }

    /// <summary>The latest reading, without asking OTPWALL.</summary>
    public WalletReading? Peek(string userId) => EntryFor(userId).Reading;

    /// <summary>The current reading: cached while fresh, otherwise read once from OTPWALL for everyone waiting.</summary>
    public Task<WalletReading> ReadAsync(string userId, CancellationToken cancellationToken = default)
    {
        var entry = EntryFor(userId);
        lock (entry.Gate)
        {
            if (entry.Reading is { } reading && time.GetUtcNow() < reading.NextReadAt) return Task.FromResult(reading);
            entry.InFlight ??= FetchAsync(userId, entry, entry.Version);
            return entry.InFlight.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The user's key changed: drop what is known and read again, so every open tab shows the new state.</summary>
    public void Forget(string userId)
    {
        var entry = EntryFor(userId);
        lock (entry.Gate)
        {
            entry.Version++;
            entry.Reading = null;
            entry.InFlight = null;
        }
        _ = ReadAsync(userId);
    }

    /// <summary>A balance just read elsewhere (after a purchase): every open tab gets it without another call.</summary>
    public void Record(string userId, Balance balance)
    {
        var entry = EntryFor(userId);
        var now = time.GetUtcNow();
        var reading = new WalletReading(balance, now, now, now + options.Value.MinRefreshInterval);
        lock (entry.Gate)
        {
            entry.Version++;
            entry.Reading = reading;
            entry.InFlight = null;
        }
        bus.Publish(new WalletRead(userId, reading));
    }

    private Entry EntryFor(string userId) => _entries.GetOrAdd(userId, _ => new Entry());

    private async Task<WalletReading> FetchAsync(string userId, Entry entry, int version)
    {
        await Task.Yield();
        WalletReading reading;
        try
        {
            reading = await ReadFromUpstreamAsync(userId, entry.Reading);
        }
        catch
        {
            lock (entry.Gate)
            {
                if (entry.Version == version) entry.InFlight = null;
            }
            throw;
        }
        lock (entry.Gate)
        {
            if (entry.Version != version) return reading;
            entry.Reading = reading;
            entry.InFlight = null;
        }
        bus.Publish(new WalletRead(userId, reading));
        return reading;
    }

    private async Task<WalletReading> ReadFromUpstreamAsync(string userId, WalletReading? previous)
    {
        var now = time.GetUtcNow();
        var next = now + options.Value.MinRefreshInterval;
        WalletReading Problem(WalletProblem problem, string message, DateTimeOffset? nextReadAt = null) =>
            new(previous?.Balance, previous?.BalanceReadAt, now, nextReadAt ?? next, problem, message);

        var stored = await keys.CurrentAsync(userId);
        if (stored.Problem is { } keyProblem)
            return Problem(stored.State == StoredKeyState.Missing ? WalletProblem.NoKey : WalletProblem.KeyUnreadable, keyProblem);

        try
        {
            var balance = await clients.Create().GetBalanceAsync(stored.Key!);
            return new WalletReading(balance, now, now, next);
        }
        catch (OtpWallBadKeyException ex)
        {
            return Problem(WalletProblem.BadKey, ex.Message);
        }
        catch (OtpWallRateLimitedException ex)
        {
            var wait = ex.RetryAfter is { } retryAfter && retryAfter > options.Value.MinRefreshInterval ? now + retryAfter : next;
            return Problem(WalletProblem.RateLimited, ex.Message, wait);
        }
        catch (OtpWallException ex)
        {
            return Problem(WalletProblem.UpstreamDown, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnexpected(logger, ex);
            return Problem(WalletProblem.UpstreamDown, "The balance could not be read right now. Try again in a moment.");
        }
    }

    [LoggerMessage(LogLevel.Error, "Reading a wallet failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    private sealed class Entry
    {
        public Lock Gate { get; } = new();
        public WalletReading? Reading { get; set; }
        public Task<WalletReading>? InFlight { get; set; }
        public int Version { get; set; }
    }
}
