using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Registry;
using Pingan.Sanctions.Api;
using DeadlineSweep = Pingan.Sanctions.Cases.DeadlineSweep;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// The sanctions service beside a real registry, on real ports, PostgreSQL and RabbitMQ. The registry holds part of
/// Henan: the province, Zhengzhou with 中原区 (and its party committee and government) and Kaifeng with 龙亭区.
/// Fictional leaders of 中原区: 王刚 led its party committee until 30 June 2026 and 陈亮 since; 赵强 leads its
/// government; 孙丽 is the government's leader in charge of public security. The deadline sweep runs when a test
/// asks, so each test says exactly when deadlines fire.
/// </summary>
public abstract class SanctionsTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000", Linshanzhai = "410102001000";
    protected const string Kaifeng = "410200000000", Longting = "410202000000";

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 5, 12, 2, 0, 0, TimeSpan.Zero));
    protected ServiceHost Registry { get; private set; } = null!;
    protected ServiceHost Host { get; private set; } = null!;
    protected TestAuthority Authority { get; private set; } = null!;
    /// <summary>The discipline and organisation departments' systems, a real HTTP server (tests/Pingan.DepartmentSystems).</summary>
    protected Microsoft.AspNetCore.Builder.WebApplication Departments { get; private set; } = null!;
    protected HttpClient DepartmentsClient { get; private set; } = null!;
    protected string WangGang { get; private set; } = "";
    protected string ChenLiang { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Authority = await TestAuthority.GetAsync();
        Registry = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
        }, services => services.AddSingleton<TimeProvider>(Clock));
        Departments = DepartmentSystems.DepartmentSystemsApp.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await Departments.StartAsync();
        DepartmentsClient = new HttpClient { BaseAddress = new Uri(Departments.Urls.First()) };
        Host = await StartSanctionsAsync();
        var registry = As(Province, PinganRoles.CommissionOffice, Registry);
        var report = await new RegistryApi.Integration.IntegrationClient(registry).ImportUnitsAsync(new RegistryApi.ImportUnitsRequest
        {
            Units =
            {
                Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
                Unit(Zhongyuan + "-PC", "中共郑州市中原区委员会", "party_committee", Zhongyuan), Unit(Zhongyuan + "-GOV", "郑州市中原区人民政府", "government", Zhongyuan),
                Unit(Linshanzhai, "林山寨街道", "township", Zhongyuan), Unit(Kaifeng, "开封市", "city", Province), Unit(Longting, "龙亭区", "county", Kaifeng),
                Unit(Zhengzhou + "-PC", "中共郑州市委员会", "party_committee", Zhengzhou), Unit(Zhengzhou + "-PSB", "郑州市公安局", "department", Zhengzhou),
                Unit(Province + "-CDI", "河南省纪委监委", "department", Province), Unit(Province + "-ORG", "中共河南省委组织部", "department", Province),
                Unit(Province + "-HRSS", "河南省人力资源和社会保障厅", "department", Province),
            },
        });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
        // Zhengzhou's commission with one member unit, to whom its decisions go (Art. 33).
        var commissions = new RegistryApi.Commissions.CommissionsClient(registry);
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "郑州市综治委", EstablishedOn = "2018-01-01" });
        await commissions.AddMemberUnitAsync(new RegistryApi.MemberUnitRequest { JurisdictionCode = Zhengzhou, UnitCode = Zhengzhou + "-PSB", EffectiveOn = "2019-01-01" });
        // Leaders' history is recorded by the organisation department (issue 11: corrections are its to make).
        var leadership = new RegistryApi.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry));
        async Task<string> AppointAsync(string name, string unit, RegistryApi.LeadershipRole role, string starts, string? ends = null)
        {
            var term = await leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
            { CorrectionReason = "补录历史任职记录",
                Name = name, UnitCode = unit, Role = role, StartsOn = starts, Portfolio = role == RegistryApi.LeadershipRole.Principal ? "" : "政法",
                CadreAuthorityCode = Zhengzhou + "-PC", // 中原区's leaders are Zhengzhou's cadres
            });
            if (ends is not null) await leadership.EndTermAsync(new RegistryApi.EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, EndsOn = ends, Reason = "transferred" });
            return term.LeaderId;
        }
        WangGang = await AppointAsync("王刚", Zhongyuan + "-PC", RegistryApi.LeadershipRole.Principal, "2021-06-01", "2026-06-30");
        ChenLiang = await AppointAsync("陈亮", Zhongyuan + "-PC", RegistryApi.LeadershipRole.Principal, "2026-07-01");
        await AppointAsync("赵强", Zhongyuan + "-GOV", RegistryApi.LeadershipRole.Principal, "2022-01-01");
        await AppointAsync("孙丽", Zhongyuan + "-GOV", RegistryApi.LeadershipRole.InCharge, "2023-03-01");
    }

    /// <summary>A sanctions service on the test's database; more than one may run, as replicas do.</summary>
    protected async Task<ServiceHost> StartSanctionsAsync(params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:sanctions"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Sanctions:Sweep:Enabled"] = "false",
            ["Sanctions:Referrals:Enabled"] = "false",
            ["Sanctions:Departments:discipline"] = $"{Departments.Urls.First()}/discipline/",
            ["Sanctions:Departments:organisation"] = $"{Departments.Urls.First()}/organisation/",
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        return await ServiceHost.StartAsync(SanctionsApplication.Create, configuration, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Registry.DisposeAsync();
        await Departments.DisposeAsync();
        await base.DisposeAsync();
    }

    protected CallInvoker As(string jurisdiction, string role, ServiceHost? host = null) =>
        TestAuthority.As((host ?? Host).Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{jurisdiction}"));

    /// <summary>The cases API as the office (or with another role) of a jurisdiction.</summary>
    protected Api.Cases.CasesClient CasesOf(string jurisdiction, string role = PinganRoles.CommissionOffice, ServiceHost? host = null) => new(As(jurisdiction, role, host));

    /// <summary>The dated rules of the sanctions service, as the office (or with another role) of a jurisdiction.</summary>
    protected Pingan.Rules.Api.RegulationRules.RegulationRulesClient RulesOf(string jurisdiction, string role = PinganRoles.CommissionOffice) => new(As(jurisdiction, role));

    /// <summary>Records <paramref name="name"/> as a leader in charge (政法) of <paramref name="unitCode"/> since 2025, as the organisation department would; returns their registry id.</summary>
    protected async Task<string> AppointInChargeAsync(string name, string unitCode) =>
        (await new RegistryApi.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry)).AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", Name = name, UnitCode = unitCode, Role = RegistryApi.LeadershipRole.InCharge, Portfolio = "政法", StartsOn = "2025-01-01",
        })).LeaderId;

    /// <summary>The province chooses <paramref name="reading"/> for <paramref name="rule"/> from the day after today.</summary>
    protected async Task ProvinceChoosesAsync(string rule, string reading)
    {
        var tomorrow = DateOnly.FromDateTime(Clock.GetUtcNow().AddHours(8).Date).AddDays(1);
        await RulesOf(Province).SetRuleAsync(new Pingan.Rules.Api.SetRuleRequest
            { Name = rule, Reading = reading, EffectiveFrom = tomorrow.ToString("yyyy-MM-dd"), Reason = "省平安办〔2026〕1号" });
    }

    protected void Today(string date) => Clock.SetUtcNow(new DateTimeOffset(DateOnly.ParseExact(date, "yyyy-MM-dd"), new TimeOnly(2, 0), TimeSpan.Zero));

    protected Task<int> DispatchReferralsAsync(ServiceHost? host = null) =>
        (host ?? Host).Services.GetRequiredService<Pingan.Sanctions.Cases.ReferralDispatcher>().SweepAsync(CancellationToken.None);

    protected Task<int> SweepAsync(ServiceHost? host = null) => (host ?? Host).Services.GetRequiredService<DeadlineSweep>().SweepAsync(CancellationToken.None);

    /// <summary>A case against 中原区 for a mass incident on 10 May 2026 (Art. 31(4)), opened by Zhengzhou's office.</summary>
    protected async Task<Case> OpenAgainstZhongyuanAsync(Api.Severity severity = Api.Severity.Ordinary) =>
        await CasesOf(Zhengzhou).OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Zhongyuan, Clause = 4, Source = Source.Incident, Severity = severity, IncidentOn = "2026-05-10",
            Summary = "中原区短期内连续发生两起群体性事件",
        });

    /// <summary>Proposed by the competent office and approved by its commission's leader on <paramref name="on"/>.</summary>
    protected async Task<Case> ImposeAsync(string caseId, Stage stage, string body, string on, string reasons = "", string meeting = "")
    {
        await CasesOf(body).ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = caseId, Stage = stage, Verification = "经核实,情况属实", DirectEntryReasons = reasons, JointMeetingId = meeting });
        return await CasesOf(body, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest { CaseId = caseId, Approve = true, DecidedOn = on });
    }

    /// <summary>The province's yearly selection for listing (Art. 35 ¶2), held on 12 May 2026 by the five departments.</summary>
    protected static ProposeListingBatchRequest Batch(params (string Code, string Reasons)[] entries)
    {
        var request = new ProposeListingBatchRequest { Year = 2026, HeldOn = "2026-05-12", Minutes = "2026年度挂牌督办重点整治单位研究会议纪要" };
        request.Attendees.AddRange([
            new Attendee { Department = Department.Commission, Name = "省综治委" },
            new Attendee { Department = Department.Discipline, Name = "省纪委", UnitCode = Province + "-CDI" },
            new Attendee { Department = Department.Supervision, Name = "省监委", UnitCode = Province + "-CDI" },
            new Attendee { Department = Department.Organisation, Name = "省委组织部", UnitCode = Province + "-ORG" },
            new Attendee { Department = Department.Personnel, Name = "省人社厅", UnitCode = Province + "-HRSS" },
        ]);
        request.Entries.AddRange(entries.Select(e => new BatchEntry { SubjectCode = e.Code, Clause = 6, Reasons = e.Reasons }));
        return request;
    }

    /// <summary>Holds the row lock of a case, as a concurrent change would, until disposed.</summary>
    protected async Task<IAsyncDisposable> HoldCaseAsync(string caseId)
    {
        var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE", connection, tx) { Parameters = { new() { Value = Guid.Parse(caseId) } } })
            await command.ExecuteScalarAsync();
        return new Held(connection, tx);
    }

    private sealed class Held(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);

    private static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2023-01-01" };
}
