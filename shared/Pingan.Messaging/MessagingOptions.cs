namespace Pingan.Messaging;

/// <summary>The <c>Messaging</c> configuration section; the broker address is <c>ConnectionStrings:rabbitmq</c>.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Prefix of this service's queue names, so two services consuming one event each get a queue.</summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>Replicated quorum queues (production, 3-node broker); classic durable queues otherwise.</summary>
    public bool QuorumQueues { get; set; }

    public ushort PrefetchCount { get; set; } = 32;
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>A failing message is retried this many times, then moved to the endpoint's <c>_error</c> queue.</summary>
    public int RetryLimit { get; set; } = 5;
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A transient fault (the database or the network briefly away: <see cref="TransientFaults"/>) is retried this
    /// many times, each after the same growing delay, before the message counts as poison (issue 12): with the
    /// defaults about four minutes, long enough to ride out a database failover.
    /// </summary>
    public int TransientRetryLimit { get; set; } = 30;

    /// <summary>
    /// A PEM file of the certificate authorities that sign the broker's certificate, for an <c>amqps://</c> broker
    /// whose CA is not in the system's trust store (a cluster's own CA). Empty: the system's trust store.
    /// </summary>
    public string? CaCertificate { get; set; }

    public OutboxOptions Outbox { get; set; } = new();
}

public sealed class OutboxOptions
{
    /// <summary>Set false for a process that only consumes, or in a test that stops dispatch on purpose.</summary>
    public bool DispatcherEnabled { get; set; } = true;
    /// <summary>
    /// Rows claimed and published together. Issue 20: 1,000 drains a bulk import's backlog at about three times the rate
    /// of 200 (fewer claims, marks and commits a row); a light load still leaves at once, in batches of what is there.
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Dispatch loops per process, each with its own batch, sharing one broker channel (issue 20).</summary>
    public int Dispatchers { get; set; } = 2;

    /// <summary>How often the dispatcher looks for rows committed by other replicas or due for a retry.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Dispatched rows are the service's event log (ADR 0012), read by consumers that start later: kept this long,
    /// ten years by default (the archives follow leaders over several terms), then deleted. Shorten it only once every
    /// consumer has read past what would go.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(3650);
}
