using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Pingan.Benchmarks;

/// <summary>
/// The baseline: RabbitMQ.Client alone, persistent messages published with confirms (awaited per batch,
/// the client's recommended way to go fast) into a durable queue, consumed with acks on another connection.
/// </summary>
internal static class RawRabbitBaseline
{
    public static async Task<double> RunAsync(string amqpUri, int messages, int batch)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri) };
        await using var pubConn = await factory.CreateConnectionAsync("bench-raw-publisher");
        await using var conConn = await factory.CreateConnectionAsync("bench-raw-consumer");
        await using var pub = await pubConn.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var con = await conConn.CreateChannelAsync();
        const string queue = "bench-raw";
        await pub.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await pub.QueuePurgeAsync(queue);
        await con.BasicQosAsync(0, 256, false);

        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(con);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            await con.BasicAckAsync(ea.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == messages) done.TrySetResult();
        };
        await con.BasicConsumeAsync(queue, autoAck: false, consumer);

        var body = new byte[200];
        Random.Shared.NextBytes(body);
        var props = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var clock = Stopwatch.StartNew();
        var pending = new List<ValueTask>(batch);
        for (var i = 0; i < messages; i++)
        {
            pending.Add(pub.BasicPublishAsync("", queue, mandatory: false, props, body));
            if (pending.Count == batch)
            {
                foreach (var p in pending) await p;
                pending.Clear();
            }
        }
        foreach (var p in pending) await p;
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        clock.Stop();
        await pub.QueueDeleteAsync(queue);
        return messages / clock.Elapsed.TotalSeconds;
    }
}
