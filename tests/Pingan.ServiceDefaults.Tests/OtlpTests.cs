using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pingan.Testing;

namespace Pingan.ServiceDefaults.Tests;

/// <summary>A service sends its traces, metrics and logs to the OTLP endpoint it is given (a real HTTP receiver here).</summary>
public sealed class OtlpTests : IAsyncLifetime
{
    private readonly IsolatedDatabase _db = new();
    private readonly IsolatedVirtualHost _vhost = new();
    private readonly ConcurrentDictionary<string, int> _received = new();
    private WebApplication _collector = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_db.InitializeAsync(), _vhost.InitializeAsync());
        _port = SampleHost.FreePort();
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

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await _vhost.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Traces_metrics_and_logs_go_to_the_configured_OTLP_endpoint()
    {
        await using var host = await SampleHost.StartAsync(_db.ConnectionString, _vhost.AmqpUri, new Dictionary<string, string?>
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
