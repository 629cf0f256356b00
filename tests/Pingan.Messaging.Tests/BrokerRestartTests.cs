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

        // Events keep being committed before, during and after the outage: the producer runs until the restart
        // has been observed and 20 more events followed it, however slow the machine (issue 19: established, not hoped for).
        const int afterwards = 20;
        var produced = 0;
        var restarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = Task.Run(async () =>
        {
            while (!restarted.Task.IsCompleted || produced < await restarted.Task + afterwards)
            {
                await publisher.OpenCaseAsync("410201");
                produced++;
                await Task.Delay(40);
            }
        });

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410201") >= 20, TimeSpan.FromSeconds(30), "traffic before the restart");
        await VirtualHost.RestartBrokerAsync(TimeSpan.FromSeconds(2));
        restarted.SetResult(Volatile.Read(ref produced));
        await producer.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(produced >= 20 + afterwards);

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410201") == produced, TimeSpan.FromSeconds(90),
            $"all {produced} cases after the restart, each once");
        Assert.All(await publisher.OutboxAsync(), m => Assert.NotNull(m.DispatchedAt));
    }
}
