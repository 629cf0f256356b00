using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pingan.Messaging.Tests.Contracts;
using Pingan.Testing;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests;

/// <summary>
/// The guarantees of the outbox and inbox, on the real PostgreSQL and RabbitMQ: a publishing service and
/// a consuming service, each with its own database, on a virtual host of their own.
/// </summary>
public sealed class OutboxInboxTests(ITestOutputHelper output) : InfrastructureTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private string _consumerDb = "";


    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _consumerDb = await Database.CreateSiblingAsync("consumer");
    }

    private Task<IHost> ConsumerAsync(DeliveryLog? log = null, int retryLimit = 2, bool recorder = false) =>
        TestService.StartAsync(_consumerDb, VirtualHost.AmqpUri, output, consumer: true, recorder: recorder, retryLimit: retryLimit, log: log);

    private Task<IHost> PublisherAsync(bool dispatcher = true, int batchSize = 200, string? amqp = null) =>
        TestService.StartAsync(Database.ConnectionString, amqp ?? VirtualHost.AmqpUri, output, dispatcher: dispatcher, batchSize: batchSize);

    /// <summary>
    /// Issue 12: an event published where no queue is bound (no consumer has started yet) is not lost unseen: the
    /// broker returns it, the outbox counts it in pingan_outbox_unrouted by type, and marks it done rather than
    /// retrying it for ever.
    /// </summary>
    [Fact]
    public async Task An_event_nobody_is_bound_to_receive_is_counted_as_unrouted_and_not_retried_Issue12()
    {
        long unrouted = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Pingan.Messaging" && instrument.Name == "pingan_outbox_unrouted") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "message_type" && (tag.Value as string)?.Contains(nameof(CaseOpened)) == true) Interlocked.Add(ref unrouted, value);
        });
        listener.Start();

        using var publisher = await PublisherAsync();
        await publisher.OpenCaseAsync("410102");
        await Eventually.HoldsAsync(async () => (await publisher.OutboxAsync()).Single().DispatchedAt is not null, Wait, "the event marked dispatched");
        Assert.True(Interlocked.Read(ref unrouted) >= 1, "the unrouted event is counted");
        var row = (await publisher.OutboxAsync()).Single();
        Assert.Equal((1, null), (row.Attempts, row.LastError)); // published once, never failed and retried
    }

    [Fact]
    public async Task An_event_committed_with_its_change_is_delivered_after_the_process_died_before_dispatching()
    {
        using var consumer = await ConsumerAsync();

        // First process: commits the case and its event, and is gone before its dispatcher ever ran.
        var first = await PublisherAsync(dispatcher: false);
        await first.OpenCaseAsync("410102");
        await first.StopAsync();
        first.Dispose();

        // Restart: the new process finds the committed row and delivers it.
        using var second = await PublisherAsync();
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410102") == 1, Wait, "the case to reach the consumer");
        var row = Assert.Single(await second.OutboxAsync());
        Assert.NotNull(row.DispatchedAt);
    }

    [Fact]
    public async Task A_rolled_back_transaction_publishes_nothing()
    {
        using var consumer = await ConsumerAsync();
        using var publisher = await PublisherAsync();

        await using (var scope = publisher.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Cases.Add(new SanctionCase { Id = Guid.NewGuid(), Unit = "rolled-back" });
            outbox.Enqueue(new CaseOpened(Guid.NewGuid(), "rolled-back", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        // A later, committed event arrives; by then the rolled-back one would have too.
        await publisher.OpenCaseAsync("marker");
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("marker") == 1, Wait, "the marker event");

        Assert.Equal(0, await consumer.TallyAsync("rolled-back"));
        Assert.DoesNotContain(await publisher.OutboxAsync(), m => m.Body.Contains("rolled-back"));
    }

    [Fact]
    public async Task The_same_message_id_delivered_twice_changes_state_once()
    {
        var log = new DeliveryLog();
        using var consumer = await ConsumerAsync(log, recorder: true);
        var bus = consumer.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        var message = new CaseOpened(Guid.NewGuid(), "410303", DateTimeOffset.UtcNow);

        // A redelivery, and two copies racing each other.
        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await Task.WhenAll(
            bus.Publish(message, ctx => ctx.MessageId = messageId),
            bus.Publish(message, ctx => ctx.MessageId = messageId));
        await bus.Publish(new CaseOpened(Guid.NewGuid(), "marker", DateTimeOffset.UtcNow));
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("marker") == 1 && log.ByMessageId.GetValueOrDefault(messageId) == 3,
            Wait, "all deliveries");

        Assert.Equal(3, log.ByMessageId[messageId]);
        Assert.Equal(1, await consumer.TallyAsync("410303"));
    }

    [Fact]
    public async Task A_poison_message_ends_in_the_error_queue_after_its_retries_while_later_messages_flow()
    {
        var log = new DeliveryLog();
        using var consumer = await ConsumerAsync(log, retryLimit: 3);
        using var publisher = await PublisherAsync();

        await publisher.OpenCaseAsync("poison");
        for (var i = 0; i < 20; i++) await publisher.OpenCaseAsync("healthy");

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("healthy") == 20, Wait, "the healthy messages behind the poison one");
        const string errorQueue = "test-case-opened_error";
        await Eventually.HoldsAsync(async () => await VirtualHost.CountMessagesAsync(errorQueue) == 1, Wait, "the poison message in " + errorQueue);
        Assert.Equal(4, log.PoisonAttempts); // the first attempt and three retries
        Assert.Equal(0, await consumer.TallyAsync("poison"));
    }

    [Fact]
    public async Task Two_dispatchers_on_one_outbox_deliver_each_message_once()
    {
        var log = new DeliveryLog();
        using var recorder = await TestService.StartAsync(_consumerDb, VirtualHost.AmqpUri, output, recorder: true, log: log);
        using var one = await PublisherAsync(batchSize: 10);
        using var two = await PublisherAsync(batchSize: 10);

        var ids = new List<Guid>();
        for (var i = 0; i < 300; i++) ids.Add(await (i % 2 == 0 ? one : two).OpenCaseAsync("unit-" + i));

        await Eventually.HoldsAsync(() => Task.FromResult(ids.All(log.ByMessageId.ContainsKey)), Wait, "all 300 messages");
        await Task.Delay(500); // a double send would show up by now
        Assert.All(ids, id => Assert.Equal(1, log.ByMessageId[id]));
        Assert.Equal(300, log.ByMessageId.Count);
        Assert.Equal(2, log.Sources.Count); // both dispatchers took part
    }

    [Fact]
    public async Task A_publish_that_fails_keeps_the_row_pending_with_its_error_and_a_later_retry()
    {
        // A broker address where nothing listens.
        var deadBroker = new UriBuilder(VirtualHost.AmqpUri) { Port = 1 }.Uri.ToString();
        using var publisher = await TestService.StartAsync(Database.ConnectionString, deadBroker, output: null, waitForBus: false);

        await publisher.OpenCaseAsync("410105");
        await Eventually.HoldsAsync(async () => (await publisher.OutboxAsync()).Single().Attempts >= 2, Wait, "two failed attempts");

        var row = (await publisher.OutboxAsync()).Single();
        Assert.Null(row.DispatchedAt);
        Assert.NotNull(row.LastError);
        Assert.True(row.NextAttemptAt > row.CreatedAt);
        await publisher.StopAsync();
    }
}
