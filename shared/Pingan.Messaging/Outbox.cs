using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Persistence;

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

    /// <summary>
    /// Writes many messages at once with COPY, for a batch import. It needs the transaction of the change to be
    /// open already, so the messages commit or roll back with it; they are written now, not at SaveChanges.
    /// </summary>
    Task EnqueueManyAsync(IEnumerable<object> messages, CancellationToken cancellationToken);
}

internal sealed class Outbox<TDb>(TDb db, TimeProvider time) : IOutbox where TDb : DbContext
{
    public Guid Enqueue<T>(T message) where T : class
    {
        var row = ToRow(message, time.GetUtcNow());
        db.Set<OutboxMessage>().Add(row);
        return row.MessageId;
    }

    public async Task EnqueueManyAsync(IEnumerable<object> messages, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("EnqueueManyAsync needs the change's transaction open: begin it first, so the messages commit with the change.");
        var now = time.GetUtcNow();
        if (await db.CopyAsync(messages.Select(m => ToRow(m, now)), cancellationToken) > 0)
            OutboxSignalInterceptor.MarkPending(db);
    }

    private static OutboxMessage ToRow(object message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new OutboxMessage
        {
            MessageId = NewId.NextGuid(),
            MessageType = MessageTypes.NameOf(message.GetType()),
            Body = JsonSerializer.Serialize(message, message.GetType(), MessageTypes.Json),
            TraceParent = Activity.Current?.Id,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }
}

internal static class MessageTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<string, Type?> Resolved = new();

    public static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string name) => Resolved.GetOrAdd(name, static n => Type.GetType(n, throwOnError: false));
}
