using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Pingan.Messaging;

/// <summary>
/// Where a service puts the integration events of a change. Nothing is sent here: the event is added to
/// the same DbContext as the change, so it is committed (or rolled back) with it, and the dispatcher sends
/// it after the commit.
/// </summary>
public interface IOutbox
{
    /// <summary>Adds <paramref name="message"/>; returns the message id its consumers will see.</summary>
    Guid Enqueue<T>(T message) where T : class;
}

internal sealed class Outbox<TDb>(TDb db, TimeProvider time) : IOutbox where TDb : DbContext
{
    public Guid Enqueue<T>(T message) where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        var row = new OutboxMessage
        {
            MessageId = NewId.NextGuid(),
            MessageType = MessageTypes.NameOf(message.GetType()),
            Body = JsonSerializer.Serialize(message, message.GetType(), MessageTypes.Json),
            TraceParent = Activity.Current?.Id,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Set<OutboxMessage>().Add(row);
        return row.MessageId;
    }
}

internal static class MessageTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<string, Type?> Resolved = new();

    public static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string name) => Resolved.GetOrAdd(name, static n => Type.GetType(n, throwOnError: false));
}
