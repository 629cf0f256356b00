using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Pingan.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDb"/> on PostgreSQL with the shared conventions, a readiness check,
    /// and the migrate step. The connection string is <c>ConnectionStrings:{database}</c>, or else the
    /// server-level <c>ConnectionStrings:postgres</c> with <c>Database={database}</c>: each service owns
    /// its database (docs/adr/0004).
    /// </summary>
    public static IHostApplicationBuilder AddPinganDbContext<TDb>(this IHostApplicationBuilder builder, string database)
        where TDb : DbContext
    {
        var connectionString = ResolveConnectionString(builder.Configuration, database);
        // Pooled: a consumer or request rents a context instead of building one, which matters at thousands a second.
        builder.Services.AddDbContextPool<TDb>((sp, options) =>
        {
            options.UsePinganPostgres(connectionString)
                // Interceptors other building blocks contribute (the outbox signal, for one).
                .AddInterceptors(sp.GetServices<IInterceptor>());
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TDb>($"db-{database}", tags: ["ready"]);
        builder.Services.AddSingleton<IDatabaseMigrator, DatabaseMigrator<TDb>>();
        return builder;
    }

    /// <summary>Npgsql with the shared conventions; design-time factories use it too, so migrations match the running model.</summary>
    public static DbContextOptionsBuilder UsePinganPostgres(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder<TDb> UsePinganPostgres<TDb>(this DbContextOptionsBuilder<TDb> options, string connectionString)
        where TDb : DbContext => (DbContextOptionsBuilder<TDb>)((DbContextOptionsBuilder)options).UsePinganPostgres(connectionString);

    public static string ResolveConnectionString(IConfiguration configuration, string database)
    {
        var own = configuration.GetConnectionString(database);
        if (!string.IsNullOrWhiteSpace(own)) return own;
        var server = configuration.GetConnectionString("postgres")
            ?? throw new InvalidOperationException(
                $"No connection string: set ConnectionStrings:{database} or ConnectionStrings:postgres.");
        return new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }
}
