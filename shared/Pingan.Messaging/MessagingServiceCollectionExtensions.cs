using Pingan.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Pingan.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IdempotentBatchConsumer{TMessage,TDb}"/>: up to <paramref name="messageLimit"/>
    /// deliveries (or what arrived within <paramref name="timeLimit"/>, 2 ms by default) in one transaction.
    /// </summary>
    public static IBusRegistrationConfigurator AddIdempotentBatchConsumer<TConsumer>(
        this IBusRegistrationConfigurator bus, int messageLimit = 100, TimeSpan? timeLimit = null)
        where TConsumer : class, IConsumer
    {
        bus.AddConsumer<TConsumer>(c => c.Options<BatchOptions>(o => o
            .SetMessageLimit(messageLimit)
            .SetTimeLimit(timeLimit ?? TimeSpan.FromMilliseconds(2))
            .SetConcurrencyLimit(8)));
        return bus;
    }

    /// <summary>Registers each of <paramref name="consumers"/> as <see cref="AddIdempotentBatchConsumer{TConsumer}"/> does.</summary>
    public static IBusRegistrationConfigurator AddIdempotentBatchConsumers(this IBusRegistrationConfigurator bus, IEnumerable<Type> consumers)
    {
        var add = typeof(MessagingServiceCollectionExtensions).GetMethod(nameof(AddIdempotentBatchConsumer))!;
        foreach (var consumer in consumers) add.MakeGenericMethod(consumer).Invoke(null, [bus, 100, null]);
        return bus;
    }

    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings:rabbitmq</c>, an amqp:// URI) with the outbox of
    /// <typeparamref name="TDb"/>, its dispatcher, publisher confirms, retry then <c>_error</c> queues, and
    /// quorum queues when <c>Messaging:QuorumQueues</c> is true. Register consumers in <paramref name="configure"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPinganMessaging<TDb>(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TDb : DbContext
    {
        var section = builder.Configuration.GetSection(MessagingOptions.Section);
        builder.Services.Configure<MessagingOptions>(section);
        var options = section.Get<MessagingOptions>() ?? new MessagingOptions();
        var broker = BrokerAddress.Parse(builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("No broker: set ConnectionStrings:rabbitmq (amqp://user:password@host:port/vhost)."));
        var tls = new BrokerTls(options.CaCertificate);
        builder.Services.AddSingleton(tls);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(
                options.EndpointPrefix ?? builder.Environment.ApplicationName.Split('.').Last().ToLowerInvariant(), false));
            configure?.Invoke(bus);
            // Issue 12: a broker outage is what the outbox rides out, so it must not take the service out of the
            // load balancer. The bus reports Degraded at worst: readiness stays 200 and names the broker's state.
            bus.ConfigureHealthCheckOptions(o => o.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Retries run inside the endpoint's concurrency limit: one poison message occupies one
                // slot while the messages behind it go on through the others.
                endpoint.UseMessageRetry(r => r.Exponential(
                    options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval));
                // Batch endpoints set their own, larger limits (a batch needs that many messages in flight).
                endpoint.ConcurrentMessageLimit = Math.Max(endpoint.ConcurrentMessageLimit ?? 0, options.ConcurrentMessageLimit);
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.PrefetchCount = Math.Max(rabbit.PrefetchCount, options.PrefetchCount);
                    if (options.QuorumQueues) rabbit.SetQuorumQueue();
                }
            });
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
                {
                    h.Username(broker.Username);
                    h.Password(broker.Password);
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
                    // Issue 12: amqps is TLS, never silently plain text; the certificate is checked (BrokerTls).
                    if (broker.Tls)
                        h.UseSsl(s =>
                        {
                            s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                            s.ServerName = broker.Host;
                            s.CertificateValidationCallback = tls.Validate;
                        });
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<IInterceptor, OutboxSignalInterceptor>();
        builder.Services.AddScoped<IOutbox, Outbox<TDb>>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OutboxPublisher>(sp, broker));
        builder.Services.AddSingleton<OutboxDispatcher<TDb>>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher<TDb>>());
        builder.Services.AddScrapeProbe<OutboxBacklog<TDb>>();
        MessagingMetrics.Publish();
        return builder;
    }
}

/// <summary>
/// The parts of an <c>amqp://user:password@host:port/vhost</c> address; <c>amqps://</c> (default port 5671) is
/// AMQP over TLS, the broker's certificate checked against the system's trust store or <c>Messaging:CaCertificate</c>.
/// </summary>
public sealed record BrokerAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool Tls = false)
{
    public static BrokerAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || u.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
            throw new InvalidOperationException($"'{Redact(uri)}' is not an amqp://user:password@host:port/vhost address.");
        var user = u.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        var tls = u.Scheme == "amqps";
        return new BrokerAddress(
            u.Host,
            (ushort)(u.IsDefaultPort || u.Port <= 0 ? (tls ? 5671 : 5672) : u.Port),
            vhost.Length == 0 ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest",
            tls);
    }

    /// <summary>A RabbitMQ.Client connection to this broker, over TLS checked by <paramref name="tls"/> when the address is amqps.</summary>
    public RabbitMQ.Client.ConnectionFactory ConnectionFactory(BrokerTls tls) => new()
    {
        HostName = Host,
        Port = Port,
        VirtualHost = VirtualHost,
        UserName = Username,
        Password = Password,
        Ssl = Tls
            ? new RabbitMQ.Client.SslOption(Host)
            {
                Enabled = true,
                Version = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                CertificateValidationCallback = tls.Validate,
            }
            : new RabbitMQ.Client.SslOption(),
    };

    private static string Redact(string uri) => System.Text.RegularExpressions.Regex.Replace(uri, ":[^:@/]*@", ":***@");
}
