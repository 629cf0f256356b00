using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pingan.Testing;

namespace Pingan.Persistence.Tests;

/// <summary>The shared EF Core conventions and the migrate step, on a real PostgreSQL database of its own.</summary>
public sealed class ConventionTests : IAsyncLifetime
{
    private readonly IsolatedDatabase _db = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _host = BuildHost(_db.ServerConnectionString, _db.Name);
        await _host.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _db.DisposeAsync();
    }

    /// <summary>A service's host as it is configured in production: only the server connection string and its database name.</summary>
    private static IHost BuildHost(string server, string database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // EF logs its migration-lock probes as errors
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:postgres"] = server });
        builder.AddPinganDbContext<RosterDb>(database);
        return builder.Build();
    }

    private RosterDb NewContext() => _host.Services.CreateScope().ServiceProvider.GetRequiredService<RosterDb>();

    [Fact]
    public async Task Tables_and_columns_are_snake_case()
    {
        var columns = await QueryAsync("SELECT column_name FROM information_schema.columns WHERE table_name = 'leaders' ORDER BY column_name");
        // Version maps onto PostgreSQL's own system column xmin, so it is not a column of the table.
        Assert.Equal(["appointed_at", "full_name", "id", "recorded_at"], columns);
    }

    [Fact]
    public async Task An_instant_given_in_Beijing_time_is_stored_as_the_same_instant_in_UTC()
    {
        var beijing = new DateTimeOffset(2026, 5, 20, 9, 30, 0, TimeSpan.FromHours(8));
        var id = Guid.NewGuid();
        await using (var db = NewContext())
        {
            db.Leaders.Add(new LeaderRecord { Id = id, FullName = "张三", AppointedAt = beijing });
            await db.SaveChangesAsync();
        }
        await using (var db = NewContext())
        {
            var read = await db.Leaders.SingleAsync(l => l.Id == id);
            Assert.Equal(beijing, read.AppointedAt);
            Assert.Equal(TimeSpan.Zero, read.AppointedAt.Offset);
        }
        var raw = await QueryAsync($"SELECT to_char(appointed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM leaders WHERE id = '{id}'");
        Assert.Equal("2026-05-20 01:30", Assert.Single(raw));
    }

    [Fact]
    public async Task A_DateTime_without_a_kind_is_refused_rather_than_shifted_by_eight_hours()
    {
        await using var db = NewContext();
        db.Leaders.Add(new LeaderRecord { Id = Guid.NewGuid(), FullName = "李四", AppointedAt = DateTimeOffset.UtcNow, RecordedAt = new DateTime(2026, 5, 20, 9, 30, 0) });
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());
        Assert.Contains("has no kind", ex.ToString());
        Assert.Empty(await QueryAsync("SELECT full_name FROM leaders WHERE full_name = '李四'"));
    }

    [Fact]
    public async Task Two_people_editing_the_same_record_conflict_on_xmin_instead_of_overwriting()
    {
        var id = Guid.NewGuid();
        await using (var db = NewContext())
        {
            db.Leaders.Add(new LeaderRecord { Id = id, FullName = "王五", AppointedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        await using var first = NewContext();
        await using var second = NewContext();
        var a = await first.Leaders.SingleAsync(l => l.Id == id);
        var b = await second.Leaders.SingleAsync(l => l.Id == id);
        a.FullName = "王五 (first)";
        await first.SaveChangesAsync();
        b.FullName = "王五 (second)";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.Equal(["王五 (first)"], await QueryAsync($"SELECT full_name FROM leaders WHERE id = '{id}'"));
    }

    [Fact]
    public async Task The_migrate_step_creates_the_database_and_two_started_at_once_apply_each_migration_once()
    {
        var database = _db.Name + "_fresh";
        using var one = BuildHost(_db.ServerConnectionString, database);
        using var two = BuildHost(_db.ServerConnectionString, database);
        try
        {
            await Task.WhenAll(
                one.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(CancellationToken.None),
                two.Services.GetRequiredService<IDatabaseMigrator>().MigrateAsync(CancellationToken.None));
            var history = await QueryAsync("SELECT migration_id FROM __ef_migrations_history", database);
            Assert.Single(history, h => h.EndsWith("_Initial"));
            await using var scope = one.Services.CreateAsyncScope();
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<RosterDb>().Database.GetPendingMigrationsAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await QueryAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", "postgres");
        }
    }

    private async Task<List<string>> QueryAsync(string sql, string? database = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(_db.ServerConnectionString) { Database = database ?? _db.Name }.ConnectionString;
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
