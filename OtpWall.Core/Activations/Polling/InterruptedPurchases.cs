using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// A purchase that was on its way to OTPWALL when the server stopped (a crash, a restart) never learned its outcome:
/// it says so, with what to check, instead of "being sent" forever. Run by the poller before it loads what it follows.
/// </summary>
public sealed partial class InterruptedPurchases(
    IDbContextFactory<OtpWallDbContext> databases,
    LeaseKeeper lease,
    DatabaseGates gates,
    ActivationCommits commits,
    TimeProvider time,
    ILogger<InterruptedPurchases> logger)
{
    /// <param name="startedAt">When this process started: with one process, whatever it did not start itself was interrupted.</param>
    public async Task RecoverAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var inFlight = db.Activations.Where(a =>
            (a.Status == ActivationStatus.Buying || (a.Status == ActivationStatus.OutcomeUnknown && a.Note == Activation.InFlightNote)) && a.UpstreamId == null);
        if (!lease.IsShared)
        {
            await MarkAsync(db, await inFlight.Where(a => a.CreatedAt < startedAt).ToListAsync(cancellationToken), cancellationToken);
            return;
        }
        // Several replicas: a purchase is sent while its person's purchase gate is held, and the gate is let go when the
        // replica sending it ends, even by a crash. So a purchase still "being sent" whose gate is free was interrupted;
        // one whose gate is held is on its way, through another replica. Read again inside the gate: it may just have finished.
        foreach (var userId in await inFlight.Select(a => a.UserId).Distinct().ToListAsync(cancellationToken))
        {
            await using var gate = await gates.TryEnterAsync(Purchases.PurchaseGate(userId), cancellationToken);
            if (gate is null) continue;
            db.ChangeTracker.Clear();
            await MarkAsync(db, await inFlight.Where(a => a.UserId == userId).ToListAsync(cancellationToken), cancellationToken);
        }
    }

    private async Task MarkAsync(OtpWallDbContext db, List<Activation> interrupted, CancellationToken cancellationToken)
    {
        foreach (var activation in interrupted)
        {
            var payer = activation.Payer == Payer.Team ? "the team's balance" : "your balance";
            activation.Status = ActivationStatus.OutcomeUnknown;
            activation.Note =
                $"The dashboard stopped while this purchase was being sent to OTPWALL ({activation.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC), so it " +
                $"may or may not have gone through. Check {payer} in OTPWALL" +
                (activation.BalanceBefore is { } before ? $": it was {before} just before. " : ". ") +
                $"If it dropped by a number's price and OTPWALL lists a {activation.ServiceName} number in {activation.CountryName} from that time, " +
                "enter its activation id here and the dashboard follows it; otherwise nothing was bought.";
            activation.UpdatedAt = time.GetUtcNow();
            // It may have been bought: budgets count it at the most such a number has cost, never at nothing.
            if (activation.Price is null && await PriceEstimates.ConservativeAsync(db, activation.Service, activation.Country, null, time.GetUtcNow(), cancellationToken) is { } guess)
                (activation.Price, activation.Currency, activation.PriceEstimated) = (guess.Price, guess.Currency, true);
            LogInterrupted(logger, activation.Id);
            await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Recovery));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Activation {ActivationId} was being bought when the server stopped: its outcome is unknown")]
    private static partial void LogInterrupted(ILogger logger, Guid activationId);
}
