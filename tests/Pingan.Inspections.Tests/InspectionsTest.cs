using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Inspections.Api;
using Pingan.Registry;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Inspections.Tests;

/// <summary>
/// The inspections service beside a real registry, on real ports, PostgreSQL and RabbitMQ. The registry holds part of
/// Henan: the province; Zhengzhou with its public security bureau (a member unit of its commission), 中原区 (with the
/// township 林山寨街道) and 二七区; Kaifeng. Zhengzhou's commission has one member, 周平 (副主任, from the bureau).
/// Today is Tuesday 22 September 2026, just before the Mid-Autumn and National Day holidays.
/// </summary>
public abstract class InspectionsTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000", Linshanzhai = "410102001000";
    protected const string Erqi = "410103000000", Kaifeng = "410200000000", ZhengzhouPsb = "410100000000-PSB";
    /// <summary>The accounts of Zhengzhou's inspectors.</summary>
    protected const string InspectorLi = "inspector-li", InspectorMa = "inspector-ma";

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 9, 22, 2, 0, 0, TimeSpan.Zero));
    protected ServiceHost Registry { get; private set; } = null!;
    protected ServiceHost Host { get; private set; } = null!;
    protected TestAuthority Authority { get; private set; } = null!;
    protected string ZhouPing { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Authority = await TestAuthority.GetAsync();
        Registry = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
        }, services => services.AddSingleton<TimeProvider>(Clock));
        Host = await StartInspectionsAsync();
        var registry = TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice]));
        var report = await new RegistryApi.Integration.IntegrationClient(registry).ImportUnitsAsync(new RegistryApi.ImportUnitsRequest
        {
            Units =
            {
                Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
                Unit(Linshanzhai, "林山寨街道", "township", Zhongyuan), Unit(Erqi, "二七区", "county", Zhengzhou), Unit(Kaifeng, "开封市", "city", Province),
                Unit(ZhengzhouPsb, "郑州市公安局", "department", Zhengzhou),
            },
        });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
        var commissions = new RegistryApi.Commissions.CommissionsClient(registry);
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "郑州市平安建设领导小组", EstablishedOn = "2018-01-01" });
        await commissions.AddMemberUnitAsync(new RegistryApi.MemberUnitRequest { JurisdictionCode = Zhengzhou, UnitCode = ZhengzhouPsb, EffectiveOn = "2019-01-01" });
        var leadership = new RegistryApi.Leadership.LeadershipClient(TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.OrganisationLiaison])));
        ZhouPing = (await leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", Name = "周平", UnitCode = ZhengzhouPsb, Role = RegistryApi.LeadershipRole.Principal, StartsOn = "2024-01-01",
        })).LeaderId;
        await commissions.AppointCommissionMemberAsync(new RegistryApi.CommissionMemberRequest
        {
            JurisdictionCode = Zhengzhou, LeaderId = ZhouPing, Position = "副组长", MemberUnitCode = ZhengzhouPsb, StartsOn = "2024-01-01",
        });
    }

    protected async Task<ServiceHost> StartInspectionsAsync(params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:inspections"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Inspections:Sweep:Enabled"] = "false",
            ["Inspections:Evidence:MaxBytes"] = "65536",
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        return await ServiceHost.StartAsync(InspectionsApplication.Create, configuration, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Registry.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The inspections API as <paramref name="roles"/> of <paramref name="jurisdiction"/> (the office by default), as account <paramref name="subject"/>.</summary>
    protected Api.Inspections.InspectionsClient As(string jurisdiction, string[]? roles = null, string? subject = null, string? unit = null) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, roles ?? [PinganRoles.CommissionOffice], subject ?? $"office-of-{jurisdiction}", unit)));

    protected Api.Inspections.InspectionsClient Office(string jurisdiction) => As(jurisdiction);

    /// <summary>One of Zhengzhou's inspectors on the team.</summary>
    protected Api.Inspections.InspectionsClient Inspector(string subject = InspectorLi) => As(Zhengzhou, [PinganRoles.Inspector], subject);

    /// <summary>Every role there is, for the staff of <paramref name="unit"/> itself.</summary>
    protected static readonly string[] EveryRole =
    [
        PinganRoles.CommissionOffice, PinganRoles.CommissionLeader, PinganRoles.MemberUnitLiaison, PinganRoles.Inspector, PinganRoles.DisciplineLiaison,
        PinganRoles.OrganisationLiaison, PinganRoles.PersonnelLiaison, PinganRoles.Auditor, PinganRoles.Operator,
    ];

    protected void Today(string date) => Clock.SetUtcNow(new DateTimeOffset(DateOnly.ParseExact(date, "yyyy-MM-dd"), new TimeOnly(2, 0), TimeSpan.Zero));

    /// <summary>Zhengzhou's office plans an inspection of <paramref name="targets"/> with its two inspectors.</summary>
    protected async Task<Inspection> PlanAsync(Form form, params string[] targets)
    {
        var request = new PlanInspectionRequest
        {
            Form = form, Year = 2026, Title = "2026年第三季度平安建设督查", WorkItem = form == Form.Special ? "矛盾纠纷排查化解" : "",
            StartsOn = "2026-09-21", EndsOn = "2026-09-30",
            Team =
            {
                new TeamMember { Subject = InspectorLi, Name = "李明", UnitCode = Zhengzhou, Leads = true },
                new TeamMember { Subject = InspectorMa, Name = "马静", UnitCode = Zhengzhou },
            },
        };
        request.TargetCodes.AddRange(targets);
        return await Office(Zhengzhou).PlanInspectionAsync(request);
    }

    protected static byte[] Jpeg(int size = 2048)
    {
        var bytes = new byte[size];
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF; bytes[3] = 0xE0;
        return bytes;
    }

    protected static async Task<Api.Evidence> UploadPhotoAsync(Api.Inspections.InspectionsClient client, string inspectionId, string unit, string name = "现场照片.jpg") =>
        await client.UploadEvidenceAsync(new UploadEvidenceRequest
        {
            InspectionId = inspectionId, UnitCode = unit, FileName = name, CapturedAt = "2026-09-22T09:30:00+08:00", CapturedPlace = "中原区综治中心",
            File = new Google.Api.HttpBody { ContentType = "image/jpeg", Data = ByteString.CopyFrom(Jpeg()) },
        });

    /// <summary>A finding about <paramref name="target"/> that demands rectification within <paramref name="days"/> working days.</summary>
    protected static RecordFindingRequest Finding(string inspectionId, string target, int days = 10, params string[] evidence)
    {
        var request = new RecordFindingRequest
        {
            InspectionId = inspectionId, TargetCode = target, Concern = new Concern { Kind = ConcernKind.Indicator, Reference = "2026-03 矛盾纠纷化解率" },
            Severity = FindingSeverity.Serious, Description = "矛盾纠纷排查台账不全,多起纠纷未按期化解", ObservedOn = "2026-09-22",
            RectificationDemand = days > 0 ? "完善台账,逐件化解并报送结果" : "", RectificationWorkingDays = days,
        };
        request.EvidenceIds.AddRange(evidence);
        return request;
    }

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);

    private static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2023-01-01" };
}
