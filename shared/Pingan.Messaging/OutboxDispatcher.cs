using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pingan.Messaging;

/// <summary>
/// Sends committed outbox rows to RabbitMQ. Each batch is claimed with <c>FOR UPDATE SKIP LOCKED</c> and
/// held until the broker has confirmed every publish, so several replicas share the work without sending
/// a row twice; a row is marked dispatched only after its confirm. A failed publish is retried with
/// exponential backoff and never dropped. A crash between confirm and mark sends the row again on
/// restart: delivery is at least once, and consumers' inboxes make it effectively once.
/// </summary>
public sealed class OutboxDispatcher<TDb>(
    IServiceScopeFactory scopes,
    OutboxPublisher publisher,
    OutboxSignal signal,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher<TDb>> logger) : BackgroundService where TDb : DbContext
{
    private readonly OutboxOptions _options = options.Value.Outbox;
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.DispatcherEnabled)
        {
            logger.LogWarning("Outbox dispatcher for {Context} is disabled by configuration", typeof(TDb).Name);
            return;
        }
        await Task.Yield();
        // Issue 20: several loops side by side, each claiming its own batch (SKIP LOCKED), so one loop's database work
        // (claim, mark, commit) overlaps another's publish instead of the broker and the database waiting on each other.
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Dispatchers)).Select(i => Task.Run(() => LoopAsync(cleans: i == 0, stoppingToken), CancellationToken.None)));
    }

    private async Task LoopAsync(bool cleans, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sent = 0;
                try
                {
                    // A batch under way is finished, not cancelled, when the host stops (issue 20): cancelling it
                    // mid-transaction only rolled back rows the broker may have confirmed (sent again by the next
                    // process) and made EF log "An error occurred using a transaction" at every stop. The publish
                    // timeout bounds the wait.
                    using (var batch = new CancellationTokenSource(_options.PublishTimeout * 3))
                        sent = await DispatchBatchAsync(batch.Token);
                    if (cleans) await CleanupAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is away (or similar): nothing was marked, so nothing is lost. Try again later.
                    logger.LogError(ex, "Outbox dispatch for {Context} failed; retrying", typeof(TDb).Name);
                }
                if (sent < _options.BatchSize) await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: rows not yet confirmed stay pending for the next process.
        }
    }

    /// <summary>Claims and sends one batch; returns how many rows it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var rows = await db.Set<OutboxMessage>()
            .FromSqlInterpolated($"""
                SELECT * FROM outbox_messages
                WHERE dispatched_at IS NULL AND next_attempt_at <= {now}
                ORDER BY sequence
                LIMIT {_options.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return 0;
        }

        // Written in sequence order on one channel (insert order, not commit order: nothing downstream relies on order); the confirms are awaited together.
        Exception?[] outcomes;
        using (var activity = MessagingMetrics.ActivitySource.StartActivity("outbox dispatch", ActivityKind.Producer))
        {
            activity?.SetTag("messaging.batch.message_count", rows.Count);
            outcomes = await publisher.PublishAsync(rows, _options.PublishTimeout, cancellationToken);
        }

        var sentAt = time.GetUtcNow();
        var sent = rows.Where((_, i) => outcomes[i] is null).Select(r => r.Sequence).ToArray();
        if (sent.Length > 0)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE outbox_messages SET dispatched_at = {sentAt}, attempts = attempts + 1, last_error = NULL WHERE sequence = ANY({sent})",
                cancellationToken);
        }
        var failed = Enumerable.Range(0, rows.Count).Where(i => outcomes[i] is not null).ToArray();
        if (failed.Length > 0)
        {
            // One statement for every failed row, whatever the batch size: a broker outage fails whole batches.
            var sequences = failed.Select(i => rows[i].Sequence).ToArray();
            var retryAt = failed.Select(i => sentAt + Backoff(rows[i].Attempts + 1)).ToArray();
            var errors = failed.Select(i => Truncate(outcomes[i]!.GetType().Name + ": " + outcomes[i]!.Message, 2000)).ToArray();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE outbox_messages o
                SET attempts = o.attempts + 1, next_attempt_at = f.retry_at, last_error = f.error
                FROM unnest({sequences}, {retryAt}, {errors}) AS f(sequence, retry_at, error)
                WHERE o.sequence = f.sequence
                """, cancellationToken);
            MessagingMetrics.PublishFailures.Add(failed.Length);
            MessagingMetrics.PublishFailuresTotal.Inc(failed.Length);
            foreach (var i in failed)
                logger.LogDebug(outcomes[i], "Publishing outbox message {MessageId} ({Type}) failed on attempt {Attempt}",
                    rows[i].MessageId, rows[i].MessageType, rows[i].Attempts + 1);
        }
        if (sent.Length < rows.Count)
        {
            var first = outcomes.First(o => o is not null)!;
            logger.LogWarning("Publishing {Failed} of {Count} outbox messages failed ({Error}); they stay pending and are retried with backoff",
                rows.Count - sent.Length, rows.Count, first.Message);
        }
        await tx.CommitAsync(cancellationToken);

        MessagingMetrics.Dispatched.Add(sent.Length);
        MessagingMetrics.DispatchedTotal.Inc(sent.Length);
        foreach (var row in rows.Where((_, i) => outcomes[i] is null))
            MessagingMetrics.DispatchDelay.Record((sentAt - row.CreatedAt).TotalSeconds);
        return rows.Count;
    }

    internal TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        // Jitter keeps replicas that failed together from retrying together.
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private async Task CleanupAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddMinutes(10);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var before = now - _options.Retention;
        var deleted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"DELETE FROM outbox_messages WHERE dispatched_at IS NOT NULL AND dispatched_at < {before}", cancellationToken);
        if (deleted > 0) logger.LogInformation("Deleted {Count} outbox rows dispatched before {Before}", deleted, before);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

