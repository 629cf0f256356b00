namespace Pingan.Inspections.Inspections;

internal static class Dates
{
    public static bool AreDays(params string[] values) => values.All(v => DateOnly.TryParseExact(v, "yyyy-MM-dd", out _));
}
