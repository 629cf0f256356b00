using System.Globalization;

namespace Pingan.Registry;

/// <summary>Civil dates on the wire: "YYYY-MM-DD", empty for none.</summary>
public static class Dates
{
    public const string Format = "yyyy-MM-dd";

    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>True for empty (the caller omitted it) or a valid date.</summary>
    public static bool IsEmptyOrValid(string? text) => string.IsNullOrEmpty(text) || TryParse(text, out _);

    public static DateOnly ParseOr(string? text, DateOnly fallback) =>
        string.IsNullOrEmpty(text) ? fallback : TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a YYYY-MM-DD date.");

    public static DateOnly? ParseOptional(string? text) => string.IsNullOrEmpty(text) ? null : ParseOr(text, default);

    public static string Write(DateOnly? date) => date?.ToString(Format, CultureInfo.InvariantCulture) ?? "";
}
