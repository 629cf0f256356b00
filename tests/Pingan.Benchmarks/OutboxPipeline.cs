using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pingan.Persistence;

namespace Pingan.Benchmarks.Contracts
{
    public sealed record BenchEvent(Guid Id, string Unit, string Payload, DateTimeOffset CommittedAt);
}

namespace Pingan.Benchmarks
{
    using Pingan.Benchmarks.Contracts;
    using Pingan.Messaging;

    public sealed class BenchDb(DbContextOptions<BenchDb> options) : PinganDbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.AddTransactionalMessaging();
            base.OnModelCreating(modelBuilder);
        }
    }

    public sealed class Recorder
    {
        public int Applied;
        public ConcurrentQueue<double> LatenciesMs { get; } = new();
        public volatile bool RecordLatency;
    }

    /// <summary>The measured consumer: the shared batch inbox (one row per message id, a transaction per batch) and nothing else.</summary>
    public sealed class BenchConsumer(BenchDb db, Recorder recorder) : IdempotentBatchConsumer<BenchEvent, BenchDb>(db)
    {
        protected override Task HandleAsync(ConsumeContext<BenchEvent> context)
        {
            if (recorder.RecordLatency)
                recorder.LatenciesMs.Enqueue((DateTimeOffset.UtcNow - context.Message.CommittedAt).TotalMilliseconds);
            Interlocked.Increment(ref recorder.Applied);
            return Task.CompletedTask;
        }
    }

    internal sealed class OutboxPipeline(string postgres, string amqp)
    {
        private static readonly string Payload = new('x', 160);

        public async Task<IHost> StartAsync(string database, bool dispatcher, bool consumer, Recorder recorder)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "Pingan.Benchmarks" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:postgres"] = postgres,
                ["ConnectionStrings:rabbitmq"] = amqp,
                ["Messaging:EndpointPrefix"] = "bench",
                ["Messaging:Outbox:DispatcherEnabled"] = dispatcher.ToString(),
            });
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton(recorder);
            builder.AddPinganDbContext<BenchDb>(database);
            builder.AddPinganMessaging<BenchDb>(bus =>
            {
                if (consumer) bus.AddIdempotentBatchConsumer<BenchConsumer>();
            });
            var host = builder.Build();
            await host.StartAsync();
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            return host;
        }

        public async Task RecreateAsync(string database)
        {
            await using var conn = new NpgsqlConnection(postgres);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn).ExecuteNonQueryAsync();
            var options = new DbContextOptionsBuilder<BenchDb>()
                .UsePinganPostgres(new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString).Options;
            await using var db = new BenchDb(options);
            await db.Database.EnsureCreatedAsync();
        }

        /// <summary>Commits <paramref name="count"/> events in transactions of <paramref name="perTransaction"/>.</summary>
        public static async Task CommitAsync(IHost host, int count, int perTransaction)
        {
            for (var done = 0; done < count;)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BenchDb>();
                var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
                var n = Math.Min(perTransaction, count - done);
                for (var i = 0; i < n; i++) outbox.Enqueue(new BenchEvent(Guid.NewGuid(), "410000000000", Payload, DateTimeOffset.UtcNow));
                await db.SaveChangesAsync();
                done += n;
            }
        }

        /// <summary>One event per transaction, as a service commits them, paced at <paramref name="rate"/> per second.</summary>
        public static async Task<double> CommitPacedAsync(IHost host, double rate, TimeSpan duration, int workers)
        {
            var total = (int)(rate * duration.TotalSeconds);
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < total)
                {
                    var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due);
                    await using var scope = host.Services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<BenchDb>();
                    scope.ServiceProvider.GetRequiredService<IOutbox>()
                        .Enqueue(new BenchEvent(Guid.NewGuid(), "410000000000", Payload, DateTimeOffset.UtcNow));
                    await db.SaveChangesAsync();
                }
            }));
            return total / clock.Elapsed.TotalSeconds;
        }
    }
}
