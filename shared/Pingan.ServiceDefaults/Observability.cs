using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Pingan.ServiceDefaults;

/// <summary>
/// The duration and final status of every gRPC call a service serves, JSON-transcoded REST calls included: what the
/// operations team's error-rate and p99 alerts and the RED dashboard read (docs/operations/runbooks.md). It runs
/// outside <see cref="GrpcErrorInterceptor"/>, so it sees the status the caller got.
/// </summary>
public sealed class GrpcMetricsInterceptor : Interceptor
{
    public static readonly Histogram Calls = Metrics.CreateHistogram("pingan_grpc_server_call_duration_seconds",
        "gRPC calls served (REST transcoded ones included), by method and status code",
        new HistogramConfiguration
        {
            LabelNames = ["method", "code"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(request, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    private static async Task<T> ObserveAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var code = StatusCode.Unknown;
        try
        {
            var result = await call();
            code = context.Status.StatusCode;
            return result;
        }
        catch (RpcException ex)
        {
            code = ex.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            code = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            Observe(context.Method, code, started);
        }
    }

    private static void Observe(string method, StatusCode code, long started) =>
        Calls.WithLabels(method, code.ToString()).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
}

/// <summary>
/// A gauge read from the service's own rows (an outbox backlog, open cases, deadlines not fired): refreshed by
/// <see cref="ScrapeProbes"/> every <see cref="ScrapeProbes.Every"/>, in every replica, so a scrape never waits on the
/// database. Replicas report the same figures; dashboards and alerts take their max.
/// </summary>
public interface IScrapeProbe
{
    /// <summary>What the probe measures, for the log when it fails.</summary>
    string What { get; }

    Task RefreshAsync(CancellationToken ct);
}

/// <summary>Runs the service's <see cref="IScrapeProbe"/>s at start and then on a wall-clock period (it measures the system, not business time).</summary>
public sealed class ScrapeProbes(IServiceScopeFactory scopes, ILogger<ScrapeProbes> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    private static readonly Counter Failures = Metrics.CreateCounter("pingan_scrape_probe_failures_total",
        "Refreshes of a gauge read from the database that failed (the gauge keeps its last value)", "probe");

    /// <summary>Refreshes every probe once; also what a test calls to read the gauges now.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var probe in scope.ServiceProvider.GetServices<IScrapeProbe>())
        {
            try
            {
                await probe.RefreshAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failures.WithLabels(probe.What).Inc();
                logger.LogWarning(ex, "Could not refresh the {What} gauges; they keep their last values", probe.What);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            await RefreshAsync(stoppingToken);
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Adds a gauge read from the service's rows (scoped: it may take the service's DbContext).</summary>
    public static IServiceCollection AddScrapeProbe<TProbe>(this IServiceCollection services) where TProbe : class, IScrapeProbe
    {
        services.AddScoped<IScrapeProbe, TProbe>();
        if (!services.Any(d => d.ServiceType == typeof(ScrapeProbes)))
        {
            services.AddSingleton<ScrapeProbes>();
            services.AddHostedService(sp => sp.GetRequiredService<ScrapeProbes>());
        }
        return services;
    }
}
