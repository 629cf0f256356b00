using Microsoft.AspNetCore.HttpOverrides;
using System.Reflection;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pingan.Persistence;
using Pingan.Time;
using Prometheus;

namespace Pingan.ServiceDefaults;

/// <summary>
/// What every Pingan service has, in every environment (docs/adr/0003): structured logs, OpenTelemetry
/// traces/metrics/logs over OTLP when an endpoint is configured, prometheus <c>/metrics</c>,
/// <c>/healthz/live</c> and <c>/healthz/ready</c>, problem details, gRPC with validation and JSON
/// transcoding, the OpenAPI document at <c>/openapi/v1.json</c>, the clock and working-day calendar,
/// and graceful shutdown.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // the calling service: its description and request examples
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string? title = null)
    {
        var serviceName = builder.Configuration["Service:Name"] ?? builder.Environment.ApplicationName;
        builder.AddStructuredLogging();
        // Per-command and per-request lines at Information cost more than the work they describe on a hot path;
        // configuration (Logging:LogLevel) can still turn them back on.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.AddPinganTelemetry(serviceName);

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<ShutdownHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<ShutdownHealthCheck>("accepting-traffic", tags: [ReadyTag]);

        builder.Services.AddProblemDetails();
        builder.Services.AddPinganTime(builder.Configuration);

        builder.Services.AddSingleton<GrpcMetricsInterceptor>();
        builder.Services.AddSingleton<GrpcErrorInterceptor>();
        builder.Services.AddGrpc(o =>
        {
            // Batch imports arrive as one message; 4 MB (gRPC's default) holds about 40,000 rows of a typical record.
            o.MaxReceiveMessageSize = builder.Configuration.GetValue("Grpc:MaxReceiveMessageBytes", 64 * 1024 * 1024);
            o.Interceptors.Add<GrpcMetricsInterceptor>(); // outermost: it records the status the caller gets
            o.Interceptors.Add<GrpcErrorInterceptor>();
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
        }).AddJsonTranscoding(o =>
            // Error details (google.rpc.BadRequest and friends) must be known to be written as JSON.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddGrpcSwagger();
        var service = Assembly.GetCallingAssembly();
        builder.Services.AddSwaggerGen(o => OpenApiDocuments.Configure(o, title ?? serviceName, service, builder.Configuration));
        return builder;
    }

    /// <summary>Registers every FluentValidation validator in <paramref name="assembly"/> (used for gRPC requests).</summary>
    public static IServiceCollection AddRequestValidators(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var i in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
                services.AddSingleton(i, type);
        }
        return services;
    }

    private static void AddStructuredLogging(this IHostApplicationBuilder builder)
    {
        // JSON lines unless configured otherwise: what log collectors in the cluster parse.
        if (builder.Configuration["Logging:Console:FormatterName"] is null)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
    }

    private static void AddPinganTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsInfrastructurePath(ctx.Request.Path))
                .AddHttpClientInstrumentation()
                .AddGrpcClientInstrumentation()
                .AddNpgsql()
                .AddSource("MassTransit", "Pingan.*"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("MassTransit", "Pingan.*"));
        if (otlp) otel.UseOtlpExporter();
    }

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics");

    /// <summary>
    /// Behind the cluster's ingress every request comes from the ingress: the caller's address (audit entries,
    /// the identity service's per-address limit) and scheme are taken from X-Forwarded-For / -Proto, but only
    /// when the request comes from one of <c>Network:TrustedProxies</c> (addresses or CIDR ranges, comma-separated).
    /// Unset, the headers are ignored: anyone could write them.
    /// </summary>
    private static void UseTrustedProxies(WebApplication app)
    {
        var trusted = app.Configuration["Network:TrustedProxies"];
        if (string.IsNullOrWhiteSpace(trusted)) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var entry in trusted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal)) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            else options.KnownProxies.Add(System.Net.IPAddress.Parse(entry));
        }
        app.UseForwardedHeaders(options);
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        UseTrustedProxies(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<TranscodingProblemDetailsMiddleware>();
        app.UseHttpMetrics();

        // Open to the cluster's probes and Prometheus whatever a service's authorization requires.
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        app.MapMetrics("/metrics").AllowAnonymous();
        app.UseSwagger(o =>
        {
            o.RouteTemplate = "openapi/{documentName}.json";
            o.PreSerializeFilters.Add((document, request) => OpenApiDocuments.SetServers(document, request, app.Configuration));
        });
        return app;
    }

    /// <summary>
    /// Runs the service, or one of its steps when asked: <c>migrate</c> applies the database migrations
    /// and exits, the step Kubernetes runs as a Job and the local runner before the service (docs/adr/0004);
    /// any other name runs the <see cref="IServiceStep"/> of that name (a demo-data seed, for one).
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.Length > 0 && app.Services.GetServices<IServiceStep>().FirstOrDefault(s => s.Name == args[0]) is { } step)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pingan.Step");
            try
            {
                await step.RunAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "Step {Step} failed", step.Name);
                return 1;
            }
        }
        if (args.Length > 0 && args[0] == "migrate")
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pingan.Migrate");
            try
            {
                foreach (var migrator in app.Services.GetServices<IDatabaseMigrator>())
                    await migrator.MigrateAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "Migration failed");
                return 1;
            }
        }
        await app.RunAsync();
        return 0;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = (int)e.Value.Duration.TotalMilliseconds,
            }),
        });
    }
}

/// <summary>Turns readiness off as soon as shutdown starts, so Kubernetes stops routing before Kestrel drains.</summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy());
}

/// <summary>A one-off step a service can run instead of serving (<c>dotnet Service.dll NAME</c>), then exit.</summary>
public interface IServiceStep
{
    string Name { get; }
    Task RunAsync(CancellationToken cancellationToken);
}
