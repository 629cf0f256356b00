using Microsoft.Extensions.Time.Testing;

namespace Pingan.Time.Tests;

public class WorkingDayCalendarTests
{
    // The schedule that ships with the platform, loaded the way a service loads it.
    private static readonly WorkingDayCalendar Calendar = TimeServiceCollectionExtensions.LoadDirectory("Calendars");

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-05-01", false)] // Labour Day
    [InlineData("2026-05-05", false)] // Labour Day holiday on a Tuesday
    [InlineData("2026-05-09", true)]  // adjusted working Saturday
    [InlineData("2026-05-10", false)] // ordinary Sunday
    [InlineData("2026-05-11", true)]  // ordinary Monday
    [InlineData("2026-02-14", true)]  // Spring Festival make-up Saturday
    [InlineData("2026-10-08", true)]  // Thursday after National Day week
    public void Knows_holidays_and_adjusted_working_weekends(string date, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(D(date)));

    [Fact]
    public void Admonishment_measures_due_in_10_working_days_across_Labour_Day_Art34()
    {
        // Interview on Wed 29 April: 30 Apr (1), then 1-5 May off, 6,7,8 (4), Sat 9 May worked (5),
        // 11-15 May (10).
        Assert.Equal(D("2026-05-15"), Calendar.AddWorkingDays(D("2026-04-29"), 10));
    }

    [Fact]
    public void Ten_working_days_across_the_National_Day_week_Art34()
    {
        // Decision on Tue 29 Sep: 30 Sep (1), 1-7 Oct off, 8, 9 (3), Sat 10 Oct worked (4), 12-16 (9), 19 Oct (10).
        Assert.Equal(D("2026-10-19"), Calendar.AddWorkingDays(D("2026-09-29"), 10));
    }

    [Fact]
    public void Counting_starts_the_day_after_so_zero_days_is_the_same_day() =>
        Assert.Equal(D("2026-05-01"), Calendar.AddWorkingDays(D("2026-05-01"), 0));

    [Fact]
    public void Working_days_between_counts_what_AddWorkingDays_added()
    {
        var start = D("2026-09-29");
        Assert.Equal(10, Calendar.WorkingDaysBetween(start, Calendar.AddWorkingDays(start, 10)));
        Assert.Equal(-10, Calendar.WorkingDaysBetween(Calendar.AddWorkingDays(start, 10), start));
    }

    [Fact]
    public void Notice_rectification_is_due_on_the_corresponding_day_two_months_later_Art33() =>
        Assert.Equal(D("2026-07-15"), Calendar.MonthsDeadline(D("2026-05-15"), 2));

    [Fact]
    public void Two_months_after_31_December_is_the_last_day_of_February_Art33()
    {
        // 2026-12-31 + 2 months: no 31 February, so 28 February 2027, a Sunday; with no 2027 schedule loaded
        // the calendar must say so rather than guess whether it is a rest day.
        var ex = Assert.Throws<CalendarYearNotLoadedException>(() => Calendar.MonthsDeadline(D("2026-12-31"), 2));
        Assert.Equal(2027, ex.Year);

        var with2027 = new WorkingDayCalendar([Schedule(2026), Schedule(2027)]);
        // Sunday 28 Feb 2027 is a rest day, so the period ends on Monday 1 March (Civil Code Art. 203).
        Assert.Equal(D("2027-03-01"), with2027.MonthsDeadline(D("2026-12-31"), 2));
        Assert.Equal(new DateOnly(2027, 2, 28), D("2026-12-31").AddMonths(2));
    }

    [Fact]
    public void Leap_year_February_has_29_days_for_the_month_count()
    {
        var calendar = new WorkingDayCalendar([Schedule(2027), Schedule(2028)]);
        // 31 Dec 2027 + 2 months = 29 Feb 2028, a Tuesday: a working day, so it stands.
        Assert.Equal(D("2028-02-29"), calendar.MonthsDeadline(D("2027-12-31"), 2));
    }

    [Fact]
    public void A_months_deadline_on_a_holiday_moves_to_the_next_working_day_Art34()
    {
        // Admonished on 1 July: three months later is 1 October, National Day; the first working day after is 8 October.
        Assert.Equal(D("2026-10-08"), Calendar.MonthsDeadline(D("2026-07-01"), 3));
    }

    [Fact]
    public void Listed_supervision_six_months_Art35() =>
        Assert.Equal(D("2026-12-15"), Calendar.MonthsDeadline(D("2026-06-15"), 6));

    [Fact]
    public void A_year_without_a_schedule_is_refused_not_guessed()
    {
        var ex = Assert.Throws<CalendarYearNotLoadedException>(() => Calendar.IsWorkingDay(D("2027-01-04")));
        Assert.Contains("2027", ex.Message);
        Assert.Contains("2026", ex.Message);
    }

    [Fact]
    public void Operators_can_load_the_next_year_while_running()
    {
        var calendar = new WorkingDayCalendar([Schedule(2026)]);
        Assert.Throws<CalendarYearNotLoadedException>(() => calendar.AddWorkingDays(D("2026-12-28"), 5));
        calendar.Load(HolidaySchedule.Parse(new StringReader("date,kind,occasion\n2027-01-01,holiday,元旦\n"), "2027.csv"));
        // 29, 30, 31 Dec (3), 1 Jan off, Sat/Sun, 4, 5 Jan (5).
        Assert.Equal(D("2027-01-05"), calendar.AddWorkingDays(D("2026-12-28"), 5));
    }

    [Fact]
    public void A_bad_schedule_file_is_rejected_whole_with_every_line_named()
    {
        var csv = "date,kind,occasion\n2026-01-01,holiday,x\n2026-13-01,holiday,x\n2026-01-05,workday,x\n2027-01-01,holiday,x\n2026-01-01,holiday,dup\n2026-01-02,vacation,x\n";
        var ex = Assert.Throws<HolidayScheduleFormatException>(() => HolidaySchedule.Parse(new StringReader(csv), "bad.csv"));
        Assert.Collection(ex.Errors,
            e => Assert.StartsWith("bad.csv:3:", e),
            e => Assert.Contains("weekday", e),
            e => Assert.Contains("one file holds one year", e),
            e => Assert.Contains("appears twice", e),
            e => Assert.Contains("holiday or workday", e));
    }

    [Fact]
    public void Today_is_the_date_in_China_not_in_UTC()
    {
        // 17:00 UTC on 30 April is 01:00 on 1 May in Zhengzhou.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 30, 17, 0, 0, TimeSpan.Zero));
        Assert.Equal(D("2026-05-01"), clock.Today());
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 16, 0, 0, TimeSpan.Zero), ChinaTime.EndOfDay(D("2026-05-01")));
    }

    private static HolidaySchedule Schedule(int year) =>
        year == 2026
            ? Calendar.LoadedYears.Contains(2026) ? Reload2026() : throw new InvalidOperationException()
            : new HolidaySchedule(year, new Dictionary<DateOnly, DayKind>());

    private static HolidaySchedule Reload2026()
    {
        using var reader = File.OpenText(Path.Combine(AppContext.BaseDirectory, "Calendars", "china-holidays-2026.csv"));
        return HolidaySchedule.Parse(reader, "china-holidays-2026.csv");
    }
}
