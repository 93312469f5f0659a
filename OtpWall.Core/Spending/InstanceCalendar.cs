using System.Globalization;
using Microsoft.Extensions.Options;

namespace OtpWall.Core.Spending;

/// <summary>
/// The instance's days (<c>OtpWall:Spending:TimeZone</c>, UTC by default): a day typed into a filter is that day here,
/// from the instant it begins to the instant the next one does, and times are shown in the same zone. History, Usage,
/// Audit and budgets read days through it, so a list and the figures beside it cover the same window.
/// </summary>
public sealed class InstanceCalendar(IOptions<SpendingOptions> options)
{
    public TimeZoneInfo Zone => options.Value.Zone;

    /// <summary>How the zone is named beside a time ("UTC", "Asia/Tokyo").</summary>
    public string ZoneName => options.Value.TimeZone;

    /// <summary>The instant <paramref name="day"/> begins here, in UTC (as every instant of <see cref="BudgetPeriods"/>).</summary>
    public DateTimeOffset StartOf(DateOnly day) => BudgetPeriods.StartOf(day, Zone);

    /// <summary>The instant <paramref name="day"/> ends here (the next day begins), in UTC.</summary>
    public DateTimeOffset EndOf(DateOnly day) => BudgetPeriods.EndOf(day, Zone);

    /// <summary>The day here that <paramref name="now"/> falls in, as instants (a team-key budget's day).</summary>
    public BudgetPeriod DayOf(DateTimeOffset now) => BudgetPeriods.Day(now, Zone);

    /// <summary>The calendar month here that <paramref name="now"/> falls in, as instants (a team-key budget's month).</summary>
    public BudgetPeriod MonthOf(DateTimeOffset now) => BudgetPeriods.Month(now, Zone);

    /// <summary>An instant as a date and time here, to the minute ("2026-11-21 05:00").</summary>
    public string Format(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
