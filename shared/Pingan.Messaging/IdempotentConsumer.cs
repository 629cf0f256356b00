using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pingan.Messaging;

/// <summary>
/// A consumer that applies each message id once. The inbox row, the handler's changes and any events
/// the handler puts in the outbox are committed in one transaction; a second delivery of the same id
/// finds the inbox row and does nothing. A handler that throws rolls everything back, so the retry (and
/// finally the <c>_error</c> queue) sees the message as never applied.
/// </summary>
public abstract class IdempotentConsumer<TMessage, TDb>(TDb db) : IConsumer<TMessage>
    where TMessage : class
    where TDb : DbContext
{
    protected TDb Db => db;

    /// <summary>The inbox key's second part: the same message may be applied once by each consumer.</summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id; the inbox cannot apply it once.");
        var ct = context.CancellationToken;
        var time = context.GetServiceOrCreateInstance<TimeProvider>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if ((await Inbox.ClaimAsync(db, [messageId], ConsumerName, time.GetUtcNow(), ct)).Count == 0)
        {
            await tx.RollbackAsync(ct);
            MessagingMetrics.InboxDuplicates.Add(1);
            context.GetServiceOrCreateInstance<ILogger<IdempotentConsumer<TMessage, TDb>>>()
                .LogInformation("Skipping {MessageType} {MessageId}: {Consumer} applied it already", typeof(TMessage).Name, messageId, ConsumerName);
            return;
        }
        await HandleAsync(context);
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        MessagingMetrics.InboxApplied.Add(1);
    }

    /// <summary>Applies the message through <see cref="Db"/>; do not call SaveChanges, the base commits.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context);
}

internal static class Inbox
{
    /// <summary>
    /// Records the ids as applied by <paramref name="consumer"/> in the caller's transaction and returns
    /// those that were not yet: the ones to apply now. Waits on a concurrent delivery of the same id until
    /// its transaction commits (then the id is not returned) or rolls back (then it is).
    /// </summary>
    public static async Task<HashSet<Guid>> ClaimAsync(DbContext db, Guid[] ids, string consumer, DateTimeOffset now, CancellationToken ct) =>
        (await db.Database.SqlQuery<Guid>(
                $"INSERT INTO inbox_messages (message_id, consumer, received_at) SELECT unnest({ids}), {consumer}, {now} ON CONFLICT DO NOTHING RETURNING message_id AS \"Value\"")
            .ToListAsync(ct)).ToHashSet();
}
