using Microsoft.Extensions.Hosting;
using Pingan.Testing;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;

namespace Pingan.Messaging.Tests;

/// <summary>
/// Issue 12: an <c>amqps://</c> broker address means TLS. The test broker of <c>./platform test</c> has a TLS
/// listener with a certificate of a CA made for it (PINGAN_TEST_RABBITMQ_TLS_PORT, PINGAN_TEST_RABBITMQ_CA).
/// </summary>
public sealed class BrokerTlsTests(ITestOutputHelper output) : InfrastructureTest
{
    private static readonly string? TlsPort = Environment.GetEnvironmentVariable("PINGAN_TEST_RABBITMQ_TLS_PORT");
    private static readonly string? Authorities = Environment.GetEnvironmentVariable("PINGAN_TEST_RABBITMQ_CA");

    /// <summary>The test virtual host's address, over TLS.</summary>
    private string TlsUri => new UriBuilder(VirtualHost.AmqpUri) { Scheme = "amqps", Port = int.Parse(TlsPort!) }.Uri.ToString();

    [Fact]
    public void An_amqps_address_is_TLS_on_port_5671_unless_it_names_another()
    {
        Assert.True(BrokerAddress.Parse("amqps://pingan:x@rabbitmq.pingan.svc/letters").Tls);
        Assert.Equal(5671, BrokerAddress.Parse("amqps://pingan:x@rabbitmq.pingan.svc/letters").Port);
        Assert.False(BrokerAddress.Parse("amqp://pingan:x@rabbitmq.pingan.svc/letters").Tls);
    }

    [Fact]
    public async Task Events_go_out_through_the_outbox_and_come_in_over_TLS_with_the_brokers_CA_Issue12()
    {
        Assert.True(File.Exists(Authorities), "./platform test gives its broker a TLS listener and exports its CA");
        var settings = new Dictionary<string, string?> { ["Messaging:CaCertificate"] = Authorities };
        using var consumer = await TestService.StartAsync(await Database.CreateSiblingAsync("consumer"), TlsUri, output, consumer: true, dispatcher: false, settings: settings);
        using var publisher = await TestService.StartAsync(await Database.CreateSiblingAsync("publisher"), TlsUri, output, settings: settings);
        await publisher.OpenCaseAsync("410102");
        await Eventually.HoldsAsync(async () => await consumer.TallyAsync("410102") == 1, TimeSpan.FromSeconds(30), "the case counted over TLS");
    }

    [Fact]
    public async Task A_broker_certificate_outside_the_trusted_authorities_is_refused_never_spoken_to_in_plain_text_Issue12()
    {
        var address = BrokerAddress.Parse(TlsUri);
        // The connection the outbox publisher makes.
        async Task ConnectAsync(BrokerTls tls)
        {
            await using var connection = await address.ConnectionFactory(tls).CreateConnectionAsync();
        }

        // The test CA is in no system trust store: without the bundle the connection is refused.
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => ConnectAsync(new BrokerTls(null)));
        // With it, the same broker is trusted.
        await ConnectAsync(new BrokerTls(Authorities));
    }
}
