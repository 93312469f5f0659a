using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Spending;

/// <summary>Amounts in one or more currencies (a team key and personal keys may be in different ones).</summary>
public sealed class Money
{
    private readonly SortedDictionary<string, decimal> _amounts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, decimal> Amounts => _amounts;

    public bool IsZero => _amounts.Values.All(a => a == 0);

    public void Add(decimal amount, string? currency)
    {
        var key = currency ?? "";
        _amounts[key] = _amounts.GetValueOrDefault(key) + amount;
    }

    public void Add(Money other)
    {
        foreach (var (currency, amount) in other._amounts) Add(amount, currency);
    }

    public decimal In(string? currency) => _amounts.GetValueOrDefault(currency ?? "");

    public override string ToString() => Text(null);

    /// <summary>As a table writes it: "3.61 USD", and nothing as "0.00 USD" (in <paramref name="zeroCurrency"/>) beside it.</summary>
    public string Text(string? zeroCurrency) => IsZero
        ? Wallet.Amounts.Text(0, zeroCurrency)
        : string.Join(" + ", _amounts.Where(a => a.Value != 0).Select(a => Wallet.Amounts.Text(a.Value, a.Key)));

    /// <summary>The first currency any of these amounts is in (to write the others' zeros in), or null.</summary>
    public static string? CurrencyOf(params Money[] amounts) =>
        amounts.SelectMany(m => m._amounts.Keys).FirstOrDefault(k => k.Length > 0);
}

/// <summary>
/// One person's activations in a period. Spent counts what OTPWALL keeps (a code arrived, or the number is still
/// waiting and not refunded yet); refunded counts cancelled and expired numbers, which cost nothing.
/// </summary>
public sealed class MemberUsage(string userId, string email, DateTimeOffset? lastSignIn)
{
    public string UserId { get; } = userId;

    public string Email { get; } = email;

    public DateTimeOffset? LastSignIn { get; } = lastSignIn;

    public int Bought { get; private set; }

    public int CodesReceived { get; private set; }

    public double SuccessRate => Bought == 0 ? 0 : CodesReceived / (double)Bought;

    public Money OwnSpent { get; } = new();

    public Money OwnRefunded { get; } = new();

    public Money TeamSpent { get; } = new();

    public Money TeamRefunded { get; } = new();

    internal void Count(UsageRow row)
    {
        Bought++;
        if (row.GotCode) CodesReceived++;
        if (row.Price is not { } price) return;
        var team = row.Payer == Payer.Team;
        if (row.Refunded) (team ? TeamRefunded : OwnRefunded).Add(price, row.Currency);
        else (team ? TeamSpent : OwnSpent).Add(price, row.Currency);
    }

    internal void Add(MemberUsage other)
    {
        Bought += other.Bought;
        CodesReceived += other.CodesReceived;
        OwnSpent.Add(other.OwnSpent);
        OwnRefunded.Add(other.OwnRefunded);
        TeamSpent.Add(other.TeamSpent);
        TeamRefunded.Add(other.TeamRefunded);
    }
}

/// <summary>What was spent on one day, own keys and team key apart, in the report's main currency.</summary>
public sealed record DailySpend(DateOnly Day, decimal Own, decimal Team)
{
    public decimal Total => Own + Team;
}

/// <summary>The usage page: a row per member, the totals, and spending per day.</summary>
public sealed record UsageReport(
    DateOnly From, DateOnly To, IReadOnlyList<MemberUsage> Members, MemberUsage Totals, IReadOnlyList<DailySpend> Days, string? Currency, TimeZoneInfo Zone);

internal sealed record UsageRow(string UserId, DateTimeOffset CreatedAt, ActivationStatus Status, bool HasMessages, decimal? Price, string? Currency, Payer Payer)
{
    public bool GotCode => ActivationMoney.GotCode(Status, HasMessages);

    public bool Refunded => ActivationMoney.IsRefunded(Status, HasMessages);
}

