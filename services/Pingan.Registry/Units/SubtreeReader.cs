using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pingan.Registry.Persistence;
using UnitKind = Pingan.Registry.Contracts.UnitKind;
using UnitLevel = Pingan.Registry.Contracts.UnitLevel;

namespace Pingan.Registry.Units;

/// <summary>
/// Reads a page of a subtree straight into API messages: the hottest read of the registry (every service
/// walks the tree below a jurisdiction), kept within 2x of the bare query by skipping the entity step.
/// </summary>
public static class SubtreeReader
{
    private static readonly Dictionary<string, Api.UnitKind> Kinds =
        Enum.GetValues<UnitKind>().ToDictionary(k => k.ToString(), k => (Api.UnitKind)(int)k);
    private static readonly Dictionary<string, Api.UnitLevel> Levels =
        Enum.GetValues<UnitLevel>().ToDictionary(k => k.ToString(), k => (Api.UnitLevel)(int)k);

    /// <summary>
    /// The paths strictly below <paramref name="rootPath"/>: in byte order '/' sorts just before '0', so they are
    /// the open range (root + '/', root + '0') of the path index.
    /// </summary>
    public static (string After, string Before) Below(string rootPath) => (rootPath + "/", rootPath + "0");

    /// <summary>
    /// A page of up to <paramref name="pageSize"/> units below the unit at <paramref name="rootPath"/> in path order,
    /// after the path <paramref name="after"/> when paging on, leaving out the units at the <paramref name="excluded"/>
    /// paths and below them; with the path the next page starts after, or null when this page is the last.
    /// </summary>
    public static async Task<(List<Api.Unit> Units, string? NextAfter)> ReadAsync(
        RegistryDb db, string rootPath, string? after, UnitLevel? level, UnitKind[] kinds, bool includeDissolved, int pageSize,
        string[] excluded, CancellationToken ct)
    {
        var limit = pageSize + 1; // one more row says whether a next page exists
        // The subtree is a range of the path index (Below). The bounds go in as values, not as a subquery: with them
        // the planner walks the index in order and stops at the limit; with a subquery it guessed a handful of rows
        // and sorted the whole range instead.
        var sql = new System.Text.StringBuilder(
            """
            SELECT code, name, kind, level, parent_code, answers_to_code, province_direct, vertical_superior_code,
                   effective_from, dissolved_on, pinyin_initials, path
            FROM units
            WHERE path > $1 AND path < $2
            """);
        if (level is not null) sql.Append(" AND level = $4");
        if (kinds.Length > 0) sql.Append(" AND kind = ANY($5)");
        if (!includeDissolved) sql.Append(" AND dissolved_on IS NULL");
        if (excluded.Length > 0)
            sql.Append(" AND NOT EXISTS (SELECT 1 FROM unnest($6::text[]) x(p) WHERE path = x.p OR (path > x.p || '/' AND path < x.p || '0'))");
        sql.Append(" ORDER BY path LIMIT $3");

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(sql.ToString(), (NpgsqlConnection)db.Database.GetDbConnection());
            var (below, before) = Below(rootPath);
            cmd.Parameters.Add(new NpgsqlParameter { Value = after ?? below });
            cmd.Parameters.Add(new NpgsqlParameter { Value = before });
            cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
            cmd.Parameters.Add(new NpgsqlParameter { Value = level?.ToString() ?? "" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = kinds.Select(k => k.ToString()).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = excluded });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var units = new List<Api.Unit>(Math.Min(limit, 1024));
            string? lastPath = null;
            while (await reader.ReadAsync(ct))
            {
                if (units.Count == pageSize) return (units, lastPath); // the extra row: a next page exists
                units.Add(new Api.Unit
                {
                    Code = reader.GetString(0),
                    Name = reader.GetString(1),
                    Kind = Kinds[reader.GetString(2)],
                    Level = reader.IsDBNull(3) ? Api.UnitLevel.Unspecified : Levels[reader.GetString(3)],
                    ParentCode = reader.IsDBNull(4) ? "" : reader.GetString(4),
                    AnswersToCode = reader.IsDBNull(5) ? "" : reader.GetString(5),
                    ProvinceDirect = reader.GetBoolean(6),
                    VerticalSuperiorCode = reader.IsDBNull(7) ? "" : reader.GetString(7),
                    EffectiveFrom = Dates.Write(reader.GetFieldValue<DateOnly>(8)),
                    DissolvedOn = reader.IsDBNull(9) ? "" : Dates.Write(reader.GetFieldValue<DateOnly>(9)),
                    PinyinInitials = reader.GetString(10),
                });
                // Only the page's last row needs its path, for the token (issue 20: one string a row less).
                if (units.Count == pageSize) lastPath = reader.GetString(11);
            }
            return (units, null);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
