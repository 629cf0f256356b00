using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

/// <summary>How the AppHost runs one Pingan service: migrate once, load the demo data, then serve.</summary>
internal static class PinganServices
{
    public static IResourceBuilder<ProjectResource> AddPinganService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        int restPort,
        int grpcPort,
        IResourceBuilder<IResourceWithConnectionString> postgres,
        IResourceBuilder<IResourceWithConnectionString> rabbitmq,
        string? seedStep = null,
        params (string Name, string Value)[] environment)
        where TProject : IProjectMetadata, new()
    {
        string rest = Url(builder, restPort), grpc = Url(builder, grpcPort);
        var plan = Plan(builder);
        plan.Steps.Add($"{name}-migrate");
        if (seedStep is not null) plan.Steps.Add($"{name}-seed");
        plan.Services.Add(new(name, rest, grpc));
        // The audit chain's key (issue 11), kept by ./platform up in .local/run/audit-key.secret, outside the
        // database; each service anchors its verified tips in .local/run/anchors/<service>.log.
        environment =
        [
            .. environment,
            // Plain lines in .local/run/logs/<name>.log (PlatformWatch.cs), without terminal colours.
            ("Logging__Console__FormatterOptions__ColorBehavior", "Disabled"),
            ("Audit__ChainKey", builder.Configuration["Pingan:AuditKey"] ?? throw new InvalidOperationException("Pingan:AuditKey is not set: start the platform with ./platform up")),
            ("Audit__AnchorFile", Path.Combine(builder.Configuration["Pingan:AnchorDirectory"] ?? throw new InvalidOperationException("Pingan:AnchorDirectory is not set: start the platform with ./platform up"), name + ".log")),
        ];
        var migrate = builder.AddProject<TProject>($"{name}-migrate", launchProfileName: null)
            .WithArgs("migrate")
            .WithReference(postgres)
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithEnvironments(environment);

        // The demo data goes in before the service opens: what a user first sees is the seeded platform.
        var ready = migrate;
        if (seedStep is not null)
        {
            ready = builder.AddProject<TProject>($"{name}-seed", launchProfileName: null)
                .WithArgs(seedStep)
                .WithReference(postgres)
                .WithReference(rabbitmq)
                .WaitForCompletion(migrate)
                // The seed's events wait in the outbox until the service's dispatcher publishes them.
                .WithEnvironment("Logging__Console__FormatterName", "simple")
                .WithEnvironments(environment);
        }

        return builder.AddProject<TProject>(name, launchProfileName: null)
            .WithReference(postgres)
            .WithReference(rabbitmq)
            .WaitForCompletion(ready)
            .WithEnvironment("Kestrel__Endpoints__Rest__Url", rest)
            .WithEnvironment("Kestrel__Endpoints__Rest__Protocols", "Http1")
            .WithEnvironment("Kestrel__Endpoints__Grpc__Url", grpc)
            .WithEnvironment("Kestrel__Endpoints__Grpc__Protocols", "Http2")
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithEnvironments(environment)
            .WithUrl(rest + "/openapi/v1.json", "OpenAPI")
            .WithUrl(grpc, "gRPC");
    }

    /// <summary>
    /// A loopback address on one of the fixed ports README.md lists, shifted by <c>Pingan:PortOffset</c> (0 for
    /// <c>./platform up</c>; the scripted restart check of <c>./platform test</c> runs a second platform beside it).
    /// </summary>
    public static string Url(IDistributedApplicationBuilder builder, int port) =>
        $"http://127.0.0.1:{port + builder.Configuration.GetValue("Pingan:PortOffset", 0)}";

    /// <summary>The plan the watch (PlatformWatch.cs) follows: registered once, filled as services are added.</summary>
    public static PlatformPlan Plan(IDistributedApplicationBuilder builder)
    {
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(PlatformPlan))?.ImplementationInstance is PlatformPlan known) return known;
        var plan = new PlatformPlan();
        builder.Services.AddSingleton(plan);
        builder.Services.AddHostedService<PlatformWatch>();
        return plan;
    }

    /// <summary>The same settings for a service's migrate and seed steps as for the service: all three compose the whole application.</summary>
    private static IResourceBuilder<ProjectResource> WithEnvironments(this IResourceBuilder<ProjectResource> resource, (string Name, string Value)[] environment)
    {
        foreach (var (name, value) in environment) resource.WithEnvironment(name, value);
        return resource;
    }
}
