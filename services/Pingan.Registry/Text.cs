namespace Pingan.Registry;

public static class Text
{
    /// <summary>An optional text field of a request: trimmed, or null when the caller left it empty or blank.</summary>
    public static string? OrNull(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
