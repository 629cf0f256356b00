using System.Data.Common;
using Pingan.Inspections.Api;

namespace Pingan.Inspections.Duties;

/// <summary>
/// The overview's counts by light per city and county, in one grouped scan of the year's duties within a unit (the
/// same light rule as <see cref="DutiesService.LightOf"/>). <see cref="Sql"/> is public so that the benchmark runs the
/// very same text bare, beside the service's call.
/// </summary>
public static class DutyLightQuery
{
    public const string Sql = """
        SELECT city_code, county_code,
               count(*) FILTER (WHERE submitted_on IS NULL AND due_on > $4)                               AS grey,
               count(*) FILTER (WHERE submitted_on <= due_on)                                             AS green,
               count(*) FILTER (WHERE submitted_on IS NULL AND due_on >= $3 AND due_on <= $4)             AS yellow,
               count(*) FILTER (WHERE submitted_on > due_on OR (submitted_on IS NULL AND due_on < $3))    AS red
        FROM reporting_duties
        WHERE year = $2 AND scope_chain @> ARRAY[$1]::text[]
        GROUP BY city_code, county_code
        ORDER BY city_code, county_code
        """;

    public static async Task<List<LightCounts>> CountAsync(DbConnection connection, string unitCode, int year, DateOnly today, DateOnly yellowUntil, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        foreach (var value in new object[] { unitCode, year, today, yellowUntil })
        {
            var p = command.CreateParameter();
            p.Value = value;
            command.Parameters.Add(p);
        }
        var rows = new List<LightCounts>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new LightCounts
            {
                CityCode = reader.GetString(0), CountyCode = reader.GetString(1), Grey = (int)reader.GetInt64(2), Green = (int)reader.GetInt64(3),
                Yellow = (int)reader.GetInt64(4), Red = (int)reader.GetInt64(5),
            });
        return rows;
    }
}
