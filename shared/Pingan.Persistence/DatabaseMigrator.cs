using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pingan.Persistence;

/// <summary>Applies a service's migrations: run once, as a step before the service starts (docs/adr/0004).</summary>
public interface IDatabaseMigrator
{
    string Name { get; }
    Task MigrateAsync(CancellationToken cancellationToken);
}

internal sealed class DatabaseMigrator<TDb>(IServiceScopeFactory scopes, ILogger<DatabaseMigrator<TDb>> logger)
    : IDatabaseMigrator where TDb : DbContext
{
    public string Name => typeof(TDb).Name;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        logger.LogInformation("Migrating {Context}: {Count} pending migration(s) {Migrations}", Name, pending.Count, pending);
        // EF Core takes a database lock while it migrates, so two migrate steps started at once
        // (a re-run job beside a slow one) apply each migration once.
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Migrated {Context}", Name);
    }
}
