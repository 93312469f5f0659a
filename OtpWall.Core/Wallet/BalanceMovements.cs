using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;

namespace OtpWall.Core.Wallet;

/// <summary>What a purchase's window saw: nothing else (its balance difference is its price), or movements to allow for.</summary>
/// <param name="Refunded">Money that came back to the account during the window, as far as it is known.</param>
/// <param name="Uncertain">A movement whose amount is not known (yet) touched the window: the difference is no measure.</param>
public sealed record PurchaseWindowResult(bool Alone, decimal Refunded, bool Uncertain);

/// <summary>
/// The ledger of what moves each account's balance besides purchases (a person's own key, or the team key several
/// people spend from): refunds of cancelled and expired numbers, purchases of unknown outcome. OTPWALL has no price
/// list, so a price is the balance before a purchase minus the balance after, plus whatever was refunded in between.
/// Purchases of one account take turns (the purchase gates), so only these movements can overlap one. The ledger is in
/// the database: a refund seen by the replica that polls is seen by the replica that buys. A cancel is written
/// before it is sent, so a refund can never land unannounced inside a purchase's window; each movement also makes
/// the account's wallet read again.
/// </summary>
public sealed class BalanceMovements(IDbContextFactory<OtpWallDbContext> databases, WalletService wallet, TimeProvider time)
{
    private static readonly TimeSpan s_keptFor = TimeSpan.FromDays(1);

    /// <summary>A movement begins whose amount is known later (a cancel about to be sent): settle it with <see cref="SettleAsync"/>.</summary>
    public async Task<long> StartAsync(string account, Guid? activationId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var movement = new AccountMovement { Account = account, ActivationId = activationId, StartedAt = time.GetUtcNow() };
        db.AccountMovements.Add(movement);
        await db.SaveChangesAsync(cancellationToken);
        return movement.Id;
    }

    /// <summary>What the movement started with <see cref="StartAsync"/> gave back (0 when the cancel did not go through); null: still unknown.</summary>
    public async Task SettleAsync(long movementId, string account, decimal? refunded)
    {
        await using var db = await databases.CreateDbContextAsync();
        var now = time.GetUtcNow();
        await db.AccountMovements.Where(m => m.Id == movementId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Refunded, refunded).SetProperty(m => m.SettledAt, now));
        wallet.Forget(account);
    }

    /// <summary>A movement that has already happened: a refund found by the poller, a purchase of unknown outcome (amount null).</summary>
    public async Task NoteAsync(string account, Guid? activationId, decimal? refunded, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        db.AccountMovements.Add(new AccountMovement { Account = account, ActivationId = activationId, Refunded = refunded, StartedAt = now, SettledAt = now });
        await db.SaveChangesAsync(cancellationToken);
        wallet.Forget(account);
    }

    /// <summary>A purchase of <paramref name="account"/> starts (before its balance is read); end the window after the balance is read again.</summary>
    public async Task<PurchaseWindow> BeginAsync(string account, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var before = time.GetUtcNow() - s_keptFor;
        await db.AccountMovements.Where(m => m.StartedAt < before && m.SettledAt != null).ExecuteDeleteAsync(cancellationToken);
        var last = await db.AccountMovements.MaxAsync(m => (long?)m.Id, cancellationToken) ?? 0;
        var inFlight = await db.AccountMovements.Where(m => m.Account == account && m.SettledAt == null).Select(m => m.Id).ToListAsync(cancellationToken);
        return new PurchaseWindow(account, last, inFlight);
    }

    /// <summary>
    /// What moved the account while the window was open (read after the balance after the purchase was read). A cancel
    /// still in flight is waited for (a round trip or two, <see cref="SettleWait"/> at most), so its refund is known.
    /// </summary>
    public async Task<PurchaseWindowResult> EndAsync(PurchaseWindow window)
    {
        await using var db = await databases.CreateDbContextAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var moved = await db.AccountMovements.AsNoTracking()
                .Where(m => m.Account == window.Account && (m.Id > window.LastBefore || window.InFlightAtStart.Contains(m.Id)))
                .Select(m => new { m.Refunded, m.SettledAt }).ToListAsync();
            var settling = moved.Any(m => m.SettledAt is null);
            // Real time: this waits for another request's answer, not for the dashboard's clock.
            if (settling && waited.Elapsed < SettleWait) { await Task.Delay(SettlePoll); continue; }
            return new PurchaseWindowResult(moved.Count == 0, moved.Sum(m => m.Refunded ?? 0), settling || moved.Any(m => m.Refunded is null));
        }
    }

    /// <summary>How long the end of a purchase's window waits for a cancel in flight to learn its outcome.</summary>
    public static TimeSpan SettleWait { get; } = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(50);

    /// <summary>The span of one purchase: the last movement before it, and those still in flight when it began.</summary>
    public sealed record PurchaseWindow(string Account, long LastBefore, IReadOnlyList<long> InFlightAtStart);
}
