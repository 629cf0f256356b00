using System.Globalization;

namespace Pingan.Testing;

/// <summary>Reads a service's <c>/metrics</c> as Prometheus would.</summary>
public static class Scrape
{
    /// <summary>The value of the series <paramref name="name"/> with exactly these labels (among others), or null when there is none.</summary>
    public static async Task<double?> ValueAsync(HttpClient rest, string name, params (string Label, string Value)[] labels)
    {
        var exposition = await rest.GetStringAsync("/metrics");
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' ')) continue;
            if (!labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>Every series name in an exposition (a histogram's _bucket, _sum and _count each).</summary>
    public static IEnumerable<string> Names(string exposition) =>
        exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])]);
}
