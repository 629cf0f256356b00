using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pingan.Time;

public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>Folder of schedule files, one year each. Relative paths are taken from the application folder.</summary>
    public string Directory { get; set; } = "Calendars";
}

public static class TimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the system <see cref="TimeProvider"/> (tests replace it) and the working-day calendar
    /// loaded from every schedule file in <c>Calendar:Directory</c>.
    /// </summary>
    public static IServiceCollection AddPinganTime(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var options = configuration.GetSection(CalendarOptions.Section).Get<CalendarOptions>() ?? new CalendarOptions();
        services.TryAddSingleton(_ => LoadDirectory(options.Directory));
        return services;
    }

    public static WorkingDayCalendar LoadDirectory(string directory)
    {
        var path = Path.IsPathRooted(directory) ? directory : Path.Combine(AppContext.BaseDirectory, directory);
        var calendar = new WorkingDayCalendar();
        if (!System.IO.Directory.Exists(path)) return calendar;
        foreach (var file in System.IO.Directory.EnumerateFiles(path, "*.csv").Order())
        {
            using var reader = File.OpenText(file);
            calendar.Load(HolidaySchedule.Parse(reader, Path.GetFileName(file)));
        }
        return calendar;
    }
}

/// <summary>Dates as the province lives them: China Standard Time, UTC+8 all year (no daylight saving).</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(this TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(Offset).DateTime);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The instant a day ends in China: deadlines fall due at the end of their last day.</summary>
    public static DateTimeOffset EndOfDay(DateOnly date) =>
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Offset).AddDays(1).ToUniversalTime();
}
