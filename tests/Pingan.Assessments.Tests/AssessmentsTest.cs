using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Registry;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Tests;

/// <summary>
/// The assessments service beside a real registry, on real ports, PostgreSQL and RabbitMQ. The registry holds part of
/// Henan: the province; Zhengzhou with 中原区 and 二七区; Kaifeng. Today is Tuesday 1 December 2026, the assessment season.
/// </summary>
public abstract class AssessmentsTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000", Erqi = "410103000000", Kaifeng = "410200000000";

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
    protected ServiceHost Registry { get; private set; } = null!;
    protected ServiceHost Host { get; private set; } = null!;
    protected TestAuthority Authority { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Authority = await TestAuthority.GetAsync();
        Registry = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
        }, services => services.AddSingleton<TimeProvider>(Clock));
        Host = await StartAssessmentsAsync();
        var registry = TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice]));
        var report = await new RegistryApi.Integration.IntegrationClient(registry).ImportUnitsAsync(new RegistryApi.ImportUnitsRequest
        {
            Units =
            {
                Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
                Unit(Erqi, "二七区", "county", Zhengzhou), Unit(Kaifeng, "开封市", "city", Province),
                // The party committees, where the leaders hold their terms; a level's own is never graded by its commission.
                Unit(Province + "-PC", "中共河南省委", "party_committee", Province), Unit(Zhengzhou + "-PC", "中共郑州市委", "party_committee", Zhengzhou), Unit(Erqi + "-PC", "中共二七区委", "party_committee", Erqi),
            },
        });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
    }

    /// <summary>
    /// The assessments service on the test's database; with <paramref name="inspections"/>, following that service's
    /// events and reading its event log as its own client (pingan-assessments, the province's auditor; ADR 0012).
    /// </summary>
    protected Task<ServiceHost> StartAssessmentsAsync(ServiceHost? inspections = null)
    {
        var settings = new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:assessments"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        };
        if (inspections is not null)
        {
            settings["Services:Inspections:Grpc"] = $"http://{inspections.Channel.Target}";
            foreach (var (key, value) in Authority.Client("pingan-assessments", Province, [PinganRoles.Auditor])) settings[key] = value;
        }
        return ServiceHost.StartAsync(AssessmentsApplication.Create, settings, services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Stops the running assessments service and deletes its queues, as if it had never run here.</summary>
    protected async Task RemoveAssessmentsAsync(params string[] queues)
    {
        await VirtualHost.RemoveConsumerAsync(Host, queues);
        Host = null!;
    }

    protected async Task RestartAssessmentsAsync(ServiceHost? inspections = null)
    {
        if (Host is not null) await Host.DisposeAsync();
        Host = await StartAssessmentsAsync(inspections);
    }

    /// <summary>Puts <paramref name="message"/> on <paramref name="queue"/> as a producer's outbox would (<see cref="IsolatedVirtualHost.DeliverAsync{T}"/>).</summary>
    protected Task<Guid> DeliverAsync<T>(string queue, T message, long sequence) => VirtualHost.DeliverAsync(queue, message, sequence);

    /// <summary>Whether the inbox has applied the message <paramref name="messageId"/>.</summary>
    protected async Task<bool> AppliedAsync(Guid messageId) =>
        await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId) == 1;

    protected Task<long> InboxCountAsync() => Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages");

    public override async Task DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        await Registry.DisposeAsync();
        await base.DisposeAsync();
    }

    private static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2023-01-01" };

    /// <summary>A call into the assessments service as the account "{role}-of-{jurisdiction}".</summary>
    private Grpc.Core.CallInvoker As(string jurisdiction, string role) =>
        TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{jurisdiction}"));

    protected Api.Schemes.SchemesClient Schemes(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(As(jurisdiction, role));

    protected Api.Assessments.AssessmentsClient Assessments(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(As(jurisdiction, role));

    protected Api.Surveys.SurveysClient Surveys(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(As(jurisdiction, role));

    protected Api.Commendations.CommendationsClient Commendations(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(As(jurisdiction, role));

    protected Api.Recognition.RecognitionClient Recognition(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(As(jurisdiction, role));

    /// <summary>Zhengzhou's 2026 assessment opened, scored (no inputs: 45 each, 不合格), <paramref name="excellent"/> adjusted to 优秀; approved by its leader unless told not to.</summary>
    protected async Task AssessZhengzhouAsync(string? excellent, bool approve = true)
    {
        await Assessments(Zhengzhou).OpenAssessmentAsync(new Api.OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        await Assessments(Zhengzhou).ScoreAssessmentAsync(new Api.ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        if (excellent is not null)
            await Assessments(Zhengzhou).AdjustGradeAsync(new Api.AdjustGradeRequest
                { AssessingCode = Zhengzhou, Year = 2026, UnitCode = excellent, Grade = Api.Grade.Excellent, Reasons = "考核组实地核查,工作成效突出" });
        if (approve)
            await Assessments(Zhengzhou, PinganRoles.CommissionLeader).ApproveAssessmentAsync(new Api.ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
    }

    /// <summary>A leader's term in the registry, as the organisation department's system records it.</summary>
    protected async Task<string> AppointAsync(string name, string unit, RegistryApi.LeadershipRole role, string cadreAuthority, string portfolio = "")
    {
        var leadership = new RegistryApi.Leadership.LeadershipClient(TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.OrganisationLiaison])));
        return (await leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", Name = name, UnitCode = unit, Role = role, Portfolio = portfolio, Title = role == RegistryApi.LeadershipRole.Principal ? "书记" : "副书记",
            StartsOn = "2024-01-01", CadreAuthorityCode = cadreAuthority,
        })).LeaderId;
    }

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);
}
