using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pingan.Messaging.Tests.Contracts;
using Pingan.Testing;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests;

/// <summary>The batch inbox keeps the single-message guarantees: once per id, and a poison message goes to the error queue alone.</summary>
public sealed class BatchInboxTests(ITestOutputHelper output) : InfrastructureTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private Task<IHost> ConsumerAsync(DeliveryLog log, int retryLimit = 2) =>
        TestService.StartAsync(Database.ConnectionString, VirtualHost.AmqpUri, output, batchConsumer: true, retryLimit: retryLimit, log: log);

    [Fact]
    public async Task The_same_message_id_in_one_batch_and_across_batches_changes_state_once()
    {
        var log = new DeliveryLog();
        using var consumer = await ConsumerAsync(log);
        var bus = consumer.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        var message = new CaseOpened(Guid.NewGuid(), "410303", DateTimeOffset.UtcNow);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bus.Publish(message, ctx => ctx.MessageId = messageId)));
        await Task.Delay(200);
        await bus.Publish(message, ctx => ctx.MessageId = messageId);
        await bus.Publish(new CaseOpened(Guid.NewGuid(), "marker", DateTimeOffset.UtcNow));
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("marker") == 1, Wait, "the marker");
        await Task.Delay(300);

        Assert.Equal(1, await consumer.TallyAsync("410303"));
    }

    /// <summary>
    /// Issue 12: a database blip is waited out. The message fails transiently for more attempts than a poison
    /// message gets; each retry waits longer; once the database is back it is applied, once, and nothing went to
    /// the error queue.
    /// </summary>
    [Fact]
    public async Task A_transient_fault_is_retried_with_growing_delays_past_the_poison_limit_and_never_filed_as_poison_Issue12()
    {
        var log = new DeliveryLog { DatabaseAway = true };
        using var consumer = await ConsumerAsync(log, retryLimit: 2);
        using var publisher = await TestService.StartAsync((await Database.CreateSiblingAsync("publisher")), VirtualHost.AmqpUri, output);
        await publisher.OpenCaseAsync("flaky");

        // Established, not hoped for: more failed attempts than a poison message is allowed.
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref log.FlakyAttempts) >= 4), Wait, "four transient failures");
        log.DatabaseAway = false;
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("flaky") == 1, Wait, "the message applied once the database is back");
        Assert.Equal(0u, await VirtualHost.CountMessagesAsync("test-case-opened-batch_error"));
        Assert.Equal(1, await consumer.TallyAsync("flaky"));
    }

    [Fact]
    public void The_delay_before_a_retry_doubles_from_the_minimum_up_to_the_maximum()
    {
        var (min, max) = (TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        Assert.Equal([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000], Enumerable.Range(1, 8).Select(a => TransientFaults.Delay(a, min, max).TotalMilliseconds));
        Assert.True(TransientFaults.IsTransient(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(TransientFaults.IsTransient(new InvalidOperationException("this message can never be applied")));
    }

    [Fact]
    public async Task A_poison_message_in_a_batch_goes_to_the_error_queue_alone_and_the_rest_is_applied_once()
    {
        var log = new DeliveryLog();
        using var consumer = await ConsumerAsync(log, retryLimit: 2);
        using var publisher = await TestService.StartAsync((await Database.CreateSiblingAsync("publisher")), VirtualHost.AmqpUri, output);

        for (var i = 0; i < 10; i++) await publisher.OpenCaseAsync("healthy");
        await publisher.OpenCaseAsync("poison");
        for (var i = 0; i < 10; i++) await publisher.OpenCaseAsync("healthy");

        const string errorQueue = "test-case-opened-batch_error";
        await Eventually.HoldsAsync(async () => await VirtualHost.CountMessagesAsync(errorQueue) == 1, Wait, "the poison message in " + errorQueue);
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("healthy") == 20, Wait, "the 20 healthy messages");
        await Task.Delay(300);
        Assert.Equal(20, await consumer.TallyAsync("healthy"));
        Assert.Equal(1u, await VirtualHost.CountMessagesAsync(errorQueue));
        Assert.True(log.PoisonAttempts >= 3, $"tried {log.PoisonAttempts} times"); // the first attempt and two retries at least
        Assert.Equal(0, await consumer.TallyAsync("poison"));
    }
}
