using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Persistence;

namespace Pingan.Testing;

/// <summary>
/// A service as it runs in production, on real Kestrel ports (REST over HTTP/1.1, gRPC over HTTP/2), against
/// the test's own database and virtual host; its migrations are applied the way the migrate step applies them.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceHost(WebApplication app, int restPort, int grpcPort)
    {
        _app = app;
        Rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}") };
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions { HttpHandler = Security.GrpcClientHandler.Create() });
    }

    public HttpClient Rest { get; }
    public GrpcChannel Channel { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="create">The service's composition, e.g. <c>RegistryApplication.Create</c>.</param>
    /// <param name="settings">
    /// Configuration on top of the ports, quiet console and fast outbox retries. <c>{rest-url}</c> in a value stands
    /// for the host's own REST address (an issuer, say), known only once the ports are chosen.
    /// </param>
    public static async Task<ServiceHost> StartAsync(
        Func<string[], Action<WebApplicationBuilder>, WebApplication> create,
        IDictionary<string, string?> settings,
        Action<IServiceCollection>? services = null)
    {
        // A port taken between its choice and the bind (by a client connection's ephemeral port) means new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(create, settings, services);
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 3)
            {
            }
        }
    }

    /// <summary>The audit chain key of test hosts: fixed, so a test can tell what a forger without it cannot make.</summary>
    public const string TestAuditKey = "cGluZ2FuLXRlc3QtYXVkaXQtY2hhaW4ta2V5LTMyLWJ5dGVzIQ==";

    private static async Task<ServiceHost> StartOnFreePortsAsync(
        Func<string[], Action<WebApplicationBuilder>, WebApplication> create,
        IDictionary<string, string?> settings,
        Action<IServiceCollection>? services)
    {
        var (rest, grpc) = (FreePort(), FreePort());
        var app = create([], builder =>
        {
            builder.Environment.EnvironmentName = "Production";
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{rest}",
                ["Kestrel:Endpoints:Rest:Protocols"] = "Http1",
                ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
                ["Messaging:Outbox:PublishTimeout"] = "00:00:02",
                ["Logging:Console:LogLevel:Default"] = "None",
                // Every test host keys its audit chain, as production does (issue 11); a test may set its own.
                ["Audit:ChainKey"] = TestAuditKey,
                ["Audit:AnchorFile"] = Path.Combine(Path.GetTempPath(), "pingan-test-anchors", $"{Guid.NewGuid():N}.log"),
            });
            builder.Configuration.AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => s.Value?.Replace("{rest-url}", $"http://127.0.0.1:{rest}/", StringComparison.Ordinal)));
            services?.Invoke(builder.Services);
        });
        foreach (var migrator in app.Services.GetServices<IDatabaseMigrator>())
            await migrator.MigrateAsync(CancellationToken.None);
        try
        {
            await app.StartAsync();
        }
        catch (IOException)
        {
            await app.DisposeAsync();
            throw;
        }
        return new ServiceHost(app, rest, grpc);
    }

    private static readonly HashSet<int> Handed = [];

    /// <summary>
    /// A loopback port free now and never handed out before in this process: test classes start hosts in
    /// parallel, and the system may offer a port again between one host's choice and its bind.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            lock (Handed)
                if (Handed.Add(port)) return port;
        }
    }

    private int _disposed;

    /// <summary>Stops the service; a test may stop one early (a dependency going down), and the fixture's own stop then does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Rest.Dispose();
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
