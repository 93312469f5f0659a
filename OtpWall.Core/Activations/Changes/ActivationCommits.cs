using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The one commit point for activation changes: applies a change (saves what the caller changed on the record), then
/// emits one <see cref="ActivationChanged"/> to every effect in turn: the ledger, retired keys, the wallet, the poller,
/// live pages, the other replicas, insights, the audit trail and metrics. An effect that fails is logged and the
/// others still run: the change is saved by then. Changes committed on another replica arrive on the bus
/// (<see cref="ActivationCommitted"/>) and reach only the effects that keep something in this process.
/// </summary>
public sealed partial class ActivationCommits : IDisposable
{
    private readonly IServiceProvider services;
    private readonly ILogger<ActivationCommits> logger;
    private readonly IDisposable _otherReplicas;
    // Resolved on first use: the poller is one of the effects, and it commits through here.
    private IActivationEffect[]? _effects;

    public ActivationCommits(IServiceProvider services, ChangeBus bus, ILogger<ActivationCommits> logger)
    {
        (this.services, this.logger) = (services, logger);
        _otherReplicas = bus.Subscribe<ActivationCommitted>(committed => committed.FromReplica is null
            ? Task.CompletedTask
            : FromOtherReplicaAsync(committed.UserId, committed.ActivationId, committed.CodeArrived));
    }

    public void Dispose() => _otherReplicas.Dispose();

    private IActivationEffect[] Effects => _effects ??= [.. services.GetServices<IActivationEffect>()];

    private Notifications.NotificationOutbox Outbox => services.GetRequiredService<Notifications.NotificationOutbox>();

    /// <summary>
    /// Saves <paramref name="activation"/> (added, changed or removed in <paramref name="db"/>) and everything else
    /// <paramref name="db"/> tracks, then runs the effects. The caller's cancellation stops nothing once the save began.
    /// </summary>
    public async Task<ActivationChanged> CommitAsync(OtpWallDbContext db, Activation activation, ActivationCommit commit)
    {
        var entry = db.Entry(activation);
        var from = entry.State == EntityState.Added ? (ActivationStatus?)null : entry.Property(a => a.Status).OriginalValue;
        var to = entry.State == EntityState.Deleted ? (ActivationStatus?)null : activation.Status;
        var closed = activation.ClosedAt is not null && (entry.State == EntityState.Added || entry.Property(a => a.ClosedAt).OriginalValue is null);
        // What the change tells its owner is saved with it, or neither is: nothing told is lost in a stop.
        var notified = false;
        try
        {
            notified = await Outbox.StageAsync(db, activation, from, to, commit);
        }
        catch (Exception ex)
        {
            // The change itself is never lost for a message about it.
            LogEffectFailed(logger, nameof(Notifications.NotificationOutbox), commit.Path.ToString(), ex);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        if (notified) Outbox.Wake();
        var change = new ActivationChanged(activation.UserId, activation.Id, activation.Payer, commit.Path, from, to, commit.Changed,
            commit.CodeArrived, closed, commit.Asked, commit.Refund, commit.ObservedAt, activation);
        await EmitAsync(change);
        return change;
    }

    /// <summary>Another replica committed a change of this activation (the bus brought it).</summary>
    public Task FromOtherReplicaAsync(string userId, Guid activationId, bool codeArrived) =>
        EmitAsync(new ActivationChanged(userId, activationId, ApiKeys.Payer.Own, ChangePath.OtherReplica, null, null, true, codeArrived, false, null, null, null, null));

    private async Task EmitAsync(ActivationChanged change)
    {
        foreach (var effect in Effects)
        {
            try
            {
                await effect.ApplyAsync(change);
            }
            catch (Exception ex)
            {
                LogEffectFailed(logger, effect.GetType().Name, change.Path.ToString(), ex);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "{Effect} failed after an activation change ({Path}); the change itself is saved")]
    private static partial void LogEffectFailed(ILogger logger, string effect, string path, Exception exception);
}
