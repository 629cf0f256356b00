using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Testing;

namespace Pingan.ServiceDefaults.Tests;

/// <summary>A real Kestrel host composed like a Pingan service's Program.cs, on free loopback ports.</summary>
public sealed class SampleHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleHost(WebApplication app, int restPort, int grpcPort)
    {
        _app = app;
        Rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}") };
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
    }

    public HttpClient Rest { get; }
    public Uri GrpcAddress { get; }
    public UnitStore Store => _app.Services.GetRequiredService<UnitStore>();

    public static async Task<SampleHost> StartAsync(string connectionString, string amqpUri, IDictionary<string, string?>? settings = null)
    {
        var (rest, grpc) = (ServiceHost.FreePort(), ServiceHost.FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The same configuration keys the Helm chart sets.
            ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{rest}",
            ["Kestrel:Endpoints:Rest:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["ConnectionStrings:sample"] = connectionString,
            ["ConnectionStrings:rabbitmq"] = amqpUri,
            ["Messaging:Outbox:PublishTimeout"] = "00:00:02",
            // Quiet console; the OpenTelemetry log provider still gets everything.
            ["Logging:Console:LogLevel:Default"] = "None",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("Sample registry");
        builder.AddPinganDbContext<SampleDb>("sample");
        builder.AddPinganMessaging<SampleDb>();
        builder.Services.AddSingleton<UnitStore>();
        builder.Services.AddRequestValidators(typeof(SampleHost).Assembly);

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapGrpcService<UnitRegistryService>();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<SampleDb>().Database.EnsureCreatedAsync();
        await app.StartAsync();
        return new SampleHost(app, rest, grpc);
    }

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
