using Npgsql;
using Xunit;

namespace Pingan.Testing;

/// <summary>A fresh, empty PostgreSQL database for one test class, dropped afterwards.</summary>
public sealed class IsolatedDatabase : IAsyncLifetime
{
    private string? _admin;

    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString { get; private set; } = "";

    /// <summary>The server-level connection string (no database), for a service that names its own.</summary>
    public string ServerConnectionString => _admin ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync()
    {
        var endpoints = await TestInfrastructure.GetAsync();
        _admin = endpoints.PostgresAdmin;
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", conn)) await cmd.ExecuteNonQueryAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name, IncludeErrorDetail = true }.ConnectionString;
    }

    /// <summary>Another fresh database on the same server, dropped with this one (two services, two databases).</summary>
    /// <summary>
    /// Waits until <paramref name="count"/> sessions of this database wait for a lock: with a lock the test holds
    /// itself, it establishes that several calls are in flight at once instead of hoping they overlap.
    /// </summary>
    /// <param name="statement">
    /// Counts only the waits of statements containing this text (e.g. "FROM letters WHERE id"): a background sweep
    /// that happens to wait on the same row (an insert checking its foreign key) is not one of the calls a test started.
    /// </param>
    public async Task WaitForLockWaitersAsync(int count, string statement = "")
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await Eventually.HoldsAsync(async () =>
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0", connection)
                { Parameters = { new() { Value = statement } } };
            return (long)(await command.ExecuteScalarAsync())! >= count;
        }, TimeSpan.FromSeconds(30), $"{count} calls waiting for a lock{(statement.Length > 0 ? $" in '{statement}'" : "")}");
    }

    public async Task<string> CreateSiblingAsync(string suffix)
    {
        var name = $"{Name}_{suffix}";
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn)) await cmd.ExecuteNonQueryAsync();
        _siblings.Add(name);
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, IncludeErrorDetail = true }.ConnectionString;
    }

    private readonly List<string> _siblings = [];

    public async Task DisposeAsync()
    {
        if (_admin is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        foreach (var name in _siblings.Append(Name))
        {
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
