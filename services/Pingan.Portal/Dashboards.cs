using Pingan.Sanctions.Api;

namespace Pingan.Portal;

/// <summary>
/// What the dashboard counts, from the cases a person may read: each case is put under the unit one level below the
/// person's jurisdiction that its subject lies in (a city for the province, a county for a city), by the leading
/// digits of the administrative code (a province-direct county lies in its city's territory on the map).
/// </summary>
public static class Dashboards
{
    public sealed record Row(string Code, string Name, int Open, int Red, int Rank, bool Tied);

    /// <summary>The code of the unit directly below <paramref name="jurisdiction"/> that <paramref name="subject"/> lies in.</summary>
    public static string? AreaOf(string subject, string jurisdiction)
    {
        // Province 41 → city 4101; city 4101 → county 410102; county 410102 → township 410102001.
        var (own, digits) = jurisdiction.EndsWith("0000000000", StringComparison.Ordinal) ? (2, 4)
            : jurisdiction.EndsWith("00000000", StringComparison.Ordinal) ? (4, 6)
            : jurisdiction.EndsWith("000000", StringComparison.Ordinal) ? (6, 9) : (0, 0);
        if (digits == 0 || subject.Length < 12 || !subject.StartsWith(jurisdiction[..own], StringComparison.Ordinal)) return null;
        var area = subject[..digits].PadRight(12, '0');
        return area == jurisdiction ? null : area;
    }

    /// <summary>
    /// Open and red cases per area, ranked by open cases (most first); areas with equal counts share a rank and are
    /// flagged as tied, as the office reads a ranking.
    /// </summary>
    public static List<Row> Rank(IEnumerable<Case> cases, IReadOnlyDictionary<string, string> areas, string jurisdiction, DateOnly today)
    {
        var counts = areas.Keys.ToDictionary(k => k, _ => (Open: 0, Red: 0));
        foreach (var c in cases)
        {
            if (c.Status is "CLOSED" or "DISMISSED" or "VETO_REFERRED") continue;
            if (AreaOf(c.SubjectCode, jurisdiction) is not { } area || !counts.TryGetValue(area, out var n)) continue;
            counts[area] = (n.Open + 1, n.Red + (CaseLights.Of(c, today) == Lights.Colour.Red ? 1 : 0));
        }
        var ordered = counts.OrderByDescending(x => x.Value.Open).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        return [.. ordered.Select(x => new Row(x.Key, areas[x.Key], x.Value.Open, x.Value.Red,
            1 + ordered.Count(o => o.Value.Open > x.Value.Open), ordered.Count(o => o.Value.Open == x.Value.Open) > 1))];
    }

    /// <summary>Cases opened in each of the 12 months up to <paramref name="today"/>'s (China time).</summary>
    public static List<(string Month, int Opened)> Trend(IEnumerable<Case> cases, DateOnly today)
    {
        var months = Enumerable.Range(0, 12).Select(i => today.AddMonths(i - 11)).Select(d => $"{d.Year:D4}-{d.Month:D2}").ToList();
        var opened = cases.Select(c => DateTimeOffset.TryParse(c.OpenedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
                ? at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) : null)
            .OfType<string>().GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        return [.. months.Select(m => (m, opened.GetValueOrDefault(m)))];
    }
}
