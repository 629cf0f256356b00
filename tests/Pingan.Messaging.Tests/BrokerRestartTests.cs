using Pingan.Testing;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests;

[CollectionDefinition(nameof(BrokerRestart), DisableParallelization = true)]
public sealed class BrokerRestart;

/// <summary>Restarts the whole broker, so it runs alone (its collection is not parallelised).</summary>
[Collection(nameof(BrokerRestart))]
public sealed class BrokerRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly IsolatedDatabase _db = new();
    private readonly IsolatedVirtualHost _vhost = new();

    public Task InitializeAsync() => Task.WhenAll(_db.InitializeAsync(), _vhost.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _vhost.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Delivery_resumes_by_itself_after_a_broker_restart_and_nothing_is_lost()
    {
        var consumerDb = await _db.CreateSiblingAsync("consumer");
        using var consumer = await TestService.StartAsync(consumerDb, _vhost.AmqpUri, output, consumer: true);
        using var publisher = await TestService.StartAsync(_db.ConnectionString, _vhost.AmqpUri, output);

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
        await _vhost.RestartBrokerAsync(TimeSpan.FromSeconds(2));
        var afterRestart = await consumer.TallyAsync("410201");
        await producer;

        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410201") == total, TimeSpan.FromSeconds(90),
            $"all {total} cases after the restart");
        Assert.True(afterRestart < total, "the restart happened mid-stream");
        Assert.All(await publisher.OutboxAsync(), m => Assert.NotNull(m.DispatchedAt));
    }
}
