using Pingan.Persistence;
using Pingan.Letters.Api;
using Pingan.Letters.Persistence;

namespace Pingan.Letters.Letters;

/// <summary>
/// How far the cascade below a unit carries its targets down (Art. 13 "层层签订", "分解为若干具体目标"): the units
/// below are those the letters reach, level by level, from the unit; one query over the year's letters. A received
/// target is covered by the decompositions of its lineage (issue 12): after an amendment of the received letter, the
/// children that decomposed its earlier version still count.
/// </summary>
public static class Coverage
{
    /// <summary>The units the year's letters reach from unit $1 in year $2, level by level, the unit included.</summary>
    public const string CascadeCte =
        """
        WITH RECURSIVE cascade(code) AS (
            SELECT $1::text
            UNION
            SELECT l.receiver_code FROM letters l JOIN cascade c ON l.issuer_code = c.code WHERE l.year = $2
        ),

        """;

    private const string Sql = CascadeCte +
        """
        received AS (
            SELECT DISTINCT ON (l.receiver_code) l.id, l.receiver_code, l.receiver_name
            FROM letters l JOIN cascade c ON c.code = l.receiver_code
            WHERE l.year = $2
            ORDER BY l.receiver_code, l.version DESC
        ),
        issued AS (
            SELECT l.issuer_code, count(DISTINCT l.receiver_code) AS n
            FROM letters l JOIN cascade c ON c.code = l.issuer_code WHERE l.year = $2 GROUP BY l.issuer_code
        ),
        cover AS (
            SELECT p.lineage_id, count(DISTINCT l.receiver_code) AS n
            FROM letter_targets lt JOIN letters l ON l.id = lt.letter_id JOIN cascade c ON c.code = l.issuer_code
            JOIN letter_targets p ON p.id = lt.parent_target_id
            WHERE l.year = $2 GROUP BY p.lineage_id
        )
        SELECT r.receiver_code, r.receiver_name, COALESCE(i.n, 0), pt.id, pt.code, pt.indicator, COALESCE(cv.n, 0)
        FROM received r JOIN letter_targets pt ON pt.letter_id = r.id
        LEFT JOIN issued i ON i.issuer_code = r.receiver_code
        LEFT JOIN cover cv ON cv.lineage_id = pt.lineage_id
        ORDER BY r.receiver_code, pt.position
        """;

    public static async Task<CoverageReport> ReadAsync(LettersDb db, string unitCode, int year, CancellationToken ct)
    {
        var report = new CoverageReport { Year = year };
        UnitCoverage? unit = null;
        await db.ReadAsync(Sql, [unitCode, year], reader =>
        {
            var code = reader.GetString(0);
            if (unit?.UnitCode != code)
            {
                unit = new UnitCoverage { UnitCode = code, UnitName = reader.GetString(1), LettersIssued = (int)reader.GetInt64(2) };
                report.Units.Add(unit);
            }
            unit.ParentTargets++;
            var covering = (int)reader.GetInt64(6);
            if (unit.LettersIssued > 0 && covering >= unit.LettersIssued) unit.Covered++;
            else if (unit.LettersIssued > 0)
                unit.Missed.Add(new TargetCoverage
                {
                    TargetId = reader.GetGuid(3).ToString(), Code = reader.GetString(4), Indicator = reader.GetString(5), CoveringLetters = covering,
                });
        }, ct);
        return report;
    }
}
