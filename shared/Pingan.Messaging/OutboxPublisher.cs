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
    private static readonly string MachineName = Environment.MachineName; // a system call each time it is read
    private readonly string _sourceAddress =
        $"{VirtualHostAddress(broker)}/{MachineName}_{Environment.ProcessId}_outbox_{Guid.NewGuid():N}";
    private IConnection? _connection;
    private IChannel? _channel;
    private readonly HashSet<string> _declared = [];
    private readonly PublisherConfirms _confirms = new();

    /// <summary>Publishes every row and returns, for each, null when the broker confirmed it, else why not.</summary>
    public async Task<Exception?[]> PublishAsync(IReadOnlyList<OutboxMessage> rows, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcomes = new Exception?[rows.Count];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IChannel channel;
        var confirms = new Task<Exception?>[rows.Count];
        // The gate covers connecting and writing (a tag and its publish must pair up); the confirms are awaited outside
        // it, so another dispatch loop's batch is written while this one's are outstanding (issue 20: with the wait
        // inside, two loops took turns on the broker's confirm latency, and events at low rates queued behind it).
        await _gate.WaitAsync(cancellationToken);
        try
        {
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

            // Issue 20: confirms are tracked here, by delivery tag, rather than by the client's per-publish tracking,
            // which completed each returned (unrouted) publish by throwing: an exception per event, the largest cost of
            // draining a bulk import's events that no queue is bound to yet.
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
                    var tag = await channel.GetNextPublishSequenceNumberAsync(deadline.Token);
                    var confirm = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _confirms.Expect(tag, confirm);
                    confirms[i] = confirm.Task;
                    try
                    {
                        // Mandatory (issue 12): an event no queue is bound to comes back, and is counted rather than lost unseen.
                        await channel.BasicPublishAsync(exchange, "", mandatory: true, props, Envelope(rows[i], urn, exchange), deadline.Token);
                    }
                    catch
                    {
                        _confirms.Forget(tag);
                        throw;
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    outcomes[i] = ex;
                    confirms[i] = Task.FromResult<Exception?>(null);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        var broken = false;
        var all = Task.WhenAll(confirms);
        try
        {
            await all.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            broken = true; // no confirm in time: the channel is not trusted for the next batch
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (outcomes[i] is not null) continue;
            if (!confirms[i].IsCompleted)
            {
                outcomes[i] = new TimeoutException($"The broker did not confirm message {rows[i].MessageId} within {timeout}.");
                continue;
            }
            outcomes[i] = confirms[i].Result;
            if (outcomes[i] is null && _confirms.TakeReturned(rows[i].MessageId.ToString()))
                // Nobody is bound yet: the event is done with (consumers that join later read the producer's event
                // log, ADR 0012), and the metric says how many went nowhere, by type.
                MessagingMetrics.Unrouted.Add(1, new KeyValuePair<string, object?>("message_type", rows[i].MessageType));
                MessagingMetrics.UnroutedTotal.Inc();
            broken |= outcomes[i] is ConfirmsLostException;
        }
        if (broken)
        {
            await _gate.WaitAsync(CancellationToken.None);
            try
            {
                if (ReferenceEquals(_channel, channel)) await ResetAsync(); // not one another batch has opened since
            }
            finally
            {
                _gate.Release();
            }
        }
        return outcomes;
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
            w.WriteString("machineName", MachineName);
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
        factory.ClientProvidedName = $"pingan-outbox-{MachineName}";
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), cancellationToken);
        _confirms.Reset();
        channel.BasicAcksAsync += (_, e) => { _confirms.Settle(e.DeliveryTag, e.Multiple, null); return Task.CompletedTask; };
        channel.BasicNacksAsync += (_, e) =>
        {
            _confirms.Settle(e.DeliveryTag, e.Multiple, new InvalidOperationException($"The broker refused (nack) delivery tag {e.DeliveryTag}."));
            return Task.CompletedTask;
        };
        channel.BasicReturnAsync += (_, e) => { _confirms.Returned(e.BasicProperties.MessageId); return Task.CompletedTask; };
        channel.ChannelShutdownAsync += (_, e) => { _confirms.FailAll(new ConfirmsLostException(e.ReplyText)); return Task.CompletedTask; };
        _channel = channel;
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
        _confirms.FailAll(new ConfirmsLostException("the channel was closed"));
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }
}

/// <summary>The channel closed before the broker confirmed: the publish may or may not have arrived; it is sent again.</summary>
public sealed class ConfirmsLostException(string why) : Exception($"The broker channel closed before confirming ({why}).");

/// <summary>
/// Publisher confirms by delivery tag, for one channel. Tags are consecutive from 1 on a channel, and the broker
/// confirms them in any grouping ("multiple" settles every tag up to it). A mandatory publish that no queue takes comes
/// back (basic.return) before its confirm, so it is remembered by message id until its batch has been read.
/// </summary>
internal sealed class PublisherConfirms
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, TaskCompletionSource<Exception?>> _pending = [];
    private readonly HashSet<string> _returned = new(StringComparer.Ordinal);
    private ulong _lowest, _highest; // the outstanding tags lie between them

    public void Expect(ulong tag, TaskCompletionSource<Exception?> confirm)
    {
        lock (_lock)
        {
            if (_pending.Count == 0) _lowest = tag;
            _pending[tag] = confirm;
            _highest = Math.Max(_highest, tag);
        }
    }

    public void Forget(ulong tag)
    {
        lock (_lock)
        {
            _pending.Remove(tag);
            Advance();
        }
    }

    public void Settle(ulong tag, bool multiple, Exception? outcome)
    {
        List<TaskCompletionSource<Exception?>> settled = [];
        lock (_lock)
        {
            if (!multiple)
            {
                if (_pending.Remove(tag, out var one)) settled.Add(one);
            }
            else
            {
                for (var t = _lowest; t <= Math.Min(tag, _highest); t++)
                    if (_pending.Remove(t, out var each)) settled.Add(each);
            }
            Advance();
        }
        foreach (var confirm in settled) confirm.TrySetResult(outcome);
    }

    /// <summary>Moves past settled tags, so a "multiple" confirm walks only what is outstanding.</summary>
    private void Advance()
    {
        while (_lowest <= _highest && !_pending.ContainsKey(_lowest)) _lowest++;
    }

    public void Returned(string? messageId)
    {
        if (messageId is null) return;
        lock (_lock) _returned.Add(messageId);
    }

    /// <summary>Whether the message came back unrouted; forgets it either way (its batch reads it once).</summary>
    public bool TakeReturned(string messageId)
    {
        lock (_lock) return _returned.Remove(messageId);
    }

    /// <summary>A new channel numbers its tags from 1 again.</summary>
    public void Reset()
    {
        lock (_lock) (_lowest, _highest) = (0, 0);
    }

    public void FailAll(Exception why)
    {
        List<TaskCompletionSource<Exception?>> all;
        lock (_lock)
        {
            all = [.. _pending.Values];
            _pending.Clear();
            _returned.Clear();
        }
        foreach (var confirm in all) confirm.TrySetResult(why);
    }
}