internal static class MessagingMetrics
{
    public const string Name = "Pingan.Messaging";
    public static readonly ActivitySource ActivitySource = new(Name);
    private static readonly Meter Meter = new(Name);
    public static readonly Counter<long> Dispatched = Meter.CreateCounter<long>("pingan_outbox_dispatched", description: "Outbox messages confirmed by the broker");
    public static readonly Counter<long> PublishFailures = Meter.CreateCounter<long>("pingan_outbox_publish_failures", description: "Failed outbox publish attempts (retried)");
    public static readonly Histogram<double> DispatchDelay = Meter.CreateHistogram<double>("pingan_outbox_dispatch_delay", "s", "Commit to broker confirm");
    /// <summary>Issue 12: an event no queue was bound to receive (published mandatory, returned by the broker).</summary>
    public static readonly Counter<long> Unrouted = Meter.CreateCounter<long>("pingan_outbox_unrouted",
        description: "Events the broker took but no queue was bound to receive; a consumer that starts later rebuilds from the producer");
    public static readonly Counter<long> InboxDuplicates = Meter.CreateCounter<long>("pingan_inbox_duplicates", description: "Redelivered messages skipped by an inbox");
    public static readonly Counter<long> InboxApplied = Meter.CreateCounter<long>("pingan_inbox_applied", description: "Messages applied by an inbox consumer");

    // The scrape's own counters (the meter's reach /metrics only once measured, under the meter's name): exported at
    // zero from the start, so the OutboxPublishFailing and EventsWithNoQueue alerts have a series to rate.
    public static readonly Prometheus.Counter DispatchedTotal = Prometheus.Metrics.CreateCounter("pingan_outbox_dispatched_total", "Outbox messages confirmed by the broker");
    public static readonly Prometheus.Counter PublishFailuresTotal = Prometheus.Metrics.CreateCounter("pingan_outbox_publish_failures_total", "Failed outbox publish attempts (retried)");
    public static readonly Prometheus.Counter UnroutedTotal = Prometheus.Metrics.CreateCounter("pingan_outbox_unrouted_total",
        "Events the broker took but no queue was bound to receive (by type in the pingan_outbox_unrouted instrument and the log)");

    static MessagingMetrics() { }

    /// <summary>Creates the counters (at zero) when a service registers its messaging.</summary>
    public static void Publish() { }
}
