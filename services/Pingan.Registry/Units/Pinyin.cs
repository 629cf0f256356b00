namespace Pingan.Registry.Units;

/// <summary>
/// Pinyin initials of a name ("郑州市" → "zzs"), so users can search the way they type. The table holds the
/// first letter of ICU's Han-Latin reading of every character U+4E00..U+9FFF (tools/make-pinyin-initials.sh);
/// a polyphonic character gets its most common reading.
/// </summary>
public static class Pinyin
{
    private const int First = 0x4E00;
    private static readonly Lazy<string> Table = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "pinyin-initials.txt")).Trim());

    public static string Initials(string name)
    {
        var table = Table.Value;
        var result = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            var i = c - First;
            if (i >= 0 && i < table.Length)
            {
                if (table[i] != '-') result.Append(table[i]);
            }
            else if (char.IsAsciiLetterOrDigit(c))
            {
                result.Append(char.ToLowerInvariant(c));
            }
        }
        return result.ToString();
    }

    public static bool LooksLikeInitials(string query) => query.Length > 0 && query.All(char.IsAsciiLetter);
}
