using Microsoft.EntityFrameworkCore;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;

namespace OtpWall.Core.Activations.Purchasing;

/// <summary>
/// Prices the balance could not measure alone. Each errs high, never low: a purchase whose price is not known counts
/// toward a team-key limit at the most such a number has cost here, so a limit is crossed by one purchase at most.
/// </summary>
internal static class PriceEstimates
{
    private static readonly TimeSpan s_lookBack = TimeSpan.FromDays(30);
    private static readonly TimeSpan s_correctWithin = TimeSpan.FromDays(1);

    /// <summary>
    /// The highest measured price of the pair in the last 30 days; else of the service in any country; else of any number
    /// (in <paramref name="currency"/> when given). Null only on an instance that has measured no price yet.
    /// </summary>
    public static async Task<SpendingPrice?> ConservativeAsync(
        OtpWallDbContext db, string service, string country, string? currency, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - s_lookBack;
        var measured = db.Activations.AsNoTracking()
            .Where(a => a.CreatedAt >= since && a.Price != null && !a.PriceEstimated && (currency == null || a.Currency == currency));
        foreach (var scope in new[] { measured.Where(a => a.Service == service && a.Country == country), measured.Where(a => a.Service == service), measured })
        {
            // SQLite compares decimals as text: the few distinct prices are compared here.
            var prices = await scope.Select(a => new { a.Price, a.Currency }).Distinct().ToListAsync(cancellationToken);
            if (prices.MaxBy(p => p.Price) is { } highest) return new SpendingPrice(highest.Price!.Value, highest.Currency);
        }
        return null;
    }

    /// <summary>
    /// Refunds that may have landed unobserved: the account's numbers still waiting without an SMS whose rental ends about
    /// now (OTPWALL refunds one when it expires, up to the expiry grace late; the poller sees it within
    /// <see cref="ActivationOptions.SlowPollInterval"/>). Their prices, and whether one of them has no known price.
    /// </summary>
    public static async Task<(decimal Amount, bool Uncertain)> UnobservedRefundsAsync(
        OtpWallDbContext db, Activation buying, DateTimeOffset now, ActivationOptions options)
    {
        var (from, until) = (now - options.ExpiryGrace, now + options.SlowPollInterval);
        var ofAccount = buying.Payer == Payer.Team
            ? db.Activations.Where(a => a.Payer == Payer.Team)
            : db.Activations.Where(a => a.UserId == buying.UserId && a.Payer == Payer.Own);
        var prices = await ofAccount.AsNoTracking()
            .Where(a => a.Id != buying.Id && a.Status == ActivationStatus.Waiting && a.FirstSmsAt == null && a.ExpiresAt <= until && a.ExpiresAt >= from)
            .Select(a => a.Price).ToListAsync();
        return (prices.Sum(p => p ?? 0), prices.Any(p => p is null));
    }

    /// <summary>What a cancelled or expired number gave back to its account: its price without an SMS, else nothing (null: unknown).</summary>
    public static decimal? RefundOf(Activation activation) =>
        ActivationMoney.IsRefunded(activation.Status, activation.Messages.Count > 0 || activation.FirstSmsAt is not null) ? activation.Price : 0;

    /// <summary>
    /// A purchase measured the pair's price alone: the day's estimates of the same pair (in the same currency) take it,
    /// so what budgets and Usage count comes down to what such a number costs.
    /// </summary>
    public static Task CorrectAsync(OtpWallDbContext db, Activation measured, CancellationToken cancellationToken)
    {
        var since = measured.CreatedAt - s_correctWithin;
        return db.Activations.Where(a => a.Id != measured.Id && a.PriceEstimated && a.Service == measured.Service && a.Country == measured.Country &&
                                         a.Currency == measured.Currency && a.CreatedAt >= since)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Price, measured.Price), cancellationToken);
    }
}

/// <summary>A price and its currency.</summary>
internal sealed record SpendingPrice(decimal Price, string? Currency);
