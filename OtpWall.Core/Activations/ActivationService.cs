using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations;

/// <summary>The result of complete or cancel: whether OTPWALL confirmed it, and what to tell the user.</summary>
public sealed record ActivationActionResult(bool Confirmed, string Message);

/// <summary>
/// What a person does with the numbers they have (buying is <see cref="Purchases"/>'): complete, cancel, attach the
/// OTPWALL id of a purchase of unknown outcome, dismiss one from the live page. Every call is scoped to the user it is
/// given. Each change is committed through <see cref="ActivationCommits"/>, which saves it and then tells the poller,
/// the pages, the ledger, the audit trail and the rest.
/// </summary>
public sealed partial class ActivationService(
    IDbContextFactory<OtpWallDbContext> databases,
    PayingKeys keys,
    OtpWallClientFactory clients,
    BalanceMovements movements,
    ActivationCommits commits,
    DatabaseGates gates,
    AuditLog audit,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<ActivationService> logger)
{
    private const string AttachGate = "attach";

    public async Task<ActivationActionResult> CompleteAsync(string userId, Guid activationId, CancellationToken cancellationToken = default) =>
        await ChangeAsync(userId, activationId, complete: true, cancellationToken);

    public async Task<ActivationActionResult> CancelAsync(string userId, Guid activationId, CancellationToken cancellationToken = default) =>
        await ChangeAsync(userId, activationId, complete: false, cancellationToken);

    /// <summary>Cancels, saying why on the activation (its card, History and the audit line show it).</summary>
    public async Task<ActivationActionResult> CancelAsync(string userId, Guid activationId, string why, CancellationToken cancellationToken = default) =>
        await ChangeAsync(userId, activationId, complete: false, cancellationToken, why);

    /// <summary>
    /// The person found, in OTPWALL, the activation a purchase of unknown outcome bought: with its id the dashboard asks
    /// OTPWALL about it (with the key that paid), records what it says and follows it from then on like any other.
    /// </summary>
    public async Task<ActivationActionResult> AttachAsync(string userId, Guid activationId, string? typedId, CancellationToken cancellationToken = default)
    {
        var upstreamId = typedId?.Trim();
        if (string.IsNullOrEmpty(upstreamId) || upstreamId.Length > 64 || !upstreamId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return new ActivationActionResult(false, "An OTPWALL activation id is letters and digits, as OTPWALL shows it (for example 433462985).");
        // One attach at a time on the whole instance (every replica): two people typing the same id at once cannot both get it.
        await using var turn = await gates.EnterAsync(AttachGate, options.Value.TeamKeyQueueLimit, cancellationToken);
        if (turn is null) return new ActivationActionResult(false, "Other attachments are taking long. Nothing was changed; try again in a minute.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var activation = await db.Activations.Include(a => a.Messages).SingleOrDefaultAsync(a => a.UserId == userId && a.Id == activationId, cancellationToken);
        if (activation is null || !ActivationView.From(activation).CanAttach)
            return new ActivationActionResult(false, "Only a purchase whose outcome is unknown can be given an OTPWALL activation id.");
        // An id any row holds is someone's number already (a teammate's, with the team key they share): never handed over.
        if (await db.Activations.Where(a => a.UpstreamId == upstreamId).Select(a => a.UserId).FirstOrDefaultAsync(cancellationToken) is { } holder)
        {
            if (holder != userId)
                await audit.RecordAsync(AuditActions.AttachRefused, userId,
                    $"Tried to attach OTPWALL activation {upstreamId}, which another person's activation holds, to a {activation.ServiceName} purchase of unknown outcome: refused.",
                    cancellationToken: CancellationToken.None);
            return new ActivationActionResult(false, holder == userId
                ? $"Activation {upstreamId} is already on your list."
                : $"Activation {upstreamId} belongs to another purchase recorded on this dashboard, so it cannot be attached to this one.");
        }
        var stored = await keys.ForActivationAsync(userId, activation.Payer, activation.KeyFingerprint, cancellationToken);
        if (stored.Key is not { } key) return new ActivationActionResult(false, stored.Problem!);

        ActivationSnapshot snapshot;
        try
        {
            snapshot = await clients.Create().GetActivationAsync(key, upstreamId, cancellationToken);
        }
        catch (OtpWallNotFoundException)
        {
            return new ActivationActionResult(false,
                $"OTPWALL knows no activation {upstreamId} bought with {(activation.Payer == Payer.Team ? "the team key" : "your key")}. Check the id in OTPWALL.");
        }
        catch (OtpWallException ex)
        {
            return new ActivationActionResult(false, ex.Message);
        }
        var now = time.GetUtcNow();
        activation.UpstreamId = upstreamId;
        activation.Number = snapshot.Number ?? activation.Number;
        activation.Note = $"Attached by you on {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC: OTPWALL's activation {upstreamId}.";
        activation.Dismissed = false;
        if (activation.Price is null && await PriceEstimates.ConservativeAsync(db, activation.Service, activation.Country, null, now, CancellationToken.None) is { } guess)
            (activation.Price, activation.Currency, activation.PriceEstimated) = (guess.Price, guess.Currency, true);
        ActivationUpdates.Apply(activation, snapshot, now);
        if (!activation.Status.IsFinal())
        {
            if (activation.Status == ActivationStatus.OutcomeUnknown) activation.Status = ActivationStatus.Waiting;
            activation.NextPollAt = now + options.Value.FastPollInterval;
        }
        activation.UpdatedAt = now;
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Attach, CodeArrived: activation.Messages.Count > 0));
        LogAttached(logger, activation.Id);
        return new ActivationActionResult(true, activation.Number is { } number
            ? $"Attached: {number}. The dashboard follows it now."
            : "Attached. The dashboard follows it now; OTPWALL's status does not include the number, so copy it from OTPWALL.");
    }

    /// <summary>The user has checked an outcome-unknown purchase: it leaves the live page and stays in history.</summary>
    public async Task DismissAsync(string userId, Guid activationId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var activation = await db.Activations.SingleOrDefaultAsync(a => a.UserId == userId && a.Id == activationId && !a.Dismissed &&
            (a.Status == ActivationStatus.OutcomeUnknown || a.FollowProblem == Activation.NotKnownProblem), cancellationToken);
        if (activation is null) return;
        activation.Dismissed = true;
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Dismiss));
    }

    private async Task<ActivationActionResult> ChangeAsync(string userId, Guid activationId, bool complete, CancellationToken cancellationToken, string? why = null)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var activation = await db.Activations.Include(a => a.Messages)
            .SingleOrDefaultAsync(a => a.UserId == userId && a.Id == activationId, cancellationToken);
        if (activation?.UpstreamId is null) return new ActivationActionResult(false, "This activation does not exist.");
        var view = ActivationView.From(activation);
        if (complete ? !view.CanComplete : !view.CanCancel)
            return new ActivationActionResult(false, complete ? "Only an activation that received an SMS can be completed." : "Only an activation still waiting for its SMS can be cancelled.");
        var stored = await keys.ForActivationAsync(userId, activation.Payer, activation.KeyFingerprint, cancellationToken);
        if (stored.Key is not { } key) return new ActivationActionResult(false, stored.Problem!);

        // Once the change is sent, the caller's cancellation is ignored: its answer and the status after it are recorded.
        var client = clients.Create();
        var account = PayingKeys.AccountOf(userId, activation.Payer);
        // A cancel refunds: written in the ledger before it leaves, so a purchase measuring its price meanwhile allows for it.
        long? refund = complete ? null : await movements.StartAsync(account, activation.Id, cancellationToken);
        string? refusal = null;
        try
        {
            if (complete) await client.CompleteAsync(key, activation.UpstreamId, CancellationToken.None);
            else await client.CancelAsync(key, activation.UpstreamId, CancellationToken.None);
        }
        catch (OtpWallException ex)
        {
            refusal = ex.Message;
        }

        // Whatever the answer, the truth is what OTPWALL says the activation is now.
        var (changed, codeArrived, read) = (false, false, false);
        try
        {
            (changed, codeArrived) = ActivationUpdates.Apply(activation, await client.GetActivationAsync(key, activation.UpstreamId, CancellationToken.None), time.GetUtcNow());
            read = true;
        }
        catch (OtpWallException ex)
        {
            refusal ??= ex.Message;
        }
        var wanted = complete ? ActivationStatus.Completed : ActivationStatus.Cancelled;
        if (why is not null && activation.Status == wanted) activation.Note = why;
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.UserAction, changed, codeArrived, wanted,
            refund is { } movement ? new RefundMovement(movement, read) : null));
        if (activation.Status == wanted) LogChanged(logger, activation.Id, wanted.ToContractName());

        return activation.Status == wanted
            ? new ActivationActionResult(true, complete ? "Completed." : "Cancelled. OTPWALL refunds the price.")
            : new ActivationActionResult(false, refusal ?? $"OTPWALL says this activation {activation.Status switch
            {
                ActivationStatus.Waiting => "is still waiting for its SMS",
                ActivationStatus.Received => "has received an SMS",
                ActivationStatus.Completed => "is already completed",
                ActivationStatus.Cancelled => "is already cancelled",
                ActivationStatus.Expired => "has expired",
                _ => "is in a state the dashboard does not know",
            }}. Nothing was changed.");
    }

    [LoggerMessage(LogLevel.Information, "Activation {ActivationId} was attached to its OTPWALL id by its owner")]
    private static partial void LogAttached(ILogger logger, Guid activationId);

    [LoggerMessage(LogLevel.Information, "Activation {ActivationId} is {Status}")]
    private static partial void LogChanged(ILogger logger, Guid activationId, string status);
}
