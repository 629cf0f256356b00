using System.Globalization;

namespace Pingan.Time;

/// <summary>What the State Council published for one year: days off and adjusted working weekend days (调休).</summary>
public sealed record HolidaySchedule(int Year, IReadOnlyDictionary<DateOnly, DayKind> Days)
{
    /// <summary>
    /// Reads the <c>date,kind,occasion</c> format of the published schedule files. Every error names its line,
    /// and a file is taken whole or not at all.
    /// </summary>
    public static HolidaySchedule Parse(TextReader reader, string source)
    {
        var days = new Dictionary<DateOnly, DayKind>();
        var errors = new List<string>();
        int? year = null;
        var lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#')) continue;
            var cells = line.Split(',', 3);
            if (lineNo == 1 && cells[0].Trim().Equals("date", StringComparison.OrdinalIgnoreCase)) continue;
            if (cells.Length < 2)
            {
                errors.Add($"{source}:{lineNo}: expected date,kind[,occasion]");
                continue;
            }
            if (!DateOnly.TryParseExact(cells[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors.Add($"{source}:{lineNo}: '{cells[0]}' is not a yyyy-MM-dd date");
                continue;
            }
            DayKind kind;
            switch (cells[1].Trim().ToLowerInvariant())
            {
                case "holiday": kind = DayKind.Holiday; break;
                case "workday": kind = DayKind.AdjustedWorkday; break;
                default:
                    errors.Add($"{source}:{lineNo}: kind '{cells[1]}' must be holiday or workday");
                    continue;
            }
            year ??= date.Year;
            if (date.Year != year)
                errors.Add($"{source}:{lineNo}: {date:yyyy-MM-dd} is not in {year}; one file holds one year");
            else if (kind == DayKind.AdjustedWorkday && !IsWeekend(date))
                errors.Add($"{source}:{lineNo}: {date:yyyy-MM-dd} is a weekday; only a weekend day can be an adjusted workday");
            else if (!days.TryAdd(date, kind))
                errors.Add($"{source}:{lineNo}: {date:yyyy-MM-dd} appears twice");
        }
        if (year is null) errors.Add($"{source}: no dates");
        if (errors.Count > 0) throw new HolidayScheduleFormatException(errors);
        return new HolidaySchedule(year!.Value, days);
    }

    internal static bool IsWeekend(DateOnly d) => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}

public enum DayKind
{
    Holiday,
    AdjustedWorkday,
}

public sealed class HolidayScheduleFormatException(IReadOnlyList<string> errors)
    : FormatException("The holiday schedule is invalid:\n" + string.Join('\n', errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