/// <summary>
/// Figures per member for a date range (days in the instance's time zone): numbers bought, codes received, what was
/// spent and refunded on own keys and on the team key, and the last sign-in. Figures only: never a key, a number or an SMS.
/// </summary>
public sealed class UsageService(IDbContextFactory<OtpWallDbContext> databases, InstanceCalendar calendar, TimeProvider time)
{
    /// <summary>The last 30 days, today included.</summary>
    public (DateOnly From, DateOnly To) DefaultRange()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), calendar.Zone).DateTime);
        return (today.AddDays(-29), today);
    }

    /// <summary>Every member's figures (administrators only).</summary>
    public async Task<UsageReport> TeamAsync(string actingUserId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await Administrators.EnsureAsync(db, actingUserId, cancellationToken);
        return await ReportAsync(db, null, from, to, cancellationToken);
    }

    /// <summary>One person's own figures (History).</summary>
    public async Task<MemberUsage> OwnAsync(string userId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var report = await ReportAsync(db, userId, from ?? DateOnly.MinValue, to ?? DateOnly.MaxValue.AddDays(-1), cancellationToken);
        return report.Members.SingleOrDefault() ?? new MemberUsage(userId, "", null);
    }

    private async Task<UsageReport> ReportAsync(OtpWallDbContext db, string? onlyUserId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from) (from, to) = (to, from);
        var zone = calendar.Zone;
        var start = calendar.StartOf(from);
        var end = to >= DateOnly.MaxValue.AddDays(-1) ? DateTimeOffset.MaxValue : calendar.EndOf(to);

        var activations = db.Activations.AsNoTracking().Where(a => a.UpstreamId != null);
        if (onlyUserId is not null) activations = activations.Where(a => a.UserId == onlyUserId);
        if (start != DateTimeOffset.MinValue) activations = activations.Where(a => a.CreatedAt >= start);
        if (end != DateTimeOffset.MaxValue) activations = activations.Where(a => a.CreatedAt < end);
        var rows = await activations
            .Select(a => new UsageRow(a.UserId, a.CreatedAt, a.Status, a.Messages.Any(), a.Price, a.Currency, a.Payer))
            .ToListAsync(cancellationToken);

        var users = db.Users.AsNoTracking();
        if (onlyUserId is not null) users = users.Where(u => u.Id == onlyUserId);
        var members = (await users.OrderBy(u => u.CreatedAt).Select(u => new { u.Id, u.Email, u.LastSignInAt }).ToListAsync(cancellationToken))
            .Select(u => new MemberUsage(u.Id, u.Email ?? u.Id, u.LastSignInAt)).ToList();
        var byId = members.ToDictionary(m => m.UserId);
        foreach (var row in rows)
            if (byId.TryGetValue(row.UserId, out var member)) member.Count(row);

        var totals = new MemberUsage("", "All members", null);
        foreach (var member in members) totals.Add(member);

        // The chart shows one currency: the one most was spent in (the others are in the table).
        var currency = rows.Where(r => r.Price is not null && !r.Refunded).GroupBy(r => r.Currency)
            .OrderByDescending(g => g.Sum(r => r.Price!.Value)).Select(g => g.Key).FirstOrDefault();
        var days = new List<DailySpend>();
        if (from != DateOnly.MinValue && to.DayNumber - from.DayNumber < 400)
        {
            var spentByDay = rows.Where(r => r.Price is not null && !r.Refunded && r.Currency == currency)
                .GroupBy(r => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.CreatedAt, zone).DateTime))
                .ToDictionary(g => g.Key, g => (Own: g.Where(r => r.Payer != Payer.Team).Sum(r => r.Price!.Value), Team: g.Where(r => r.Payer == Payer.Team).Sum(r => r.Price!.Value)));
            for (var number = from.DayNumber; number <= to.DayNumber; number++)
            {
                var day = DateOnly.FromDayNumber(number);
                var spent = spentByDay.GetValueOrDefault(day);
                days.Add(new DailySpend(day, spent.Own, spent.Team));
            }
        }
        return new UsageReport(from, to, members, totals, days, currency, zone);
    }

    /// <summary>
    /// The report as CSV: one row per member, then the totals. Amounts are numbers in the report's main currency; any
    /// other currency a member spent in is in <c>other_currencies</c>, as text.
    /// </summary>
    public static async Task WriteCsvAsync(UsageReport report, TextWriter writer, CancellationToken cancellationToken = default)
    {
        await writer.WriteLineAsync(("member,from,to,numbers_bought,codes_received,success_rate,currency,own_spent,own_refunded,team_spent,team_refunded," +
            "other_currencies,last_sign_in_utc").AsMemory(), cancellationToken);
        var from = report.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = report.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Amount(Money money) => Amounts.Field(money.In(report.Currency));
        foreach (var member in report.Members.Append(report.Totals))
        {
            var others = new[] { ("own spent", member.OwnSpent), ("own refunded", member.OwnRefunded), ("team spent", member.TeamSpent), ("team refunded", member.TeamRefunded) }
                .SelectMany(m => m.Item2.Amounts.Where(a => a.Key != (report.Currency ?? "") && a.Value != 0)
                    .Select(a => $"{m.Item1} {Amounts.Text(a.Value, a.Key)}"));
            await writer.WriteLineAsync(Csv.Line(
                member.Email, from, to, member.Bought.ToString(CultureInfo.InvariantCulture), member.CodesReceived.ToString(CultureInfo.InvariantCulture),
                member.SuccessRate.ToString("0.000", CultureInfo.InvariantCulture), report.Currency,
                Amount(member.OwnSpent), Amount(member.OwnRefunded), Amount(member.TeamSpent), Amount(member.TeamRefunded),
                string.Join("; ", others), member.LastSignIn is { } last ? Csv.Iso(last) : null).AsMemory(), cancellationToken);
        }
    }
}
