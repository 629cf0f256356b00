namespace Pingan.ServiceDefaults;

/// <summary>
/// The opaque position of a page of a list ordered newest first: the last row's time and id (cases by opening,
/// inspections by planning). The next page is the rows strictly before that pair.
/// </summary>
public static class PageToken
{
    public static string Write(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{at.UtcTicks}|{id}"));

    public static bool TryRead(string token, out DateTimeOffset at, out Guid id)
    {
        (at, id) = (default, default);
        if (token.Length == 0) return false;
        var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
        at = new DateTimeOffset(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        id = Guid.Parse(parts[1]);
        return true;
    }

    public static bool IsValid(string token)
    {
        try
        {
            return token.Length == 0 || TryRead(token, out _, out _);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            return false;
        }
    }
}
