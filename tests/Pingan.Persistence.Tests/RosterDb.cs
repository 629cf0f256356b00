using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pingan.Persistence.Tests;

/// <summary>A small service database, with real migrations, to hold the shared conventions to account.</summary>
public sealed class RosterDb(DbContextOptions<RosterDb> options) : PinganDbContext(options)
{
    public DbSet<LeaderRecord> Leaders => Set<LeaderRecord>();
}

public sealed class LeaderRecord : IVersioned
{
    public Guid Id { get; set; }
    public required string FullName { get; set; }
    public DateTimeOffset AppointedAt { get; set; }
    public DateTime? RecordedAt { get; set; }
    public uint Version { get; set; }
}

/// <summary>For `dotnet ef migrations add`: the conventions must be the ones the services run with.</summary>
public sealed class RosterDbDesignTimeFactory : IDesignTimeDbContextFactory<RosterDb>
{
    public RosterDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RosterDb>().UsePinganPostgres("Host=localhost").Options);
}
