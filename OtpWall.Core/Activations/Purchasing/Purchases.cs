using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Activations.Insights;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Purchasing;

/// <summary>
/// Buys numbers: exactly once per attempt, recorded as "being sent" before it leaves, one purchase of a person at a time
/// (and one of the team key at a time) on every replica, within the person's key mode and team-key budgets. The price
/// is measured from the balance before and after (<see cref="PriceEstimates"/> when it cannot be). Every change is
/// committed through <see cref="ActivationCommits"/>. Never retried automatically.
/// </summary>
public sealed partial class Purchases(
    IDbContextFactory<OtpWallDbContext> databases,
    PayingKeys keys,
    SpendingService spending,
    OtpWallClientFactory clients,
    WalletService wallet,
    BalanceMovements movements,
    ActivationCommits commits,
    DatabaseGates gates,
    PairInsights insights,
    Diagnostics.OtpWallMetrics metrics,
    TimeProvider time,
    IOptions<ActivationOptions> options,
    ILogger<Purchases> logger)
{
    // Several members spend from the team key: their purchases of it take turns (through this gate, on every replica),
    // so "balance before minus after" is one purchase's price (a refund landing in between is caught by the purchase
    // window instead).
    private const string TeamKeyGate = "purchase:team-key";

    /// <summary>The gate a person's purchases pass one at a time (on every replica, with PostgreSQL).</summary>
    internal static string PurchaseGate(string userId) => "purchase:" + userId;

    /// <summary>
    /// Buys a number. <paramref name="attemptId"/> identifies the click: the same attempt is never bought twice, and one
    /// user has one purchase in flight at a time, whatever tab it comes from. <paramref name="cancellationToken"/> stops it
    /// only before the purchase is sent: once it has left, it is seen through and recorded whatever happens to the caller.
    /// <paramref name="payer"/> says whose account pays; the member's key mode and team-key limits are checked first.
    /// <paramref name="apiToken"/> names the API token a script bought through (null on the pages).
    /// </summary>
    public async Task<BuyResult> BuyAsync(
        string userId, Guid attemptId, Service service, Country country, Payer payer = Payer.Own, string? apiToken = null,
        CancellationToken cancellationToken = default)
    {
        await using var gate = await gates.TryEnterAsync(PurchaseGate(userId), cancellationToken);
        if (gate is null)
            return Refused("busy", new BuyResult(BuyOutcome.Refused, null, "Another purchase is still in progress for your account. Wait for it to finish.", BuyRefusal.Busy));
        // Inside the gate: the limit is checked with every earlier purchase of this member recorded and priced, so two
        // tabs (even on two replicas) cannot both pass it at once, and a limit is crossed by one purchase at most.
        return await BuyOnceAsync(userId, attemptId, service, country, payer, apiToken, cancellationToken);
    }

    private async Task<BuyResult> BuyOnceAsync(
        string userId, Guid attemptId, Service service, Country country, Payer payer, string? apiToken, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.Activations.Include(a => a.Messages)
                .SingleOrDefaultAsync(a => a.UserId == userId && a.PurchaseAttemptId == attemptId, cancellationToken) is { } earlier)
            return earlier.Status == ActivationStatus.Buying
                ? new BuyResult(BuyOutcome.OutcomeUnknown, ActivationView.From(earlier), "This purchase is still being sent to OTPWALL.")
                : new BuyResult(earlier.Status == ActivationStatus.OutcomeUnknown ? BuyOutcome.OutcomeUnknown : BuyOutcome.Bought,
                    ActivationView.From(earlier), "This purchase was already made.");

        if (await spending.RefusalAsync(userId, payer, cancellationToken) is { } refusal) return Refused("limit", new BuyResult(BuyOutcome.Refused, null, refusal.Message, BuyRefusal.Limit));
        var stored = await keys.CurrentAsync(userId, payer, cancellationToken);
        if (stored.Key is not { } key) return Refused("no_key", new BuyResult(BuyOutcome.Refused, null, stored.Problem!, BuyRefusal.NoKey));

        var client = clients.Create();
        await using var teamKeyTurn = payer == Payer.Team ? await gates.EnterAsync(TeamKeyGate, options.Value.TeamKeyQueueLimit, cancellationToken) : null;
        if (payer == Payer.Team && teamKeyTurn is null)
            return Refused("busy", new BuyResult(BuyOutcome.Refused, null, "Other purchases with the team key are taking long. Nothing was bought; try again in a minute.", BuyRefusal.Busy));
        // The window tells what else moved the account's balance while this purchase measured its price.
        var window = await movements.BeginAsync(PayingKeys.AccountOf(userId, payer), cancellationToken);
        return await SendAsync(db, client, key, window, userId, attemptId, service, country, payer, apiToken, cancellationToken);
    }

    private async Task<BuyResult> SendAsync(
        OtpWallDbContext db, OtpWallClient client, OtpWallApiKey key, BalanceMovements.PurchaseWindow window,
        string userId, Guid attemptId, Service service, Country country, Payer payer, string? apiToken, CancellationToken cancellationToken)
    {
        // Written first, as "Buying…", and shown in every open tab: whatever happens from here on (a slow OTPWALL, the
        // person leaving the page, a crash), they see it.
        var now = time.GetUtcNow();
        var activation = new Activation
        {
            Id = Guid.NewGuid(), UserId = userId, PurchaseAttemptId = attemptId,
            Service = service.Code, ServiceName = service.Name, Country = country.Code, CountryName = country.Name,
            Status = ActivationStatus.Buying, KeyFingerprint = key.Fingerprint, Payer = payer,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now + options.Value.Lifetime, ApiToken = apiToken,
        };
        db.Activations.Add(activation);
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Purchase));

        Wallet.Balance? before;
        try
        {
            before = await client.GetBalanceAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is OtpWallBadKeyException or OtpWallRateLimitedException)
        {
            await ForgetAsync(db, activation);
            return Refused(Diagnostics.OtpWallMetrics.OutcomeOf(ex), new BuyResult(BuyOutcome.Refused, null, ex.Message,
                ex is OtpWallBadKeyException ? BuyRefusal.KeyRefused : BuyRefusal.RateLimited));
        }
        catch (OtpWallException)
        {
            before = null;
        }
        catch (OperationCanceledException)
        {
            // The caller gave up before anything was sent: nothing was bought.
            await ForgetAsync(db, activation);
            throw;
        }
        activation.BalanceBefore = before?.ToString();
        await db.SaveChangesAsync(CancellationToken.None);

        // From here on the caller's cancellation is deliberately ignored: the purchase may leave at any moment, and
        // what it bought (or may have bought) must be recorded whether or not anyone is still waiting for the answer.
        try
        {
            var bought = await client.BuyNumberAsync(key, service.Code, country.Code, CancellationToken.None);
            now = time.GetUtcNow();
            activation.UpstreamId = bought.ActivationId;
            activation.Number = bought.Number;
            activation.Status = bought.Status == ActivationStatus.Unknown ? ActivationStatus.Waiting : bought.Status;
            activation.RawStatus = bought.RawStatus;
            activation.Note = null;
            activation.UpdatedAt = now;
            activation.NextPollAt = now + options.Value.FastPollInterval;
            await RecordPriceAsync(db, activation, client, key, before, window);
            await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Purchase));
            LogBought(logger, activation.Id, service.Code, country.Code);
            return new BuyResult(BuyOutcome.Bought, ActivationView.From(activation), $"Bought {activation.Number} for {service.Name}.");
        }
        catch (PurchaseOutcomeUnknownException ex)
        {
            return await KeepAsUnknownAsync(db, activation, $"{ex.Reason} {ex.Message}", before?.Currency);
        }
        catch (OtpWallException ex)
        {
            // A refusal: nothing was bought, so nothing is kept.
            await ForgetAsync(db, activation);
            var refusal = ex switch
            {
                OtpWallBadRequestException { NoNumbers: true } => BuyRefusal.NoNumbers,
                OtpWallInsufficientBalanceException => BuyRefusal.NotEnoughBalance,
                OtpWallBadKeyException => BuyRefusal.KeyRefused,
                OtpWallRateLimitedException => BuyRefusal.RateLimited,
                OtpWallBadRequestException => BuyRefusal.BadRequest,
                _ => BuyRefusal.Other,
            };
            if (refusal == BuyRefusal.NoNumbers) await insights.RecordNoNumbersAsync(service.Code, country.Code, CancellationToken.None);
            return Refused(Diagnostics.OtpWallMetrics.OutcomeOf(ex), new BuyResult(BuyOutcome.Refused, null, ex.Message, refusal));
        }
        catch (Exception ex)
        {
            LogPurchaseFailed(logger, ex);
            return await KeepAsUnknownAsync(db, activation,
                "Something went wrong while the purchase was being recorded. It may have gone through; check your balance before buying again.", before?.Currency);
        }
    }

    private BuyResult Refused(string reason, BuyResult result)
    {
        metrics.Purchase("refused", reason);
        return result;
    }

    // A purchase that bought nothing leaves every tab's list.
    private async Task ForgetAsync(OtpWallDbContext db, Activation activation)
    {
        db.Activations.Remove(activation);
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Purchase));
    }

    private async Task<BuyResult> KeepAsUnknownAsync(OtpWallDbContext db, Activation activation, string note, string? currency)
    {
        activation.Status = ActivationStatus.OutcomeUnknown;
        activation.Note = note;
        activation.UpdatedAt = time.GetUtcNow();
        // It may have been bought: budgets count it at the most such a number has cost, never at nothing.
        if (activation.Price is null && await PriceEstimates.ConservativeAsync(db, activation.Service, activation.Country, currency, time.GetUtcNow(), CancellationToken.None) is { } guess)
            (activation.Price, activation.Currency, activation.PriceEstimated) = (guess.Price, guess.Currency, true);
        await commits.CommitAsync(db, activation, new ActivationCommit(ChangePath.Purchase));
        return new BuyResult(BuyOutcome.OutcomeUnknown, ActivationView.From(activation), note);
    }

    // The API has no price list: the price is the balance before minus after, plus what was refunded to that account in
    // between (a teammate's cancel, an expiry), which the ledger of movements knows on every replica. When a movement's
    // amount is not known, or numbers of the account were about to expire unobserved, the price is marked estimated and
    // counted at the most it can be (never less than it may really be), so a budget is crossed by one purchase at most.
    private async Task RecordPriceAsync(
        OtpWallDbContext db, Activation activation, OtpWallClient client, OtpWallApiKey key, Wallet.Balance? before, BalanceMovements.PurchaseWindow window)
    {
        Wallet.Balance? after = null;
        try
        {
            after = await client.GetBalanceAsync(key);
        }
        catch (OtpWallException)
        {
        }
        var moved = await movements.EndAsync(window);
        if (after is null) wallet.Forget(window.Account);
        else wallet.Record(window.Account, after);
        var expiring = await PriceEstimates.UnobservedRefundsAsync(db, activation, time.GetUtcNow(), options.Value);
        var measured = before is not null && after is not null && before.Currency == after.Currency ? before.Amount - after.Amount : (decimal?)null;
        if (measured is { } drop && !moved.Uncertain && !expiring.Uncertain && drop + moved.Refunded + expiring.Amount > 0)
        {
            var exact = moved.Alone && expiring.Amount == 0;
            (activation.Price, activation.Currency, activation.PriceEstimated) = (drop + moved.Refunded + expiring.Amount, after!.Currency, !exact);
            if (exact) await PriceEstimates.CorrectAsync(db, activation, CancellationToken.None);
            return;
        }
        var currency = after?.Currency ?? before?.Currency;
        var guess = await PriceEstimates.ConservativeAsync(db, activation.Service, activation.Country, currency, time.GetUtcNow(), CancellationToken.None);
        var fromBalance = measured is { } difference ? difference + moved.Refunded + expiring.Amount : (decimal?)null;
        if (fromBalance > (guess?.Price ?? 0)) (activation.Price, activation.Currency, activation.PriceEstimated) = (fromBalance, currency, true);
        else if (guess is not null) (activation.Price, activation.Currency, activation.PriceEstimated) = (guess.Price, guess.Currency, true);
    }

    [LoggerMessage(LogLevel.Information, "Bought activation {ActivationId} ({Service} in {Country})")]
    private static partial void LogBought(ILogger logger, Guid activationId, string service, string country);

    [LoggerMessage(LogLevel.Error, "A purchase failed unexpectedly after it was sent; it is kept as outcome unknown")]
    private static partial void LogPurchaseFailed(ILogger logger, Exception exception);
}
