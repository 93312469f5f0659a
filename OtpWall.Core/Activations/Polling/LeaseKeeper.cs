using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Data.PostgreSql;

namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// Whether this process polls: always with SQLite; with PostgreSQL only while it holds the poller's lease, which it
/// takes, renews and gives up here. The lease's times are read from the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>),
/// which a wall-clock step cannot move.
/// </summary>
public sealed partial class LeaseKeeper(PollerLease lease, TimeProvider time, ILogger<LeaseKeeper> logger, IServiceProvider services)
{
    private long _due;
    private long? _renewedAt;
    private volatile bool _polling = !lease.IsShared;

    /// <summary>Whether several replicas share the database (and so the lease decides who polls).</summary>
    public bool IsShared => lease.IsShared;

    public bool IsPolling => _polling;

    /// <summary>This process polls, whatever the lease says (tests that drive the poller themselves).</summary>
    internal void PollHere() => _polling = true;

    /// <summary>
    /// Takes or renews the lease when a try is due. A holder that cannot reach the database keeps polling only while its
    /// last renewal surely still holds, then stops: by then another replica may have taken over. A renewal counts from
    /// when it was sent: the database set its expiry from its own clock no earlier than that, however long the answer
    /// took. Returns whether this process started or stopped polling.
    /// </summary>
    public async Task<bool> KeepAsync(CancellationToken cancellationToken)
    {
        if (!lease.IsShared || time.GetTimestamp() < _due) return false;
        var sentAt = time.GetTimestamp();
        bool held;
        try
        {
            held = await lease.TryHoldAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLeaseFailed(logger, ex);
            held = false;
        }
        if (held) _renewedAt = sentAt;
        var polling = held || (_polling && _renewedAt is { } renewed && time.GetElapsedTime(renewed) < PollerLease.Duration - PollerLease.RenewEvery);
        _due = time.GetTimestamp() + (long)(PollerLease.RenewEvery.TotalSeconds * time.TimestampFrequency);
        if (polling == _polling) return false;
        _polling = polling;
        if (polling) LogLeaseTaken(logger, lease.Holder);
        else
        {
            LogLeaseLost(logger, lease.Holder);
            // Administrators who chose to be told are (once a minute at most per replica).
            try
            {
                await services.GetRequiredService<Notifications.Alerts>().LeaseLostAsync(lease.Holder);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLeaseFailed(logger, ex);
            }
        }
        return true;
    }

    /// <summary>How long until the next try is due (at least a few milliseconds).</summary>
    public TimeSpan UntilNextTry()
    {
        var pause = time.GetElapsedTime(time.GetTimestamp(), _due);
        return pause > TimeSpan.FromMilliseconds(5) ? pause : TimeSpan.FromMilliseconds(5);
    }

    /// <summary>On the way out: another replica may take over at once instead of waiting for the lease to expire.</summary>
    public async Task GiveUpAsync()
    {
        if (!_polling || !lease.IsShared) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await lease.ReleaseAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            LogLeaseFailed(logger, ex);
        }
    }

    [LoggerMessage(LogLevel.Information, "This replica ({Replica}) took the poller's lease: it polls now")]
    private static partial void LogLeaseTaken(ILogger logger, string replica);

    [LoggerMessage(LogLevel.Warning, "This replica ({Replica}) no longer holds the poller's lease: it stops polling")]
    private static partial void LogLeaseLost(ILogger logger, string replica);

    [LoggerMessage(LogLevel.Warning, "The poller's lease could not be taken or renewed")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception);
}
