using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pingan.Testing;

namespace Pingan.ServiceDefaults.Tests;

/// <summary>A service sends its traces, metrics and logs to the OTLP endpoint it is given (a real HTTP receiver here).</summary>
public sealed class OtlpTests : InfrastructureTest
{
    private readonly ConcurrentDictionary<string, int> _received = new();
    private WebApplication _collector = null!;
    private int _port;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _port = ServiceHost.FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (body.Length > 0) _received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            return Results.Ok();
        });
        await _collector.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Traces_metrics_and_logs_go_to_the_configured_OTLP_endpoint()
    {
        await using var host = await SampleHost.StartAsync(Database.ConnectionString, VirtualHost.AmqpUri, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{_port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        var response = await host.Rest.GetAsync("/v1/units/419999999999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        await Eventually.HoldsAsync(
            () => Task.FromResult(_received.ContainsKey("traces") && _received.ContainsKey("metrics") && _received.ContainsKey("logs")),
            TimeSpan.FromSeconds(20), "traces, metrics and logs at the collector (got: " + string.Join(", ", _received.Keys) + ")");
    }
}
