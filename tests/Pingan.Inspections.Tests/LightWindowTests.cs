using Pingan.Inspections.Api;
using Pingan.Inspections.Inspections;
using Pingan.Time;

namespace Pingan.Inspections.Tests;

/// <summary>
/// The one yellow rule of findings and duties (issue 13): yellow while at most five working days are left before the day,
/// counted on the holiday calendar. From Tuesday 22 September 2026 the five are 23, 24, 28, 29 and 30 September
/// (Mid-Autumn 25-27 September, National Day 1-7 October).
/// </summary>
public sealed class LightWindowTests
{
    private static readonly LightWindow Window = LightWindow.Of(new DateOnly(2026, 9, 22), Calendar(), new LightOptions { YellowWorkingDays = 5 });

    [Theory]
    [InlineData("2026-09-21", Light.Red)]      // past its day
    [InlineData("2026-09-22", Light.Yellow)]   // due today
    [InlineData("2026-09-30", Light.Yellow)]   // the fifth working day
    [InlineData("2026-10-05", Light.Yellow)]   // in the holiday: still five working days left, all before it
    [InlineData("2026-10-07", Light.Yellow)]
    [InlineData("2026-10-08", Light.Grey)]     // six working days left
    public void Something_owed_is_yellow_while_at_most_five_working_days_are_left_before_its_day(string due, Light light) =>
        Assert.Equal(light, Window.Owed(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_year_not_yet_loaded_counts_weekdays()
    {
        // Friday 24 December 2027, no 2027 schedule: Monday 27 to Friday 31 are the five; the weekend after is still yellow.
        var window = LightWindow.Of(new DateOnly(2027, 12, 24), new WorkingDayCalendar(), new LightOptions { YellowWorkingDays = 5 });
        Assert.Equal(new DateOnly(2028, 1, 2), window.YellowUntil);
    }

    private static WorkingDayCalendar Calendar()
    {
        using var reader = File.OpenText(Path.Combine(AppContext.BaseDirectory, "Calendars", "china-holidays-2026.csv"));
        return new WorkingDayCalendar([HolidaySchedule.Parse(reader, "china-holidays-2026.csv")]);
    }
}
