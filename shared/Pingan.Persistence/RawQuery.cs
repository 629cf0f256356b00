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
    public static Task ReadAsync(this DbContext db, string sql, object[] args, Action<NpgsqlDataReader> row, CancellationToken ct) =>
        new RawReads().Add(sql, args, row).RunAsync(db, ct);
}

/// <summary>
/// Several raw reads sent to the database in one round trip (an <see cref="NpgsqlBatch"/>) on the context's own
/// connection and transaction; each read's rows go to its own handler, in the order the reads were added.
/// </summary>
public sealed class RawReads
{
    private readonly List<(string Sql, object[] Args, Action<NpgsqlDataReader> Row)> _reads = [];

    /// <summary>Adds <paramref name="sql"/> ($1, $2... bound to <paramref name="args"/>), whose rows go to <paramref name="row"/>.</summary>
    public RawReads Add(string sql, object[] args, Action<NpgsqlDataReader> row)
    {
        _reads.Add((sql, args, row));
        return this;
    }

    public async Task RunAsync(DbContext db, CancellationToken ct)
    {
        if (_reads.Count == 0) return;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection())
            {
                Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
            };
            foreach (var (sql, args, _) in _reads)
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach (var a in args) command.Parameters.Add(new NpgsqlParameter { Value = a });
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(ct);
            foreach (var (_, _, row) in _reads)
            {
                while (await reader.ReadAsync(ct)) row(reader);
                await reader.NextResultAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
