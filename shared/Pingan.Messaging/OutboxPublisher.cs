using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Pingan.Messaging;

/// <summary>
/// Publishes outbox rows straight through RabbitMQ.Client, in MassTransit's JSON envelope and to the
/// exchange MassTransit's topology names for the message type, so MassTransit consumers receive them as
/// if MassTransit had published them. A batch is written in one go and its confirms awaited together;
/// MassTransit's own publish awaits each confirm in turn and reaches a fraction of the rate
/// (docs/adr/0002 has the figures). The stored JSON body goes into the envelope as it is, unparsed.
/// </summary>
public sealed class OutboxPublisher(BrokerAddress broker, BrokerTls tls, IBus bus, ILogger<OutboxPublisher> logger) : IAsyncDisposable
{
    public const string ContentType = "application/vnd.masstransit+json";
    private static readonly ConcurrentDictionary<Type, (string Exchange, string Urn)> Topology = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _virtualHostAddress = VirtualHostAddress(broker);
    private readonly string _sourceAddress =
        $"{VirtualHostAddress(broker)}/{Environment.MachineName}_{Environment.ProcessId}_outbox_{Guid.NewGuid():N}";
    private IConnection? _connection;
    private IChannel? _channel;
    private readonly HashSet<string> _declared = [];

    /// <summary>Publishes every row and returns, for each, null when the broker confirmed it, else why not.</summary>
    public async Task<Exception?[]> PublishAsync(IReadOnlyList<OutboxMessage> rows, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcomes = new Exception?[rows.Count];
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            IChannel channel;
            try
            {
                channel = await ChannelAsync(deadline.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await ResetAsync();
                Array.Fill(outcomes, ex);
                return outcomes;
            }

            var confirms = new ValueTask[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                try
                {
                    var type = MessageTypes.Resolve(rows[i].MessageType)
                        ?? throw new InvalidOperationException($"Unknown message type {rows[i].MessageType}");
                    var (exchange, urn) = Topology.GetOrAdd(type, TopologyOf);
                    if (!_declared.Contains(exchange))
                    {
                        // The same declaration MassTransit makes, so either side may create it first.
                        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: deadline.Token);
                        _declared.Add(exchange);
                    }
                    var props = new BasicProperties
                    {
                        MessageId = rows[i].MessageId.ToString(),
                        ContentType = ContentType,
                        Persistent = true,
                        Headers = new Dictionary<string, object?> { ["Content-Type"] = ContentType },
                    };
                    if (rows[i].TraceParent is { } traceParent) props.Headers["traceparent"] = traceParent;
                    // Mandatory (issue 12): an event no queue is bound to comes back, and is counted rather than lost unseen.
                    confirms[i] = channel.BasicPublishAsync(exchange, "", mandatory: true, props, Envelope(rows[i], urn, exchange), deadline.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    outcomes[i] = ex;
                    confirms[i] = ValueTask.CompletedTask;
                }
            }
            var broken = false;
            for (var i = 0; i < rows.Count; i++)
            {
                try
                {
                    await confirms[i];
                }
                catch (RabbitMQ.Client.Exceptions.PublishException returned) when (returned.IsReturn)
                {
                    // Nobody is bound yet: the event is done with (consumers that join later rebuild from the producer's
                    // queries), and the metric says how many went nowhere, by type.
                    MessagingMetrics.Unrouted.Add(1, new KeyValuePair<string, object?>("message_type", rows[i].MessageType));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    outcomes[i] ??= ex;
                    broken |= ex is not RabbitMQ.Client.Exceptions.PublishException;
                }
            }
            if (broken) await ResetAsync();
            return outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private byte[] Envelope(OutboxMessage row, string urn, string exchange)
    {
        using var buffer = new MemoryStream(row.Body.Length + 512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("messageId", row.MessageId.ToString());
            w.WriteString("conversationId", row.MessageId.ToString());
            w.WriteString("sourceAddress", _sourceAddress);
            w.WriteString("destinationAddress", $"{_virtualHostAddress}/{exchange}");
            w.WriteStartArray("messageType");
            w.WriteStringValue(urn);
            w.WriteEndArray();
            w.WritePropertyName("message");
            w.WriteRawValue(row.Body, skipInputValidation: true);
            w.WriteString("sentTime", row.CreatedAt.UtcDateTime);
            w.WriteStartObject("headers");
            // ADR 0012: the producer's sequence, the event's version for its aggregate (see EventSequence).
            w.WriteNumber(EventSequence.Header, row.Sequence);
            w.WriteEndObject();
            w.WriteStartObject("host");
            w.WriteString("machineName", Environment.MachineName);
            w.WriteNumber("processId", Environment.ProcessId);
            w.WriteString("assembly", "Pingan.Messaging");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string VirtualHostAddress(BrokerAddress broker) =>
        $"rabbitmq://{broker.Host}:{broker.Port}/{Uri.EscapeDataString(broker.VirtualHost.TrimStart('/'))}";

    private (string, string) TopologyOf(Type type)
    {
        // MassTransit's own names: the exchange its consumers bind to, and the message URN they expect.
        var topology = typeof(IBusTopology).GetMethod(nameof(IBusTopology.Message))!.MakeGenericMethod(type).Invoke(bus.Topology, null)!;
        var entityName = (string)topology.GetType().GetProperty("EntityName", BindingFlags.Public | BindingFlags.Instance)!.GetValue(topology)!;
        return (entityName, MessageUrn.ForTypeString(type));
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true }) return _channel;
        await ResetAsync();
        var factory = broker.ConnectionFactory(tls);
        factory.AutomaticRecoveryEnabled = false; // a broken connection is replaced on the next batch
        factory.ClientProvidedName = $"pingan-outbox-{Environment.MachineName}";
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        logger.LogInformation("Outbox publisher connected to {Host}:{Port}/{VirtualHost}", broker.Host, broker.Port, broker.VirtualHost);
        return _channel;
    }

    private async Task ResetAsync()
    {
        _declared.Clear();
        try
        {
            if (_channel is not null) await _channel.DisposeAsync();
            if (_connection is not null) await _connection.DisposeAsync();
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Closing a broken outbox connection");
        }
        _channel = null;
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }
}
