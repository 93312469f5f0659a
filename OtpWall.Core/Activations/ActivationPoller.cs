using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations;

/// <summary>
/// The one poller of the server: it asks OTPWALL about each open activation when it is due — every couple of seconds
/// while young, slower later, backing off on errors and pausing a user's polls while OTPWALL rate-limits their key —
/// and tells the owner's open pages what changed. However many tabs are open, each activation is polled once per
/// interval. Its schedule lives in the database, so it resumes after a restart. An activation without SMS near the end
/// of its lifetime is cancelled (when the user allows it) so the price is refunded.
/// </summary>
public sealed partial class ActivationPoller(
    IDbContextFactory<OtpWallDbContext> databases,
    ApiKeyVault vault,
    OtpWallClientFactory clients,
    BalanceMovements movements,
    BuyPreferences preferences,
    ActivationNotifier notifier,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<ActivationPoller> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _rateLimitedUntil = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoundFailed(logger, ex);
            }
            try
            {
                await Task.Delay(options.Value.PollerTick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: every activation whose poll is due.</summary>
    internal async Task PollDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<Guid> due;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Activations.Where(a => a.NextPollAt != null && a.NextPollAt <= now)
                .OrderBy(a => a.NextPollAt).Select(a => a.Id).Take(200).ToListAsync(cancellationToken);
        }
        await Parallel.ForEachAsync(due,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrentPolls, CancellationToken = cancellationToken },
            async (id, token) => await PollOneAsync(id, token));
    }

    private async Task PollOneAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var activation = await db.Activations.Include(a => a.Messages).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (activation is null) return;
            var change = await FollowAsync(activation, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            // A replaced key kept only for activations it bought goes once the last of them has ended.
            if (change is not null && activation.ClosedAt is not null) await vault.PruneRetiredAsync(activation.UserId, cancellationToken);
            if (change is not null) notifier.Publish(activation.UserId, change);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was not saved is read again from OTPWALL after the restart.
        }
        catch (Exception ex)
        {
            LogPollFailed(logger, ex);
        }
    }

    private async Task<ActivationChange?> FollowAsync(Activation activation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (activation.UpstreamId is null || activation.Status.IsFinal() || activation.Status == ActivationStatus.OutcomeUnknown)
        {
            activation.NextPollAt = null;
            return null;
        }
        if (_rateLimitedUntil.TryGetValue(activation.UserId, out var until) && until > now)
        {
            activation.NextPollAt = until;
            return null;
        }
        if ((await vault.GetForActivationAsync(activation.UserId, activation.KeyFingerprint, cancellationToken)).Key is not { } key)
        {
            activation.NextPollAt = now + settings.MaxErrorBackoff;
            return null;
        }

        var client = clients.Create();
        var autoCancelled = await CancelIfUnansweredAsync(activation, client, key, now, cancellationToken);
        ActivationSnapshot snapshot;
        try
        {
            snapshot = await client.GetActivationAsync(key, activation.UpstreamId, cancellationToken);
        }
        catch (OtpWallRateLimitedException ex)
        {
            var wait = now + (ex.RetryAfter is { } retryAfter && retryAfter > settings.FastPollInterval ? retryAfter : settings.SlowPollInterval);
            _rateLimitedUntil[activation.UserId] = wait;
            activation.NextPollAt = wait;
            return null;
        }
        catch (OtpWallException)
        {
            activation.PollFailures++;
            activation.NextPollAt = ActivationUpdates.Backoff(activation, now, settings);
            return CloseIfLongExpired(activation, now) ? new ActivationChange(activation.Id, false) : null;
        }

        activation.PollFailures = 0;
        var (changed, codeArrived) = ActivationUpdates.Apply(activation, snapshot, now);
        if (activation.Status.IsFinal())
        {
            if (activation.Status is ActivationStatus.Cancelled or ActivationStatus.Expired && changed) movements.Note(activation.UserId);
        }
        else if (CloseIfLongExpired(activation, now))
        {
            changed = true;
        }
        else
        {
            activation.NextPollAt = ActivationUpdates.NextPoll(activation, now, settings);
        }
        return changed || autoCancelled ? new ActivationChange(activation.Id, codeArrived) : null;
    }

    // No SMS and the end of the rental is near: cancel, so OTPWALL refunds rather than keeps the price.
    private async Task<bool> CancelIfUnansweredAsync(
        Activation activation, OtpWallClient client, OtpWallApiKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (activation.Status != ActivationStatus.Waiting || activation.Messages.Count > 0 ||
            now < activation.ExpiresAt - options.Value.AutoCancelMargin || activation.AutoCancelled)
            return false;
        if (!await preferences.AutoCancelUnansweredAsync(activation.UserId, cancellationToken)) return false;
        try
        {
            await client.CancelAsync(key, activation.UpstreamId!, cancellationToken);
            activation.AutoCancelled = true;
            activation.Note = "No SMS came in time, so the dashboard cancelled this number and OTPWALL refunds its price.";
            activation.UpdatedAt = now;
            return true;
        }
        catch (OtpWallException)
        {
            // An SMS may have just arrived (409), or OTPWALL is busy: the status poll below shows which.
            return false;
        }
    }

    // OTPWALL gave no final word long after the rental ended: close it here so it stops being polled.
    private bool CloseIfLongExpired(Activation activation, DateTimeOffset now)
    {
        if (now < activation.ExpiresAt + options.Value.ExpiryGrace) return false;
        activation.Status = activation.Status == ActivationStatus.Received ? ActivationStatus.Completed : ActivationStatus.Expired;
        activation.Note ??= "OTPWALL gave no final status after the rental ended, so the dashboard closed this activation.";
        activation.ClosedAt = now;
        activation.UpdatedAt = now;
        activation.NextPollAt = null;
        return true;
    }

    [LoggerMessage(LogLevel.Error, "A polling round failed")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Polling an activation failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
