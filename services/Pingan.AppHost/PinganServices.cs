using Aspire.Hosting.ApplicationModel;

/// <summary>How the AppHost runs one Pingan service: migrate once, then serve, then seed the demo data.</summary>
internal static class PinganServices
{
    public static IResourceBuilder<ProjectResource> AddPinganService<TProject>(
        this IDistributedApplicationBuilder builder,
        string name,
        int restPort,
        int grpcPort,
        IResourceBuilder<IResourceWithConnectionString> postgres,
        IResourceBuilder<IResourceWithConnectionString> rabbitmq)
        where TProject : IProjectMetadata, new()
    {
        string rest = $"http://127.0.0.1:{restPort}", grpc = $"http://127.0.0.1:{grpcPort}";
        var migrate = builder.AddProject<TProject>($"{name}-migrate")
            .WithArgs("migrate")
            .WithReference(postgres)
            .WithEnvironment("Logging__Console__FormatterName", "simple");

        return builder.AddProject<TProject>(name, launchProfileName: null)
            .WithReference(postgres)
            .WithReference(rabbitmq)
            .WaitForCompletion(migrate)
            .WithEnvironment("Kestrel__Endpoints__Rest__Url", rest)
            .WithEnvironment("Kestrel__Endpoints__Rest__Protocols", "Http1")
            .WithEnvironment("Kestrel__Endpoints__Grpc__Url", grpc)
            .WithEnvironment("Kestrel__Endpoints__Grpc__Protocols", "Http2")
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithUrl(rest + "/openapi/v1.json", "OpenAPI")
            .WithUrl(grpc, "gRPC");
    }
}
