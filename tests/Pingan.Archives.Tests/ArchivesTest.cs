using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Registry;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Archives.Tests;

/// <summary>
/// The archives service beside a real registry, on real ports, PostgreSQL and RabbitMQ, following the registry's
/// events and its event log. The registry holds part of Henan: the province; Zhengzhou with 二七区 and its public
/// security bureau (a member unit of Zhengzhou's commission); Kaifeng. Today is Tuesday 1 December 2026.
/// 二七区's party secretaries: 李明 (2024-01-01 to 2026-06-30), then 王芳 (from 2026-07-01); before 李明, 周强
/// (2021-01-01 to 2023-12-31). Its deputy secretary 赵磊 is in charge of comprehensive management (政法); 钱进, another
/// deputy, is not. 孙伟 heads Zhengzhou's public security bureau. All are Zhengzhou's cadres (中共郑州市委).
/// </summary>
public abstract class ArchivesTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Erqi = "410103000000", Kaifeng = "410200000000";
    protected const string ErqiPc = Erqi + "-PC", ZhengzhouPc = Zhengzhou + "-PC", ZhengzhouPsb = Zhengzhou + "-PSB";
    /// <summary>The platform's consultation key in these tests (32 bytes, base64).</summary>
    protected const string ConsultationKey = "dGVzdC1jb25zdWx0YXRpb24ta2V5LTMyLWJ5dGVzLSE=";

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
    protected ServiceHost Registry { get; private set; } = null!;
    protected ServiceHost Host { get; set; } = null!;
    protected TestAuthority Authority { get; private set; } = null!;
    /// <summary>Where a test wants the archives service's warnings (its event-log followers' among them), if anywhere.</summary>
    protected Xunit.Abstractions.ITestOutputHelper? Output { get; set; }
    protected string ZhouQiang { get; private set; } = "";
    protected string LiMing { get; private set; } = "";
    protected string WangFang { get; private set; } = "";
    protected string ZhaoLei { get; private set; } = "";
    protected string QianJin { get; private set; } = "";
    protected string SunWei { get; private set; } = "";
    protected string LiMingTerm { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Authority = await TestAuthority.GetAsync();
        Registry = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        }, services => services.AddSingleton<TimeProvider>(Clock));
        Host = await StartArchivesAsync();
        var report = await new RegistryApi.Integration.IntegrationClient(TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice])))
            .ImportUnitsAsync(new RegistryApi.ImportUnitsRequest
            {
                Units =
                {
                    Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Erqi, "二七区", "county", Zhengzhou),
                    Unit(Kaifeng, "开封市", "city", Province), Unit(Province + "-PC", "中共河南省委", "party_committee", Province),
                    Unit(ZhengzhouPc, "中共郑州市委", "party_committee", Zhengzhou), Unit(ZhengzhouPsb, "郑州市公安局", "department", Zhengzhou),
                    Unit(ErqiPc, "中共郑州市二七区委员会", "party_committee", Erqi), Unit(Kaifeng + "-PC", "中共开封市委", "party_committee", Kaifeng),
                },
            });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
        (ZhouQiang, _) = await AppointAsync("周强", ErqiPc, RegistryApi.LeadershipRole.Principal, "2021-01-01", "2023-12-31");
        (LiMing, LiMingTerm) = await AppointAsync("李明", ErqiPc, RegistryApi.LeadershipRole.Principal, "2024-01-01", "2026-06-30");
        (WangFang, _) = await AppointAsync("王芳", ErqiPc, RegistryApi.LeadershipRole.Principal, "2026-07-01");
        (ZhaoLei, _) = await AppointAsync("赵磊", ErqiPc, RegistryApi.LeadershipRole.InCharge, "2024-01-01", portfolio: "政法");
        (QianJin, _) = await AppointAsync("钱进", ErqiPc, RegistryApi.LeadershipRole.InCharge, "2024-01-01", portfolio: "宣传");
        (SunWei, _) = await AppointAsync("孙伟", ZhengzhouPsb, RegistryApi.LeadershipRole.Principal, "2023-01-01");
        await WaitForPostsAsync(6, ended: 2);
        // The units' events may arrive after the terms' (no order between them): the callers' jurisdictions must be known.
        await Eventually.HoldsAsync(async () =>
            await Sql.ScalarAsync(Database.ConnectionString,
                $"SELECT count(*) FROM units WHERE code IN ('{Province}', '{Zhengzhou}', '{Erqi}', '{Kaifeng}', '{ZhengzhouPsb}', '{ErqiPc}')") == 6,
            TimeSpan.FromSeconds(60), "the imported units in the archives");
    }

    /// <summary>The archives service on the test's database, following the registry (and <paramref name="sanctions"/>) as pingan-archives.</summary>
    protected Task<ServiceHost> StartArchivesAsync(ServiceHost? sanctions = null)
    {
        var settings = new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:archives"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Archives:ConsultationKey"] = ConsultationKey,
        };
        if (sanctions is not null) settings["Services:Sanctions:Grpc"] = $"http://{sanctions.Channel.Target}";
        foreach (var (key, value) in Authority.Client("pingan-archives", Province, [PinganRoles.Auditor])) settings[key] = value;
        return ServiceHost.StartAsync(ArchivesApplication.Create, settings, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (Output is not null) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new XunitLoggerProvider(Output, Microsoft.Extensions.Logging.LogLevel.Warning));
        });
    }

    protected async Task RestartArchivesAsync(ServiceHost? sanctions = null)
    {
        await Host.DisposeAsync();
        Host = await StartArchivesAsync(sanctions);
    }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Registry.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A term recorded by the organisation department (a correction of history, with its reason); returns the leader's and the term's ids.</summary>
    protected async Task<(string Leader, string Term)> AppointAsync(string name, string unit, RegistryApi.LeadershipRole role, string starts, string? ends = null,
        string portfolio = "", string leaderId = "")
    {
        var leadership = new RegistryApi.Leadership.LeadershipClient(TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.OrganisationLiaison])));
        var term = await leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", LeaderId = leaderId, Name = leaderId.Length > 0 ? "" : name, UnitCode = unit, Role = role, Portfolio = portfolio,
            Title = role == RegistryApi.LeadershipRole.Principal ? "书记" : "副书记", StartsOn = starts, CadreAuthorityCode = ZhengzhouPc,
        });
        if (ends is not null)
            await leadership.EndTermAsync(new RegistryApi.EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, EndsOn = ends, Reason = "调任" });
        return (term.LeaderId, term.TermId);
    }

    /// <summary>Waits until the archives know <paramref name="count"/> posts with their starts and <paramref name="ended"/> with their ends (the registry's events applied).</summary>
    protected Task WaitForPostsAsync(int count, int ended = 0) => Eventually.HoldsAsync(async () =>
        await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM terms WHERE starts_on IS NOT NULL") >= count
        && await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM terms WHERE ends_on IS NOT NULL") >= ended,
        TimeSpan.FromSeconds(60), $"{count} posts, {ended} of them ended, in the archives");

    /// <summary>
    /// Puts <paramref name="message"/> on the archives' queue for <paramref name="feed"/> as a producer's outbox would
    /// (MassTransit's envelope, the Pingan-Sequence header), and waits until the inbox applied it.
    /// </summary>
    protected async Task DeliverAsync<T>(string feed, T message, long sequence = 1)
    {
        var id = await VirtualHost.DeliverAsync($"testhost-{feed}", message, sequence);
        await Eventually.HoldsAsync(async () => await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages WHERE message_id = $1", id) == 1,
            TimeSpan.FromSeconds(60), $"{typeof(T).Name} applied");
    }

    protected Api.Archives.ArchivesClient Archives(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{jurisdiction}")));

    protected Api.Consultations.ConsultationsClient Consultations(string jurisdiction, string role = PinganRoles.OrganisationLiaison) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{jurisdiction}")));

    protected static Api.ConsultRequest Ask(string leader, string asOf, Api.ConsultationPurpose purpose = Api.ConsultationPurpose.Promotion) =>
        new() { LeaderId = leader, AsOf = asOf, Purpose = purpose, Reference = "郑组干〔2026〕18号" };

    protected static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2020-01-01" };

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);
}
