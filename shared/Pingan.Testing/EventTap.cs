using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Pingan.Testing;

/// <summary>
/// Listens on the broker, as another service would, to the integration events of the given types: a queue of
/// its own bound to the exchange MassTransit names after each type ("Namespace:TypeName").
/// </summary>
public sealed class EventTap : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<(string Type, JsonElement Message, Guid MessageId, long? Sequence)> _received = new();

    private EventTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<EventTap> StartAsync(string amqpUri, params Type[] eventTypes)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var tap = new EventTap(connection, channel);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var type in eventTypes)
        {
            var exchange = $"{type.Namespace}:{type.Name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var envelope = JsonDocument.Parse(delivery.Body).RootElement;
            var urn = envelope.GetProperty("messageType")[0].GetString() ?? "";
            // The producer's sequence travels as a header (ADR 0012).
            long? sequence = envelope.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Pingan-Sequence", out var s) ? s.GetInt64() : null;
            tap._received.Enqueue((urn[(urn.LastIndexOf(':') + 1)..], envelope.GetProperty("message").Clone(),
                Guid.Parse(envelope.GetProperty("messageId").GetString()!), sequence));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return tap;
    }

    /// <summary>Every event of type <typeparamref name="T"/> received so far.</summary>
    public IReadOnlyList<T> Received<T>() =>
        [.. _received.Where(r => r.Type == typeof(T).Name).Select(r => r.Message.Deserialize<T>(Json)!)];

    /// <summary>Every event of type <typeparamref name="T"/> received so far, with its envelope's message id and producer's sequence.</summary>
    public IReadOnlyList<(T Message, Guid MessageId, long? Sequence)> Envelopes<T>() =>
        [.. _received.Where(r => r.Type == typeof(T).Name).Select(r => (r.Message.Deserialize<T>(Json)!, r.MessageId, r.Sequence))];

    /// <summary>Waits until an event of type <typeparamref name="T"/> matching <paramref name="match"/> arrives.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (Received<T>().FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No {typeof(T).Name} matching the test arrived within the timeout; received {_received.Count} event(s).");
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
