using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Registry.Api;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Registry.Tests;

/// <summary>
/// A registry of its own for each test, on real ports, PostgreSQL and RabbitMQ; "today" is 2026-06-15 in China.
/// </summary>
public abstract class RegistryTest : InfrastructureTest
{
    protected static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Now);
    protected ServiceHost Host { get; private set; } = null!;
    protected Api.Units.UnitsClient Units { get; private set; } = null!;
    protected Api.Leadership.LeadershipClient Leadership { get; private set; } = null!;
    protected Api.Commissions.CommissionsClient Commissions { get; private set; } = null!;
    protected Api.Integration.IntegrationClient Integration { get; private set; } = null!;

    protected TestAuthority Authority { get; private set; } = null!;

    /// <summary>The registry's channel presenting the province office's token.</summary>
    protected CallInvoker Invoker { get; private set; } = null!;

    /// <summary>The province's commission office, who also audits: the caller of every test that does not name another.</summary>
    protected const string Province = "410000000000";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Authority = await TestAuthority.GetAsync();
        Host = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:registry"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        }, services => services.AddSingleton<TimeProvider>(Clock));
        var office = Authority.Token(Province, [PinganRoles.CommissionOffice, PinganRoles.Auditor], "province.office");
        Host.Rest.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", office);
        Invoker = TestAuthority.As(Host.Channel, office);
        Units = new(Invoker);
        // Leaders' history is recorded by the organisation department (issue 11: corrections are its to make).
        Leadership = new(TestAuthority.As(Host.Channel, Authority.Token(Province, [PinganRoles.OrganisationLiaison, PinganRoles.CommissionOffice], "province.organisation")));
        Commissions = new(Invoker);
        Integration = new(Invoker);
    }

    /// <summary>Calls as someone else: an account of <paramref name="jurisdiction"/> with <paramref name="roles"/>.</summary>
    protected CallInvoker As(string jurisdiction, params string[] roles) =>
        TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, roles, $"user-of-{jurisdiction}"));

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>
    /// A small Henan: the province, Zhengzhou with 中原区 (one township) and 巩义市 (province-direct), Kaifeng, the
    /// statistical grouping with Jiyuan, and the organs of Zhengzhou and 中原区.
    /// </summary>
    protected async Task<ImportReport> LoadSmallTreeAsync()
    {
        var report = await Integration.ImportUnitsAsync(new ImportUnitsRequest { Units = { SmallTree() } });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
        return report;
    }

    protected static IEnumerable<UnitRecord> SmallTree() =>
    [
        Record("410000000000", "河南省", "province", ""),
        Record("410100000000", "郑州市", "city", "410000000000"),
        Record("410102000000", "中原区", "county", "410100000000"),
        Record("410102001000", "林山寨街道", "township", "410102000000"),
        Record("410181000000", "巩义市", "county", "410100000000", provinceDirect: true),
        Record("410200000000", "开封市", "city", "410000000000"),
        Record("410202000000", "龙亭区", "county", "410200000000"),
        Record("419000000000", "省直辖县级行政区划", "city", "410000000000"),
        Record("419001000000", "济源市", "county", "419000000000"),
        Record("410100000000-PC", "中共郑州市委员会", "party_committee", "410100000000"),
        Record("410100000000-GOV", "郑州市人民政府", "government", "410100000000"),
        Record("410102000000-PC", "中共中原区委员会", "party_committee", "410102000000"),
        Record("410102000000-PSB", "郑州市公安局中原分局", "department", "410102000000"),
    ];

    protected static UnitRecord Record(string code, string name, string kind, string parent, bool provinceDirect = false, string effectiveOn = "2023-01-01") =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, ProvinceDirect = provinceDirect, EffectiveOn = effectiveOn };

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);
}
