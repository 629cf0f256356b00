using System.Collections.Concurrent;

namespace Pingan.Time;

/// <summary>
/// Working days as Chinese public bodies count them: Monday to Friday, less the statutory holidays,
/// plus the adjusted working weekends (调休). Knows only the years whose schedule was loaded: a question
/// about any other year throws <see cref="CalendarYearNotLoadedException"/> rather than guessing.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly ConcurrentDictionary<int, HolidaySchedule> _years = new();

    public WorkingDayCalendar(IEnumerable<HolidaySchedule>? schedules = null)
    {
        foreach (var s in schedules ?? []) Load(s);
    }

    public IReadOnlyCollection<int> LoadedYears => [.. _years.Keys.Order()];

    /// <summary>Adds or replaces one year's schedule (operators load next year's file in November).</summary>
    public void Load(HolidaySchedule schedule) => _years[schedule.Year] = schedule;

    public bool IsWorkingDay(DateOnly date)
    {
        if (!_years.TryGetValue(date.Year, out var schedule))
            throw new CalendarYearNotLoadedException(date.Year, LoadedYears);
        if (schedule.Days.TryGetValue(date, out var kind)) return kind == DayKind.AdjustedWorkday;
        return !HolidaySchedule.IsWeekend(date);
    }

    /// <summary>
    /// The day on which a period of <paramref name="workingDays"/> working days that starts after
    /// <paramref name="start"/> ends: the start day itself is not counted (Civil Code Art. 201), so
    /// "within 10 working days of the interview" (Art. 34) is <c>AddWorkingDays(interview, 10)</c>.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }
        return day;
    }

    /// <summary>
    /// Like <see cref="AddWorkingDays"/>, for a deadline that must be set now even when it reaches into a year whose
    /// schedule is not loaded yet (a decision in December): such a year's days count Monday to Friday, and
    /// <c>Provisional</c> says so, for the deadline to be counted again once the operators load that year.
    /// </summary>
    public (DateOnly Day, bool Provisional) AddWorkingDaysProvisionally(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        var counted = 0;
        var assumed = false;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDayOrAssumed(day, ref assumed)) counted++;
        }
        return (day, assumed);
    }

    /// <summary>Like <see cref="MonthsDeadline"/>, provisional in the same way as <see cref="AddWorkingDaysProvisionally"/>.</summary>
    public (DateOnly Day, bool Provisional) MonthsDeadlineProvisionally(DateOnly start, int months)
    {
        var day = start.AddMonths(months);
        var assumed = false;
        while (!IsWorkingDayOrAssumed(day, ref assumed)) day = day.AddDays(1);
        return (day, assumed);
    }

    private bool IsWorkingDayOrAssumed(DateOnly date, ref bool assumed)
    {
        if (_years.ContainsKey(date.Year)) return IsWorkingDay(date);
        assumed = true;
        return !HolidaySchedule.IsWeekend(date);
    }

    /// <summary>Working days in (<paramref name="from"/>, <paramref name="to"/>]: how far along a deadline is.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        if (to <= from) return -WorkingDaysCount(to, from);
        return WorkingDaysCount(from, to);
    }

    private int WorkingDaysCount(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return n;
    }

    /// <summary>The first working day on or after <paramref name="date"/>.</summary>
    public DateOnly OnOrNextWorkingDay(DateOnly date)
    {
        while (!IsWorkingDay(date)) date = date.AddDays(1);
        return date;
    }

    /// <summary>
    /// The last day of a period of whole calendar months, the way Chinese law counts one (Civil Code
    /// Art. 201-203): the period starts the day after <paramref name="start"/>, ends on the day of the
    /// final month that corresponds to the start day, on that month's last day when it has no such day
    /// (two months after 31 December is 28 or 29 February), and when that last day is a rest day it
    /// moves to the next working day. Art. 33 (2 months), 34 (3 months) and 35 (6 months) use this.
    /// </summary>
    public DateOnly MonthsDeadline(DateOnly start, int months) =>
        OnOrNextWorkingDay(start.AddMonths(months)); // AddMonths clamps to the end of a shorter month
}

public sealed class CalendarYearNotLoadedException(int year, IReadOnlyCollection<int> loaded)
    : InvalidOperationException(
        $"No holiday schedule is loaded for {year} (loaded: {(loaded.Count == 0 ? "none" : string.Join(", ", loaded))}). " +
        "Load the State Council's schedule for that year before computing deadlines that reach into it.")
{
    public int Year { get; } = year;
}
