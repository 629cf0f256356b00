using System.Diagnostics;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Pingan.Testing;

/// <summary>Where the real PostgreSQL and RabbitMQ for this test run are.</summary>
public sealed record InfrastructureEndpoints(
    string PostgresAdmin,
    Uri RabbitMq,
    Uri RabbitMqManagement,
    string? RabbitMqCtl);

/// <summary>
/// The servers `./platform test` started (it exports <c>PINGAN_TEST_*</c>); where nothing is configured
/// and a Docker engine answers, throwaway containers instead. There is no in-memory fallback: a test that
/// touches storage or messaging runs on the real thing or not at all.
/// </summary>
public static class TestInfrastructure
{
    private static readonly Lazy<Task<InfrastructureEndpoints>> Endpoints = new(ResolveAsync);

    public static Task<InfrastructureEndpoints> GetAsync() => Endpoints.Value;

    private static async Task<InfrastructureEndpoints> ResolveAsync()
    {
        var pg = Environment.GetEnvironmentVariable("PINGAN_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("PINGAN_TEST_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("PINGAN_TEST_RABBITMQ_MANAGEMENT");
        if (!string.IsNullOrEmpty(pg) && !string.IsNullOrEmpty(rabbit) && !string.IsNullOrEmpty(management))
            return new InfrastructureEndpoints(pg, new Uri(rabbit), new Uri(management), Environment.GetEnvironmentVariable("PINGAN_TEST_RABBITMQCTL"));
        if (DockerAvailable()) return await StartContainersAsync();
        throw new InvalidOperationException(
            "No PostgreSQL/RabbitMQ for tests: run them through `./platform test`, which starts both, " +
            "or set PINGAN_TEST_POSTGRES, PINGAN_TEST_RABBITMQ and PINGAN_TEST_RABBITMQ_MANAGEMENT, or provide a Docker engine.");
    }

    private static bool DockerAvailable()
    {
        if (!File.Exists("/var/run/docker.sock") && Environment.GetEnvironmentVariable("DOCKER_HOST") is null) return false;
        try
        {
            using var p = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (p is null) return false;
            p.WaitForExit(10_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<InfrastructureEndpoints> StartContainersAsync()
    {
        var postgres = new PostgreSqlBuilder("postgres:15").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.10-management").WithPortBinding(15672, true).Build();
        await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
        var amqp = new Uri(rabbit.GetConnectionString());
        var mgmt = new UriBuilder("http", rabbit.Hostname, rabbit.GetMappedPublicPort(15672)) { UserName = "rabbitmq", Password = "rabbitmq" }.Uri;
        return new InfrastructureEndpoints(postgres.GetConnectionString(), amqp, mgmt, null);
    }
}
