using Microsoft.EntityFrameworkCore;
using Pingan.Letters.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;
using Prometheus;

namespace Pingan.Letters.Letters;

/// <summary>
/// The year's letters by the issuing commission's level and status, for the business dashboard's "letters signed by
/// level" (Art. 13: signed each year, the province first, then down the levels).
/// </summary>
public sealed class LetterGauges(LettersDb db, TimeProvider time) : IScrapeProbe
{
    private static readonly string[] Levels = ["province", "city", "county", "township", "other"];

    private static readonly Gauge Letters = Metrics.CreateGauge("pingan_letters",
        "The current year's letters by the issuing commission's level and status (Issued, Signed, Completed; Superseded ones left out)",
        "issuer_level", "status");

    public string What => "letters";

    public async Task RefreshAsync(CancellationToken ct)
    {
        var year = time.Today().Year;
        var rows = await db.Letters.AsNoTracking().Where(l => l.Year == year && l.Status != LetterStatus.Superseded)
            .GroupBy(l => new { l.IssuerCode, l.Status }).Select(g => new { g.Key.IssuerCode, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        foreach (var level in Levels)
        {
            foreach (var status in new[] { LetterStatus.Issued, LetterStatus.Signed, LetterStatus.Completed })
                Letters.WithLabels(level, status.ToString()).Set(rows.Where(r => r.Status == status && LevelOf(r.IssuerCode) == level).Sum(r => r.Count));
        }
    }

    /// <summary>The level of a 12-digit division code (GB/T 2260 and its township extension): the zeros it ends in.</summary>
    public static string LevelOf(string code) =>
        code.Length != 12 || !code.All(char.IsAsciiDigit) ? "other"
        : code[2..].All(c => c == '0') ? "province"
        : code[4..].All(c => c == '0') ? "city"
        : code[6..].All(c => c == '0') ? "county"
        : code[9..].All(c => c == '0') ? "township"
        : "other";
}
