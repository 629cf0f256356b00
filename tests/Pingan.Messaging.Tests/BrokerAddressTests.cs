namespace Pingan.Messaging.Tests;

public class BrokerAddressTests
{
    [Fact]
    public void Reads_user_password_host_port_and_virtual_host()
    {
        var a = BrokerAddress.Parse("amqp://pingan:s%40cret@127.0.0.1:55472/sanctions");
        Assert.Equal(new BrokerAddress("127.0.0.1", 55472, "sanctions", "pingan", "s@cret"), a);
    }

    [Fact]
    public void No_path_means_the_default_virtual_host_and_no_port_the_default_port()
    {
        var a = BrokerAddress.Parse("amqp://guest:guest@rabbitmq");
        Assert.Equal("/", a.VirtualHost);
        Assert.Equal(5672, a.Port);
    }

    [Fact]
    public void A_bad_address_is_refused_without_echoing_the_password()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BrokerAddress.Parse("http://pingan:topsecret@host:1/"));
        Assert.DoesNotContain("topsecret", ex.Message);
    }
}
