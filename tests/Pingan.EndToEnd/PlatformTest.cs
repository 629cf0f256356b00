using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using Pingan.Security;
using Pingan.Security.Tests;
using Pingan.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.EndToEnd;

/// <summary>
/// The whole platform on real ports, PostgreSQL and RabbitMQ: the identity service (every token is its own, obtained by
/// client credentials as a department's system or an office's tool would), the registry, letters, inspections,
/// sanctions, assessments and archives services, and the departments' systems (a real HTTP server). The six business
/// services run on one business clock (a fake time provider) so that months can pass; the identity service keeps the
/// machine's clock, as tokens do. The sanctions, assessments and archives services read the producers' event logs as
/// themselves (ADR 0012), registered with the identity service as in production.
/// </summary>
public abstract class PlatformTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000", Erqi = "410103000000", Kaifeng = "410200000000";
    private static readonly string[] Consumers = ["sanctions", "assessments", "archives"];
    private readonly string _serviceSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly Dictionary<string, string> _tokens = [];
    private readonly Dictionary<string, string> _databases = [];

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 2, 0, 0, TimeSpan.Zero)); // the year begins; tests only move it on
    protected ServiceHost Identity { get; private set; } = null!;
    protected ServiceHost Registry { get; private set; } = null!;
    protected ServiceHost Letters { get; private set; } = null!;
    protected ServiceHost Inspections { get; private set; } = null!;
    protected ServiceHost Sanctions { get; private set; } = null!;
    protected ServiceHost Assessments { get; private set; } = null!;
    protected ServiceHost Archives { get; private set; } = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _departments = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var identitySettings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = await Database.CreateSiblingAsync("identity"),
            ["Identity:AllowHttp"] = "true",
            ["Identity:KeyEncryptionKey"] = TestSecrets.IdentityKeyEncryptionKey,
            ["Identity:Issuer"] = "{rest-url}",
        };
        foreach (var service in Consumers) identitySettings[$"Identity:ServiceClients:{service}:Secret"] = _serviceSecret;
        Identity = await ServiceHost.StartAsync(Pingan.Identity.IdentityApplication.Create, identitySettings);
        _departments = DepartmentSystems.DepartmentSystemsApp.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await _departments.StartAsync();
        var departments = _departments.Urls.First();

        Registry = await StartAsync(Pingan.Registry.RegistryApplication.Create, "registry");
        var registry = Grpc(Registry);
        Letters = await StartAsync(Pingan.Letters.LettersApplication.Create, "letters", ("Services:Registry:Grpc", registry));
        Inspections = await StartAsync(Pingan.Inspections.InspectionsApplication.Create, "inspections", ("Services:Registry:Grpc", registry),
            ("Inspections:Sweep:Enabled", "false"));
        Assessments = await StartAsync(Pingan.Assessments.AssessmentsApplication.Create, "assessments", ("Services:Registry:Grpc", registry),
            ("Services:Inspections:Grpc", Grpc(Inspections)), ("Services:Letters:Grpc", Grpc(Letters)), ("Security:ServiceClient:Secret", _serviceSecret));
        Sanctions = await StartAsync(Pingan.Sanctions.SanctionsApplication.Create, "sanctions", ("Services:Registry:Grpc", registry),
            ("Services:Inspections:Grpc", Grpc(Inspections)), ("Services:Assessments:Grpc", Grpc(Assessments)), ("Security:ServiceClient:Secret", _serviceSecret),
            ("Sanctions:Sweep:Enabled", "false"), ("Sanctions:Referrals:Enabled", "false"),
            ("Sanctions:Departments:discipline", DisciplineSystem ?? $"{departments}/discipline/"), ("Sanctions:Departments:organisation", $"{departments}/organisation/"));
        Archives = await StartAsync(Pingan.Archives.ArchivesApplication.Create, "archives", ("Services:Registry:Grpc", registry), ("Services:Letters:Grpc", Grpc(Letters)),
            ("Services:Inspections:Grpc", Grpc(Inspections)), ("Services:Sanctions:Grpc", Grpc(Sanctions)), ("Services:Assessments:Grpc", Grpc(Assessments)),
            ("Security:ServiceClient:Secret", _serviceSecret), ("Archives:ConsultationKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
    }

    /// <summary>The discipline department's system the sanctions service refers to (its base address); the simulated one unless a test brings its own.</summary>
    protected virtual string? DisciplineSystem => null;

    /// <summary>A service on its own database, on the business clock, taking the identity service's tokens.</summary>
    private async Task<ServiceHost> StartAsync(
        Func<string[], Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>, Microsoft.AspNetCore.Builder.WebApplication> create, string service,
        params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{service}"] = _databases[service] = await Database.CreateSiblingAsync(service),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = Identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return await ServiceHost.StartAsync(create, settings, services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A service's own database, for a test waiting on what its consumers applied.</summary>
    protected string SiblingOf(string service) => _databases[service];

    private static string Grpc(ServiceHost host) => $"http://{host.Channel.Target}";

    public override async Task DisposeAsync()
    {
        foreach (var host in new[] { Archives, Sanctions, Assessments, Inspections, Letters, Registry, Identity })
            if (host is not null) await host.DisposeAsync();
        if (_departments is not null) await _departments.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The business day in China.</summary>
    protected void Today(string date) => Clock.SetUtcNow(new DateTimeOffset(DateOnly.ParseExact(date, "yyyy-MM-dd"), new TimeOnly(2, 0), TimeSpan.Zero));

    /// <summary>
    /// A call to <paramref name="host"/> as the system or tool "{role}@{jurisdiction}", holding a token the identity
    /// service issued by client credentials (the client is registered once, as an operator registers a department's system).
    /// </summary>
    protected async Task<CallInvoker> AsAsync(ServiceHost host, string jurisdiction, string role)
    {
        var clientId = $"e2e-{role}-{jurisdiction}";
        if (!_tokens.TryGetValue(clientId, out var token))
            _tokens[clientId] = token = await IdentityTokens.ClientTokenAsync(Identity, clientId, jurisdiction, jurisdiction, "pingan", role);
        return TestAuthority.As(host.Channel, token);
    }

    /// <summary>The checkout the tests run in (the folder of Platform.sln).</summary>
    public static string Root
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
            return root?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test's folder.");
        }
    }

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    /// <summary>The organisation facts the province's office records, through the registry's import (all or nothing).</summary>
    protected async Task ImportUnitsAsync(params RegistryApi.UnitRecord[] units)
    {
        var report = await new RegistryApi.Integration.IntegrationClient(await AsAsync(Registry, Province, "commission-office"))
            .ImportUnitsAsync(new RegistryApi.ImportUnitsRequest { Units = { units } });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
    }

    protected static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2020-01-01" };
}
