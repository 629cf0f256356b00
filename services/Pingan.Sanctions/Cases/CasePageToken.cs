namespace Pingan.Sanctions.Cases;

/// <summary>The opaque position of a page of cases: the last case's opening time and id.</summary>
internal static class CasePageToken
{
    public static string Write(SanctionCase c) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.OpenedAt.UtcTicks}|{c.Id}"));

    public static bool TryRead(string token, out DateTimeOffset openedAt, out Guid id)
    {
        (openedAt, id) = (default, default);
        if (token.Length == 0) return false;
        var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
        openedAt = new DateTimeOffset(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
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
