using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Pingan.Messaging;

/// <summary>
/// The inbox for high-volume streams: applies a batch of deliveries in one transaction, each message id
/// once, as <see cref="IdempotentConsumer{TMessage,TDb}"/> does for one. When the batch fails, every
/// message is applied again on its own; one that still fails goes back to the queue with its attempt
/// count after a growing delay (<see cref="MessagingOptions.RetryMinInterval"/> doubling up to
/// <see cref="MessagingOptions.RetryMaxInterval"/>), and after <see cref="MessagingOptions.RetryLimit"/> attempts
/// to the endpoint's <c>_error</c> queue, so a poison message neither blocks nor drags the rest of its batch
/// along. A transient fault (<see cref="TransientFaults"/>) gets <see cref="MessagingOptions.TransientRetryLimit"/>
/// attempts instead: a database blip is waited out, never filed as poison (issue 12).
/// Register with <see cref="MessagingServiceCollectionExtensions.AddIdempotentBatchConsumer{TConsumer}"/>.
/// </summary>
public abstract class IdempotentBatchConsumer<TMessage, TDb>(TDb db) : IConsumer<Batch<TMessage>>
    where TMessage : class
    where TDb : DbContext
{
    internal const string AttemptHeader = "Pingan-Attempt";

    protected TDb Db => db;

    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    /// <summary>Applies one message through <see cref="Db"/>; do not call SaveChanges, the base commits.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context);

    public async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var messages = context.Message.ToArray();
        var ct = context.CancellationToken;
        var time = context.GetServiceOrCreateInstance<TimeProvider>();
        var options = context.GetServiceOrCreateInstance<MessagingOptions>();
        var logger = context.GetServiceOrCreateInstance<ILoggerFactory>().CreateLogger(GetType());
        if (messages.Length > 1)
        {
            try
            {
                await ApplyAsync(messages, time, ct);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                logger.LogWarning(ex, "A batch of {Count} {MessageType} failed; applying its messages one by one", messages.Length, typeof(TMessage).Name);
            }
        }
        // One by one, and a message alone the same way (issue 12: a lone message once fell through to the
        // endpoint's immediate retries and the error queue, however transient its fault).
        foreach (var message in messages)
        {
            try
            {
                await ApplyAsync([message], time, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                await RetryOrFaultAsync(message, ex, options, logger);
            }
        }
    }

    private async Task ApplyAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, TimeProvider time, CancellationToken ct)
    {
        var ids = messages.Select(m => m.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id; the inbox cannot apply it once.")).ToArray();
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var fresh = await Inbox.ClaimAsync(db, ids, ConsumerName, now, ct);
        foreach (var message in messages)
        {
            if (fresh.Remove(message.MessageId!.Value)) await HandleAsync(message);
        }
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        MessagingMetrics.InboxApplied.Add(messages.Count);
    }

    private static async Task RetryOrFaultAsync(ConsumeContext<TMessage> message, Exception ex, MessagingOptions options, ILogger logger)
    {
        var attempt = message.Headers.Get<int>(AttemptHeader) ?? 1;
        var input = message.ReceiveContext.InputAddress;
        var transient = TransientFaults.IsTransient(ex);
        if (attempt <= (transient ? options.TransientRetryLimit : options.RetryLimit))
        {
            var delay = TransientFaults.Delay(attempt, options.RetryMinInterval, options.RetryMaxInterval);
            logger.LogWarning(ex, "{MessageType} {MessageId} failed on attempt {Attempt} ({Kind}); queued again in {Delay}",
                typeof(TMessage).Name, message.MessageId, attempt, transient ? "transient" : "fault", delay);
            // The delay holds this message's slot, not the endpoint: the others go on through the remaining slots.
            await Task.Delay(delay, message.CancellationToken);
            await message.Send(input, message.Message, ctx =>
            {
                ctx.MessageId = message.MessageId;
                ctx.Headers.Set(AttemptHeader, attempt + 1);
            });
            return;
        }
        logger.LogError(ex, "{MessageType} {MessageId} failed {Attempt} times; moved to the error queue", typeof(TMessage).Name, message.MessageId, attempt);
        // bind=true declares the error queue and binds it to its exchange: the endpoint may not have faulted before,
        // and a send to an exchange without its queue would drop the message.
        var error = new UriBuilder(input) { Path = input.AbsolutePath + "_error", Query = "bind=true" }.Uri;
        await message.Send(error, message.Message, ctx =>
        {
            ctx.MessageId = message.MessageId;
            ctx.Headers.Set(AttemptHeader, attempt);
            ctx.Headers.Set("MT-Reason", "fault");
            ctx.Headers.Set("MT-Fault-ExceptionType", ex.GetType().FullName);
            ctx.Headers.Set("MT-Fault-Message", ex.Message);
            ctx.Headers.Set("MT-Fault-StackTrace", ex.StackTrace);
        });
    }
}
