using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Pingan.Testing;

/// <summary>A RabbitMQ virtual host of its own for one test class: its exchanges and queues cannot meet another class's.</summary>
public sealed class IsolatedVirtualHost : IAsyncLifetime
{
    private HttpClient? _management;
    private InfrastructureEndpoints? _endpoints;

    public string Name { get; } = "t-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>amqp://user:password@host:port/vhost, the form services read from ConnectionStrings:rabbitmq.</summary>
    public string AmqpUri { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _endpoints = await TestInfrastructure.GetAsync();
        var mgmt = _endpoints.RabbitMqManagement;
        _management = new HttpClient { BaseAddress = new Uri(mgmt.GetLeftPart(UriPartial.Authority)) };
        var user = Uri.UnescapeDataString(mgmt.UserInfo.Split(':')[0]);
        var pass = Uri.UnescapeDataString(mgmt.UserInfo.Split(':')[1]);
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{pass}")));
        await WhenManagementAnswersAsync(() => _management.PutAsync($"api/vhosts/{Name}", null));
        var amqpUser = Uri.UnescapeDataString(_endpoints.RabbitMq.UserInfo.Split(':')[0]);
        (await _management.PutAsJsonAsync($"api/permissions/{Name}/{Uri.EscapeDataString(amqpUser)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        AmqpUri = new UriBuilder(_endpoints.RabbitMq) { Path = "/" + Name }.Uri.ToString();
    }

    /// <summary>Messages ready in <paramref name="queue"/> now (AMQP passive declare: exact, unlike the management stats).</summary>
    public async Task<uint> CountMessagesAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return 0; // no such queue (yet)
        }
    }

    /// <summary>
    /// Puts <paramref name="message"/> on <paramref name="queue"/> as a producer's outbox would (MassTransit's envelope and
    /// the <c>Pingan-Sequence</c> header of ADR 0012) under a new message id, straight through the broker: a consumer's
    /// test plays a producer that is not running. Answers the message id, for the test to wait until the inbox applied it.
    /// </summary>
    public async Task<Guid> DeliverAsync<T>(string queue, T message, long sequence)
    {
        var factory = new ConnectionFactory { Uri = new Uri(AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var id = Guid.NewGuid();
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["messageId"] = id.ToString(),
            ["messageType"] = new[] { $"urn:message:{typeof(T).Namespace}:{typeof(T).Name}" },
            ["message"] = message,
            ["headers"] = new Dictionary<string, object> { [Pingan.Messaging.EventSequence.Header] = sequence },
        }, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        await channel.BasicPublishAsync(queue, "", false,
            new BasicProperties { MessageId = id.ToString(), ContentType = "application/vnd.masstransit+json", Persistent = true }, body);
        return id;
    }

    /// <summary>
    /// Stops <paramref name="host"/> and deletes its <paramref name="queues"/> with their bindings, as if that consumer had
    /// never run here. It waits for the queues to exist first: a bus stopped while still starting may declare them after
    /// they were deleted.
    /// </summary>
    public async Task RemoveConsumerAsync(IAsyncDisposable host, params string[] queues)
    {
        var factory = new ConnectionFactory { Uri = new Uri(AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var queue in queues)
            {
                await using var probe = await connection.CreateChannelAsync(); // a passive declare of a missing queue closes its channel
                try
                {
                    await probe.QueueDeclarePassiveAsync(queue);
                }
                catch (OperationInterruptedException)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(30), $"the consumer's queues declared ({string.Join(", ", queues)})");
        await host.DisposeAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in queues) await channel.QueueDeleteAsync(queue);
    }

    /// <summary>Stops and restarts the whole broker (every virtual host): only for tests that run alone.</summary>
    public async Task RestartBrokerAsync(TimeSpan downtime)
    {
        var ctl = _endpoints?.RabbitMqCtl ?? throw new InvalidOperationException(
            "Restarting the broker needs PINGAN_TEST_RABBITMQCTL, which ./platform test sets.");
        await RunAsync(ctl, "stop_app");
        await Task.Delay(downtime);
        await RunAsync(ctl, "start_app");
        await RunAsync(ctl, "await_startup");
        // The management listener comes back after the AMQP one; later test classes need it for their virtual hosts.
        await WhenManagementAnswersAsync(() => _management!.GetAsync("api/overview"));
    }

    /// <summary>Sends a management request, waiting up to a minute for a listener that is (re)starting.</summary>
    private static async Task WhenManagementAnswersAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                (await send()).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException e) when (e.StatusCode is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task RunAsync(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} exited {p.ExitCode}: {await stderr}");
    }

    public async Task DisposeAsync()
    {
        if (_management is null) return;
        try
        {
            await _management.DeleteAsync($"api/vhosts/{Name}");
        }
        catch (HttpRequestException)
        {
        }
        _management.Dispose();
    }
}
