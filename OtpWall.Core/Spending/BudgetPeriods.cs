namespace OtpWall.Core.Spending;

/// <summary>A budget period: from its start (included) to the next one, both as instants.</summary>
public readonly record struct BudgetPeriod(DateTimeOffset Start, DateTimeOffset End);

/// <summary>Days and calendar months in the instance's time zone, as the instants they begin and end (daylight saving included).</summary>
public static class BudgetPeriods
{
    public static BudgetPeriod Day(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        return new BudgetPeriod(Instant(local, zone), Instant(local.AddDays(1), zone));
    }

    public static BudgetPeriod Month(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var first = new DateTime(local.Year, local.Month, 1);
        return new BudgetPeriod(Instant(first, zone), Instant(first.AddMonths(1), zone));
    }

    /// <summary>
    /// The instant a calendar day begins in <paramref name="zone"/>, in UTC; the beginning of time for a day that begins
    /// before it (1 January of year 1, east of UTC).
    /// </summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone) => Instant(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The instant a calendar day ends (the next one begins), in UTC; the end of time for the calendar's last days.</summary>
    public static DateTimeOffset EndOf(DateOnly day, TimeZoneInfo zone) =>
        day == DateOnly.MaxValue ? DateTimeOffset.MaxValue : Instant(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);

    // A local midnight that does not exist (clocks jump at midnight in a few zones) begins at the first local time that does.
    // At the ends of the calendar the instant is clamped to the first or last one there is. Given in UTC: stored times are
    // compared as ticks with their offset (OtpWallDbContext), so a window in the zone's offset missed hours of every day
    // (in New York a member's daily limit let purchases through from 19:00 to midnight).
    private static DateTimeOffset Instant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local) && local < DateTime.MaxValue.AddMinutes(-15)) local = local.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks) return DateTimeOffset.MinValue;
        if (utcTicks > DateTime.MaxValue.Ticks) return DateTimeOffset.MaxValue;
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
