using System.Diagnostics.Metrics;
using System.Text.Json;
using Grpc.Net.ClientFactory;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pingan.EventLog.Api;
using Pingan.Messaging;
using Pingan.Security;

namespace Pingan.EventLog;

/// <summary>How far a consumer has read a producer's event log (ADR 0012): one row per producer and consumer queue.</summary>
public sealed class EventLogPosition
{
    public string Stream { get; set; } = "";
    public long LastSequence { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class EventLogFollowing
{
    public static ModelBuilder AddEventLogPositions(this ModelBuilder modelBuilder) => modelBuilder.Entity<EventLogPosition>(e =>
    {
        e.ToTable("event_log_positions");
        e.HasKey(p => p.Stream);
        e.Property(p => p.Stream).HasColumnName("stream").HasMaxLength(300);
        e.Property(p => p.LastSequence).HasColumnName("last_sequence");
        e.Property(p => p.UpdatedAt).HasColumnName("updated_at");
    });

    /// <summary>
    /// ADR 0012, the consumer's half: when <paramref name="service"/> starts, each of <paramref name="consumers"/> (registered
    /// with the bus, each an inbox consumer, one message at a time or in batches) is brought up to date from <paramref name="producer"/>'s event log at the gRPC
    /// address the setting <paramref name="addressSetting"/> names, read as <paramref name="service"/> itself
    /// (<see cref="ServiceIdentityExtensions.AddServiceIdentity"/>). Each logged event is sent to the consumer's own queue with
    /// its original message id and sequence, so the consumer applies it once, through the same retries and error queue as the
    /// broker's copies, whichever of the two arrives first. Nothing is followed where the setting is empty, or with
    /// <c>EventLog:Follow:Enabled=false</c>.
    /// </summary>
    public static IHostApplicationBuilder FollowEventLog<TDb>(this IHostApplicationBuilder builder, string service, string producer, string addressSetting,
        params Type[] consumers) where TDb : DbContext
    {
        if (!builder.Configuration.GetValue("EventLog:Follow:Enabled", true) || builder.Configuration[addressSetting] is not { Length: > 0 } address) return builder;
        builder.AddServiceIdentity(service);
        builder.Services.AddServiceGrpcClient<Api.EventLog.EventLogClient>($"event-log/{producer}", new Uri(address));
        foreach (var consumer in consumers)
        {
            var messages = consumer.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
                .Select(i => i.GetGenericArguments()[0])
                .Select(m => m.IsGenericType && m.GetGenericTypeDefinition() == typeof(Batch<>) ? m.GetGenericArguments()[0] : m).ToArray();
            if (messages.Length == 0) throw new ArgumentException($"{consumer.Name} consumes nothing.", nameof(consumers));
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<EventLogFollower<TDb>>(sp, producer, consumer, messages));
        }
        return builder;
    }
}

/// <summary>Brings one consumer up to date from one producer's event log, once the consumer's queue is bound.</summary>
internal sealed class EventLogFollower<TDb>(
    string producer, Type consumer, Type[] messages, IServiceScopeFactory scopes, GrpcClientFactory clients, IBusControl bus,
    IEndpointNameFormatter names, TimeProvider time, ILogger<EventLogFollower<TDb>> logger) : BackgroundService where TDb : DbContext
{
    private const int PageSize = 500;
    private static readonly Meter Meter = new("Pingan.EventLog");
    private static readonly Counter<long> Replayed = Meter.CreateCounter<long>("pingan_event_log_replayed",
        description: "Events read from a producer's event log and sent to this service's consumer queue (ADR 0012)");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, Type> _types = messages.ToDictionary(m => m.FullName!, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = (string)names.GetType().GetMethod(nameof(IEndpointNameFormatter.Consumer))!.MakeGenericMethod(consumer).Invoke(names, null)!;
        var stream = $"{producer}/{queue}";
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForQueueAsync(queue, stream, stoppingToken);
                var sent = await CatchUpAsync(stream, queue, stoppingToken);
                logger.LogInformation("{Stream}: up to date with {Producer}'s event log ({Count} event(s) replayed)", stream, producer, sent);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Stream}: could not read {Producer}'s event log; trying again in {Delay}", stream, producer, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    /// <summary>
    /// The queue first (ADR 0012): an event committed after the consumer's endpoint is consuming reaches it through the
    /// broker. Only this consumer's endpoint counts: another endpoint restarting after a fault must not hold up the replay.
    /// Operational waits run on the machine's clock, not the business clock the service is given.
    /// </summary>
    private async Task WaitForQueueAsync(string queue, string stream, CancellationToken ct)
    {
        var since = DateTime.UtcNow;
        var told = since;
        while (true)
        {
            var health = bus.CheckHealth();
            if (health.Endpoints.Values.Any(e => e.Status == BusHealthStatus.Healthy
                    && e.InputAddress.AbsolutePath.EndsWith("/" + queue, StringComparison.Ordinal))) return;
            if (DateTime.UtcNow - told > TimeSpan.FromSeconds(30))
            {
                told = DateTime.UtcNow;
                logger.LogWarning("{Stream}: the queue {Queue} has not been consuming for {Seconds:0}s; the replay waits for it (bus: {Status}, {Description})",
                    stream, queue, (told - since).TotalSeconds, health.Status, health.Description);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }

    /// <summary>How long one page's read or its sends may take before the catch-up starts again from its position.</summary>
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(60);

    private async Task<long> CatchUpAsync(string stream, string queue, CancellationToken ct)
    {
        var log = clients.CreateClient<Api.EventLog.EventLogClient>($"event-log/{producer}");
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        long after, sent = 0;
        await using (var scope = scopes.CreateAsyncScope())
            after = await scope.ServiceProvider.GetRequiredService<TDb>().Set<EventLogPosition>().AsNoTracking()
                .Where(p => p.Stream == stream).Select(p => p.LastSequence).FirstOrDefaultAsync(ct);
        var request = new ListEventsRequest { PageSize = PageSize };
        request.MessageTypes.AddRange(_types.Keys);
        while (true)
        {
            request.AfterSequence = after;
            // A read or a send that hangs (a connection lost mid-call) times out and the catch-up starts again from its position.
            using var pageTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            pageTimeout.CancelAfter(PageTimeout);
            var page = await log.ListEventsAsync(request, deadline: DateTime.UtcNow.Add(PageTimeout), cancellationToken: pageTimeout.Token);
            // A page at once: the broker confirms each send, and the consumer's inbox makes a second copy harmless.
            await Task.WhenAll(page.Events.Select(e => endpoint.Send(JsonSerializer.Deserialize(e.Body, _types[e.MessageType], Json)!, _types[e.MessageType],
                Pipe.Execute<SendContext>(context =>
                {
                    context.MessageId = Guid.Parse(e.MessageId);
                    context.Headers.Set(EventSequence.Header, e.Sequence);
                }), pageTimeout.Token)));
            sent += page.Events.Count;
            Replayed.Add(page.Events.Count, new KeyValuePair<string, object?>("producer", producer));
            if (page.LastSequence > after)
            {
                after = page.LastSequence;
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDb>();
                var now = time.GetUtcNow();
                // Two replicas may read at once: the position only moves forward.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO event_log_positions (stream, last_sequence, updated_at) VALUES ({stream}, {after}, {now})
                    ON CONFLICT (stream) DO UPDATE SET last_sequence = GREATEST(event_log_positions.last_sequence, excluded.last_sequence), updated_at = excluded.updated_at
                    """, ct);
            }
            if (!page.More) return sent;
        }
    }
}
