using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Pingan.Persistence;

/// <summary>One demo data set a seed step has loaded into this database, and which version of it (issue 19).</summary>
public sealed class DemoDataSet
{
    public required string Name { get; set; }
    public int Version { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    /// <summary>What the load did, in a line (created, skipped because the data moved on, ...).</summary>
    public string Summary { get; set; } = "";
}

/// <summary>How a demo data set is to be loaded this time.</summary>
public enum DemoLoad
{
    /// <summary>Never recorded. The loader still adds only what is missing (a database may hold the data from before
    /// the ledger existed); a broken row fails the step only when none of the set was there, since then it is a bug.</summary>
    First,
    /// <summary>An older version was loaded, or data was there before the ledger: add only what is missing, never
    /// overwrite, and report (not fail on) a row that contradicts what the user changed since.</summary>
    MissingOnly,
}

/// <summary>
/// The record of which demo data sets a service's seed step has loaded (table <c>demo_data_sets</c>), so that
/// <c>./platform up</c> loads each once and never fights the user's later changes: a set already loaded at its
/// current version is skipped, a newer version adds only what is missing, and nothing here ever fails a start
/// because the data moved on.
/// </summary>
public sealed class DemoDataLedger(DbContext db, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Loads <paramref name="name"/> at <paramref name="version"/> unless that version (or a later one) is recorded.
    /// <paramref name="load"/> gets how to load and answers the summary line recorded with the set.
    /// </summary>
    public async Task<bool> LoadOnceAsync(string name, int version, Func<DemoLoad, CancellationToken, Task<string>> load, CancellationToken ct)
    {
        var known = await db.Set<DemoDataSet>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (known is not null && known.Version >= version)
        {
            logger.LogInformation("Demo data set {Name} v{Version} was loaded on {LoadedAt:yyyy-MM-dd HH:mm} UTC ({Summary}): skipped",
                name, known.Version, known.LoadedAt, known.Summary);
            return false;
        }
        var how = known is null ? DemoLoad.First : DemoLoad.MissingOnly;
        if (known is not null)
            logger.LogInformation("Demo data set {Name}: v{Old} was loaded on {LoadedAt:yyyy-MM-dd}; applying v{Version}, adding only what is missing",
                name, known.Version, known.LoadedAt, version);
        var summary = await load(how, ct);
        db.ChangeTracker.Clear();
        var row = await db.Set<DemoDataSet>().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (row is null) db.Add(row = new DemoDataSet { Name = name });
        row.Version = version;
        row.LoadedAt = time.GetUtcNow();
        row.Summary = summary.Length > 500 ? summary[..500] : summary;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Demo data set {Name} v{Version} loaded: {Summary}", name, version, summary);
        return true;
    }
}

public static class DemoDataLedgerModel
{
    /// <summary>The <c>demo_data_sets</c> table of a service whose seed step loads demo data.</summary>
    public static ModelBuilder AddDemoDataLedger(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DemoDataSet>(e =>
        {
            e.ToTable("demo_data_sets");
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasMaxLength(64);
            e.Property(s => s.Summary).HasMaxLength(500);
        });
        return modelBuilder;
    }
}
