using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Pingan.Persistence;

/// <summary>An entity whose updates are checked against PostgreSQL's <c>xmin</c> row version.</summary>
public interface IVersioned
{
    uint Version { get; set; }
}

/// <summary>
/// Base of every service's DbContext: the conventions of docs/adr/0004 in one place. Table and column
/// names are snake_case (set by <see cref="PersistenceServiceCollectionExtensions.AddPinganDbContext{TDb}"/>),
/// every instant is stored as UTC <c>timestamptz</c>, and entities that implement <see cref="IVersioned"/>
/// get optimistic concurrency on <c>xmin</c>.
/// </summary>
public abstract class PinganDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Npgsql refuses a non-zero offset for timestamptz; callers in Beijing time should not have to care.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(IVersioned).IsAssignableFrom(entity.ClrType) && entity.BaseType is null)
                modelBuilder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsRowVersion();
        }
    }
}

internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    v => v.ToUniversalTime(), v => v.ToUniversalTime());

/// <summary>A <see cref="DateTime"/> of unspecified kind is refused: it is the classic source of eight-hour errors.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => ToUtc(v), v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
{
    private static DateTime ToUtc(DateTime v) => v.Kind switch
    {
        DateTimeKind.Utc => v,
        DateTimeKind.Local => v.ToUniversalTime(),
        _ => throw new ArgumentException($"DateTime {v:O} has no kind; store instants as UTC or DateTimeOffset."),
    };
}
