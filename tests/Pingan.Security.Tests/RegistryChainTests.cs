using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Registry;
using Pingan.Registry.Api;
using Pingan.Security.Tests.Probe;
using Pingan.Testing;

namespace Pingan.Security.Tests;

/// <summary>
/// A service other than the registry checks jurisdiction with the chain it reads from the registry on the
/// caller's token (Pingan.Registry.Contracts.AddRegistryAccountabilityChain): identity, registry and the probe, all real.
/// </summary>
public sealed class RegistryChainTests : InfrastructureTest
{
    private ServiceHost _identity = null!, _registry = null!, _probe = null!;
    private Dictionary<string, string?> _registrySettings = null!, _security = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _identity = await IdentityTokens.StartIdentityAsync(Database.ConnectionString);
        var security = new Dictionary<string, string?>
        {
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
        };
        _security = security;
        _registrySettings = new Dictionary<string, string?>(security)
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
        };
        _registry = await ServiceHost.StartAsync(RegistryApplication.Create, _registrySettings);
        _probe = await ServiceHost.StartAsync(ProbeApplication.Create, new Dictionary<string, string?>(security)
        {
            ["ConnectionStrings:probe"] = await Database.CreateSiblingAsync("probe"),
            ["Probe:Registry"] = $"http://{_registry.Channel.Target}",
        });
        await using (var scope = _probe.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProbeDb>();
            await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        }
        var office = await IdentityTokens.TokenAsync(_identity, "chain-setup", "410000000000", PinganRoles.CommissionOffice);
        var report = await new Integration.IntegrationClient(_registry.Channel).ImportUnitsAsync(new ImportUnitsRequest
        {
            Units =
            {
                Unit("410000000000", "河南省", "province", ""), Unit("410100000000", "郑州市", "city", "410000000000"),
                Unit("410102000000", "中原区", "county", "410100000000"), Unit("410102000000-PSB", "郑州市公安局中原分局", "department", "410102000000"),
                Unit("410181000000", "巩义市", "county", "410100000000", provinceDirect: true), Unit("410200000000", "开封市", "city", "410000000000"), Unit("410202000000", "龙亭区", "county", "410200000000"),
            },
        }, new Metadata { { "Authorization", "Bearer " + office } });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
    }

    public override async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        await _registry.DisposeAsync();
        await _identity.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_county_caller_reaches_its_own_units_through_another_service_and_nothing_beside_ProvinceDirect()
    {
        var county = await IdentityTokens.TokenAsync(_identity, "chain-county", "410102000000", PinganRoles.CommissionOffice);
        Assert.Equal(StatusCode.OK, await LookAsync(county, "410102000000-PSB"));
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(county, "410202000000")); // a neighbour
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(county, "410100000000")); // its city: readable, but not within

        var city = await IdentityTokens.TokenAsync(_identity, "chain-city", "410100000000", PinganRoles.CommissionOffice);
        Assert.Equal(StatusCode.OK, await LookAsync(city, "410102000000-PSB"));
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(city, "410181000000")); // province-direct

        var nowhere = await IdentityTokens.TokenAsync(_identity, "chain-nowhere", "419999999999", PinganRoles.CommissionOffice);
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(nowhere, "410102000000-PSB"));
    }

    /// <summary>
    /// Issue 16: a service's calls to the registry spread over every registry pod its address resolves to (in the cluster
    /// <c>dns:///registry-pods:8081</c>, the headless Service; here the same balancing over a static resolver naming two
    /// real registry instances on one database), not pinned to one by a long-lived HTTP/2 connection.
    /// </summary>
    [Fact]
    public async Task A_service_spreads_its_gRPC_calls_over_every_registry_instance_Issue16()
    {
        await using var second = await ServiceHost.StartAsync(RegistryApplication.Create, _registrySettings);
        var pods = new[] { _registry, second }.Select(h => h.Channel.Target.Split(':')).Select(t => new BalancerAddress(t[0], int.Parse(t[1]))).ToList();
        await using var balanced = await ServiceHost.StartAsync(ProbeApplication.Create, new Dictionary<string, string?>(_security)
        {
            ["ConnectionStrings:probe"] = await Database.CreateSiblingAsync("probe-balanced"),
            ["Probe:Registry"] = "static:///registry-pods",
        }, services => services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => pods)));
        await using (var scope = balanced.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProbeDb>();
            await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        }
        var (firstBefore, secondBefore) = (await ServedAsync(_registry), await ServedAsync(second));

        var county = await IdentityTokens.TokenAsync(_identity, "chain-county", "410102000000", PinganRoles.CommissionOffice);
        for (var i = 0; i < 20; i++)
            Assert.Equal(StatusCode.OK, await LookAsync(county, "410102000000-PSB", balanced));

        var (first, secondServed) = (await ServedAsync(_registry) - firstBefore, await ServedAsync(second) - secondBefore);
        Assert.True(first >= 5 && secondServed >= 5, $"the first registry served {first} gRPC calls, the second {secondServed}");
    }

    /// <summary>The gRPC calls a registry instance has answered, from its own /metrics.</summary>
    private static async Task<double> ServedAsync(ServiceHost registry) =>
        (await registry.Rest.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("http_requests_received_total{", StringComparison.Ordinal) && l.Contains("pingan.registry", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private async Task<StatusCode> LookAsync(string token, string code, ServiceHost? probe = null)
    {
        try
        {
            await new Probe.Probe.ProbeClient((probe ?? _probe).Channel).LookAsync(new LookRequest { Code = code }, new Metadata { { "Authorization", "Bearer " + token } });
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static UnitRecord Unit(string code, string name, string kind, string parent, bool provinceDirect = false) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, ProvinceDirect = provinceDirect, EffectiveOn = "2023-01-01" };
}
