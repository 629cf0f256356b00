using Pingan.Testing;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests;

[CollectionDefinition(nameof(BrokerRestart), DisableParallelization = true)]
public sealed class BrokerRestart;

/// <summary>Restarts the whole broker, so it runs alone (its collection is not parallelised).</summary>
[Collection(nameof(BrokerRestart))]
public sealed class BrokerRestartTests(ITestOutputHelper output) : InfrastructureTest
{

    [Fact]
    public async Task Delivery_resumes_by_itself_after_a_broker_restart_and_nothing_is_lost()
    {
        var consumerDb = await Database.CreateSiblingAsync("consumer");
        using var consumer = await TestService.StartAsync(consumerDb, VirtualHost.AmqpUri, output, consumer: true);
        using var publisher = await TestService.StartAsync(Database.ConnectionString, VirtualHost.AmqpUri, output);

        const int total = 150;
        var produced = 0;
        using var stop = new CancellationTokenSource();
        // Events keep being committed before, during and after the outage.
        var producer = Task.Run(async () =>
        {
            for (; produced < total; produced++)
            {
                await publisher.OpenCaseAsync("410201");
                await Task.Delay(40);
            }
        });

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410201") >= 20, TimeSpan.FromSeconds(30), "traffic before the restart");
        await VirtualHost.RestartBrokerAsync(TimeSpan.FromSeconds(2));
        var afterRestart = await consumer.TallyAsync("410201");
        await producer;

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410201") == total, TimeSpan.FromSeconds(90),
            $"all {total} cases after the restart");
        Assert.True(afterRestart < total, "the restart happened mid-stream");
        Assert.All(await publisher.OutboxAsync(), m => Assert.NotNull(m.DispatchedAt));
    }
}
