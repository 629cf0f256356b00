using Pingan.Testing;

namespace Pingan.Portal.Tests;

/// <summary>The portal's stack for the collection, on a database and virtual host of its own, with the organisation facts the tests use.</summary>
public sealed class PortalFixture() : PortalStack(new IsolatedStorage()), IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await StartAsync();
        await RecordOrganisationAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class IsolatedStorage : IStackStorage
    {
        private readonly IsolatedDatabase _database = new();
        private readonly IsolatedVirtualHost _virtualHost = new();

        public Task InitializeAsync() => Task.WhenAll(_database.InitializeAsync(), _virtualHost.InitializeAsync());
        public Task<string> DatabaseAsync(string service) => _database.CreateSiblingAsync(service);
        public string Amqp => _virtualHost.AmqpUri;

        public async ValueTask DisposeAsync()
        {
            await _virtualHost.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
