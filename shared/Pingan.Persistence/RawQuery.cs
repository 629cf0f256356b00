using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Pingan.Persistence;

public static class RawQuery
{
    /// <summary>
    /// Runs <paramref name="sql"/> ($1, $2... bound to <paramref name="args"/>) on the context's own connection
    /// (and transaction, if one is open) and hands each row to <paramref name="row"/>: for hot reads and
    /// reports that go from the reader straight into API messages, without materialising entities.
    /// </summary>
    public static async Task ReadAsync(this DbContext db, string sql, object[] args, Action<NpgsqlDataReader> row, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction;
            foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) row(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
