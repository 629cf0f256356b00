using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pingan.Persistence;
using Pingan.Testing;
using Pingan.Messaging.Tests.Contracts;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests.Contracts
{
    /// <summary>A test-only integration event: a sanction case was opened for a unit.</summary>
    public sealed record CaseOpened(Guid CaseId, string Unit, DateTimeOffset CommittedAt);
}

namespace Pingan.Messaging.Tests
{
    /// <summary>A small service's own database: its state, plus the outbox and inbox tables.</summary>
    public sealed class TestDb(DbContextOptions<TestDb> options) : PinganDbContext(options)
    {
        public DbSet<SanctionCase> Cases => Set<SanctionCase>();
        public DbSet<UnitTally> Tallies => Set<UnitTally>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<SanctionCase>().HasKey(c => c.Id);
            modelBuilder.Entity<UnitTally>().ToTable("unit_tallies").HasKey(t => t.Unit);
            modelBuilder.AddTransactionalMessaging();
            base.OnModelCreating(modelBuilder);
        }
    }

    public sealed class SanctionCase
    {
        public Guid Id { get; set; }
        public required string Unit { get; set; }
    }

    /// <summary>The consumer's state: how many cases it has applied per unit. Applying one twice shows as 2.</summary>
    public sealed class UnitTally
    {
        public required string Unit { get; set; }
        public int Cases { get; set; }
    }

    /// <summary>What the tests observe from outside the database: every delivery, before any inbox check.</summary>
    public sealed class DeliveryLog
    {
        public ConcurrentDictionary<Guid, int> ByMessageId { get; } = new();
        public ConcurrentDictionary<string, byte> Sources { get; } = new();
        public ConcurrentBag<TimeSpan> Latencies { get; } = [];
        public int PoisonAttempts;

        /// <summary>While set, a case for the unit "flaky" fails as if the database were briefly away.</summary>
        public volatile bool DatabaseAway;
        public int FlakyAttempts;
    }

    internal static class CaseTally
    {
        /// <summary>Counts the case for its unit; a case for the unit "poison" always fails.</summary>
        public static async Task ApplyAsync(TestDb db, DeliveryLog log, ConsumeContext<CaseOpened> context)
        {
            if (context.Message.Unit == "poison")
            {
                Interlocked.Increment(ref log.PoisonAttempts);
                throw new InvalidOperationException("this message can never be applied");
            }
            if (context.Message.Unit == "flaky" && log.DatabaseAway)
            {
                Interlocked.Increment(ref log.FlakyAttempts);
                throw new TimeoutException("the database did not answer (simulated blip)");
            }
            // An atomic upsert: concurrent consumers of one unit must neither collide nor lose a count.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO unit_tallies (unit, cases) VALUES ({context.Message.Unit}, 1) ON CONFLICT (unit) DO UPDATE SET cases = unit_tallies.cases + 1",
                context.CancellationToken);
        }
    }

    /// <summary>The inbox consumer under test. A case for the unit "poison" always fails.</summary>
    public sealed class CaseOpenedConsumer(TestDb db, DeliveryLog log) : IdempotentConsumer<CaseOpened, TestDb>(db)
    {
        protected override Task HandleAsync(ConsumeContext<CaseOpened> context) => CaseTally.ApplyAsync(Db, log, context);
    }

    /// <summary>The same consumer on the batch inbox.</summary>
    public sealed class CaseOpenedBatchConsumer(TestDb db, DeliveryLog log) : IdempotentBatchConsumer<CaseOpened, TestDb>(db)
    {
        protected override Task HandleAsync(ConsumeContext<CaseOpened> context) => CaseTally.ApplyAsync(Db, log, context);
    }

    /// <summary>Counts raw deliveries, so a duplicate the inbox would hide is still seen.</summary>
    public sealed class DeliveryRecorder(DeliveryLog log) : IConsumer<CaseOpened>
    {
        public Task Consume(ConsumeContext<CaseOpened> context)
        {
            log.ByMessageId.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
            if (context.SourceAddress is { } source) log.Sources.TryAdd(source.ToString(), 0);
            return Task.CompletedTask;
        }
    }

    /// <summary>Builds a real host (PostgreSQL + RabbitMQ) around the shared messaging building block.</summary>
    public static class TestService
    {
        public static async Task<IHost> StartAsync(
            string connectionString,
            string amqpUri,
            ITestOutputHelper? output,
            bool consumer = false,
            bool recorder = false,
            bool dispatcher = true,
            int retryLimit = 2,
            int batchSize = 200,
            DeliveryLog? log = null,
            IDictionary<string, string?>? settings = null,
            bool waitForBus = true,
            bool batchConsumer = false)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test", ApplicationName = "Pingan.Tests" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:testdb"] = connectionString,
                ["ConnectionStrings:rabbitmq"] = amqpUri,
                ["Messaging:EndpointPrefix"] = "test",
                ["Messaging:RetryLimit"] = retryLimit.ToString(),
                ["Messaging:RetryMinInterval"] = "00:00:00.050",
                ["Messaging:RetryMaxInterval"] = "00:00:00.200",
                ["Messaging:Outbox:DispatcherEnabled"] = dispatcher.ToString(),
                ["Messaging:Outbox:BatchSize"] = batchSize.ToString(),
                ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
                ["Messaging:Outbox:PublishTimeout"] = "00:00:03",
                ["Messaging:Outbox:RetryBaseDelay"] = "00:00:00.100",
                ["Messaging:Outbox:RetryMaxDelay"] = "00:00:01",
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            if (output is not null) builder.Logging.AddProvider(new XunitLoggerProvider(output, LogLevel.Warning));
            builder.Services.AddSingleton(log ?? new DeliveryLog());
            builder.AddPinganDbContext<TestDb>("testdb");
            builder.AddPinganMessaging<TestDb>(bus =>
            {
                if (consumer) bus.AddConsumer<CaseOpenedConsumer>();
                if (batchConsumer) bus.AddIdempotentBatchConsumer<CaseOpenedBatchConsumer>(messageLimit: 50, timeLimit: TimeSpan.FromMilliseconds(50));
                if (recorder) bus.AddConsumer<DeliveryRecorder>();
            });
            var host = builder.Build();
            await using (var scope = host.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<TestDb>().Database.EnsureCreatedAsync();
            await host.StartAsync();
            // Wait until the bus is connected and its queues are bound, so nothing published is lost to an unbound exchange.
            if (waitForBus) await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            return host;
        }

        /// <summary>Opens a case and puts its event in the outbox, in one transaction, the way a service does.</summary>
        public static async Task<Guid> OpenCaseAsync(this IHost host, string unit)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var id = Guid.NewGuid();
            db.Cases.Add(new SanctionCase { Id = id, Unit = unit });
            var messageId = outbox.Enqueue(new CaseOpened(id, unit, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            return messageId;
        }

        public static async Task<int> TallyAsync(this IHost host, string unit)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            return (await db.Tallies.AsNoTracking().FirstOrDefaultAsync(t => t.Unit == unit))?.Cases ?? 0;
        }

        public static async Task<List<OutboxMessage>> OutboxAsync(this IHost host)
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TestDb>().Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Sequence).ToListAsync();
        }
    }
}
