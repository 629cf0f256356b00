using Npgsql;

namespace Pingan.Testing;

/// <summary>Statements a test runs on a database (the test's own or a sibling's), as an operator's psql would.</summary>
public static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, values);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The single number a query answers (a count); <paramref name="values"/> are its $1, $2…</summary>
    public static async Task<long> ScalarAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, values);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The single text a query answers (a summary of counts, a name); <paramref name="values"/> are its $1, $2…</summary>
    public static async Task<string> TextAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(sql, connection, values);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
