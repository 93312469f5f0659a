using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Spending;

/// <summary>One team-key limit of a member: what is spent of it in the current period, and when the period ends.</summary>
public sealed record BudgetLine(string Period, decimal Limit, decimal Spent, DateTimeOffset ResetsAt)
{
    public decimal Left => Math.Max(0, Limit - Spent);

    /// <summary>A purchase is allowed while what is spent is below the limit (prices are only known afterwards).</summary>
    public bool Reached => Spent >= Limit;
}

/// <summary>What a member may spend: the keys they buy with and their team-key limits today and this month.</summary>
public sealed record SpendingStatus(KeyMode Mode, BudgetLine? Day, BudgetLine? Month, string? Currency, TimeZoneInfo Zone)
{
    public IEnumerable<BudgetLine> Lines => new[] { Day, Month }.OfType<BudgetLine>();

    /// <summary>The first limit that is reached, if any.</summary>
    public BudgetLine? Reached => Lines.FirstOrDefault(l => l.Reached);

    /// <summary>The limit with the least left, if any.</summary>
    public BudgetLine? Tightest => Lines.MinBy(l => l.Left);

    public string Money(decimal amount) => Wallet.Amounts.Text(amount, Currency);

    public string ResetText(BudgetLine line)
    {
        var local = TimeZoneInfo.ConvertTime(line.ResetsAt, Zone);
        return $"{local.ToString("HH:mm 'on' d MMM yyyy", CultureInfo.InvariantCulture)} ({Zone.Id})";
    }

    /// <summary>Why a team-key purchase is refused now, or null when it is allowed.</summary>
    public Refusal? Refusal => Reached is { } line
        ? new($"Your team-key limit for {line.Period} is reached: {Money(line.Spent)} spent of {Money(line.Limit)}. It resets at {ResetText(line)}." +
          (Mode == KeyMode.Both ? " You can still buy with your own key." : " An administrator can raise it on the Team page."))
        : null;
}

/// <summary>
/// Who pays for a member's purchases and how much of the team's money they have spent. Spent is the sum of the prices
/// of their team-key activations that were not refunded (cancelled and expired ones count zero), per day and per
/// calendar month in the instance's time zone.
/// </summary>
public sealed class SpendingService(
    IDbContextFactory<OtpWallDbContext> databases, WalletService wallet, TimeProvider time, InstanceCalendar calendar)
{
    public async Task<MemberSpending> GetPolicyAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.MemberSpending.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken)
            ?? new MemberSpending { UserId = userId };
    }

    public async Task<SpendingStatus> GetStatusAsync(string userId, CancellationToken cancellationToken = default)
    {
        var policy = await GetPolicyAsync(userId, cancellationToken);
        var zone = calendar.Zone;
        var now = time.GetUtcNow();
        var day = calendar.DayOf(now);
        var month = calendar.MonthOf(now);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var charged = policy.DailyLimit is null && policy.MonthlyLimit is null ? []
            : await db.Activations.AsNoTracking()
                .Where(a => a.UserId == userId && a.Payer == Payer.Team && a.CreatedAt >= month.Start && a.CreatedAt < month.End && a.Price != null &&
                            a.Status != ActivationStatus.Cancelled && a.Status != ActivationStatus.Expired)
                .Select(a => new { a.CreatedAt, a.Price }).ToListAsync(cancellationToken);
        var currency = wallet.Peek(TeamKeyVault.Account)?.Balance?.Currency
            ?? await db.Activations.AsNoTracking().Where(a => a.Payer == Payer.Team && a.Currency != null)
                .OrderByDescending(a => a.CreatedAt).Select(a => a.Currency).FirstOrDefaultAsync(cancellationToken);
        BudgetLine? Line(string period, decimal? limit, BudgetPeriod span) => limit is { } value
            ? new BudgetLine(period, value, charged.Where(c => c.CreatedAt >= span.Start).Sum(c => c.Price!.Value), span.End)
            : null;
        return new SpendingStatus(policy.KeyMode, Line("today", policy.DailyLimit, day), Line("this month", policy.MonthlyLimit, month), currency, zone);
    }

    /// <summary>
    /// Why this member may not buy with <paramref name="payer"/> now (their key mode, a team-key limit reached), or null.
    /// </summary>
    public async Task<Refusal?> RefusalAsync(string userId, Payer payer, CancellationToken cancellationToken = default)
    {
        var policy = await GetPolicyAsync(userId, cancellationToken);
        if (!policy.KeyMode.Allows(payer))
            return new Refusal($"An administrator set you to buy with {policy.KeyMode.Describe()} only.");
        return payer == Payer.Team ? (await GetStatusAsync(userId, cancellationToken)).Refusal : null;
    }

    /// <summary>The last price paid for a pair on this instance (measured, not estimated), in <paramref name="currency"/> when given.</summary>
    public async Task<decimal?> LastPriceAsync(string service, string country, string? currency, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return (await LastPriceAsync(db, service, country, currency, cancellationToken))?.Price;
    }

    internal static Task<LastPrice?> LastPriceAsync(OtpWallDbContext db, string service, string country, string? currency, CancellationToken cancellationToken) =>
        db.Activations.AsNoTracking()
            .Where(a => a.Service == service && a.Country == country && a.Price != null && !a.PriceEstimated && (currency == null || a.Currency == currency))
            .OrderByDescending(a => a.CreatedAt).Select(a => new LastPrice(a.Price!.Value, a.Currency)).FirstOrDefaultAsync(cancellationToken);

    internal sealed record LastPrice(decimal Price, string? Currency);
}
