using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;

namespace OtpWall.Core.Wallet;

/// <summary>
/// One wallet reading per user, shared by every tab of that user: OTPWALL is asked at most once per
/// <see cref="WalletOptions.MinRefreshInterval"/> (longer when it asks us to wait), concurrent requests share one
/// call, and every subscriber hears of each new reading.
/// </summary>
public sealed partial class WalletService(
    ApiKeyVault vault, IServiceProvider services, TimeProvider time, IOptions<WalletOptions> options, ILogger<WalletService> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

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

    /// <summary>Calls <paramref name="onChange"/> with each new reading of this user until disposed.</summary>
    public IDisposable NotifyOnChange(string userId, Func<WalletReading, Task> onChange)
    {
        var entry = EntryFor(userId);
        lock (entry.Gate) entry.Subscribers.Add(onChange);
        return new Subscription(() =>
        {
            lock (entry.Gate) entry.Subscribers.Remove(onChange);
        });
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
        List<Func<WalletReading, Task>> subscribers;
        lock (entry.Gate)
        {
            entry.Version++;
            entry.Reading = reading;
            entry.InFlight = null;
            subscribers = [.. entry.Subscribers];
        }
        _ = NotifyAsync(subscribers, reading);
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
        List<Func<WalletReading, Task>> subscribers;
        lock (entry.Gate)
        {
            if (entry.Version != version) return reading;
            entry.Reading = reading;
            entry.InFlight = null;
            subscribers = [.. entry.Subscribers];
        }
        // Never wait for a page: one whose browser went away must not hold up the others.
        _ = NotifyAsync(subscribers, reading);
        return reading;
    }

    private async Task NotifyAsync(List<Func<WalletReading, Task>> subscribers, WalletReading reading)
    {
        foreach (var notify in subscribers)
        {
            try
            {
                await notify(reading);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(logger, ex);
            }
        }
    }

    private async Task<WalletReading> ReadFromUpstreamAsync(string userId, WalletReading? previous)
    {
        var now = time.GetUtcNow();
        var next = now + options.Value.MinRefreshInterval;
        WalletReading Problem(WalletProblem problem, string message, DateTimeOffset? nextReadAt = null) =>
            new(previous?.Balance, previous?.BalanceReadAt, now, nextReadAt ?? next, problem, message);

        var stored = await vault.GetAsync(userId);
        switch (stored.State)
        {
            case StoredKeyState.Missing:
                return Problem(WalletProblem.NoKey, "No OTPWALL API key is saved yet. Add one on the API key page.");
            case StoredKeyState.Unreadable:
                return Problem(WalletProblem.KeyUnreadable,
                    "Your saved API key can no longer be decrypted (the server's key ring changed). Enter it again on the API key page.");
        }

        try
        {
            var balance = await services.GetRequiredService<OtpWallClient>().GetBalanceAsync(stored.Key!);
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

    [LoggerMessage(LogLevel.Warning, "A wallet subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "Reading a wallet failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    private sealed class Entry
    {
        public Lock Gate { get; } = new();
        public List<Func<WalletReading, Task>> Subscribers { get; } = [];
        public WalletReading? Reading { get; set; }
        public Task<WalletReading>? InFlight { get; set; }
        public int Version { get; set; }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
