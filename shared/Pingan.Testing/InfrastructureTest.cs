using Xunit;

namespace Pingan.Testing;

/// <summary>
/// Base for tests on the real PostgreSQL and RabbitMQ: xunit makes an instance per test, so every test
/// gets a database and a virtual host of its own, dropped afterwards.
/// </summary>
public abstract class InfrastructureTest : IAsyncLifetime
{
    protected IsolatedDatabase Database { get; } = new();

    protected IsolatedVirtualHost VirtualHost { get; } = new();

    public virtual Task InitializeAsync() => Task.WhenAll(Database.InitializeAsync(), VirtualHost.InitializeAsync());

    public virtual async Task DisposeAsync()
    {
        await VirtualHost.DisposeAsync();
        await Database.DisposeAsync();
    }
}
