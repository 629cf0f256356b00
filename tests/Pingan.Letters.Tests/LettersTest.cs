using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pingan.Letters.Api;
using Pingan.Registry;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Letters.Tests;

/// <summary>
/// The letters service beside a real registry, on real ports, PostgreSQL and RabbitMQ; "today" is 2026-02-10 in
/// China. The registry holds part of Henan: the province with two departments, Zhengzhou (中原区, 二七区, and
/// 巩义市, province-direct) and Kaifeng (龙亭区).
/// </summary>
public abstract class LettersTest : InfrastructureTest
{
    protected const string Province = "410000000000", Zhengzhou = "410100000000", Kaifeng = "410200000000", Gongyi = "410181000000";
    protected const string Zhongyuan = "410102000000", Erqi = "410103000000", Longting = "410202000000";
    protected const string ProvincePsb = "410000000000-PSB", ProvinceEdu = "410000000000-EDU";

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 2, 10, 2, 0, 0, TimeSpan.Zero));
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
        Host = await ServiceHost.StartAsync(LettersApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:letters"] = Database.ConnectionString,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Letters:Evidence:MaxBytes"] = "1048576",
        }, services => services.AddSingleton<TimeProvider>(Clock));
        var report = await new RegistryApi.Integration.IntegrationClient(As(Province, PinganRoles.CommissionOffice, Registry)).ImportUnitsAsync(
            new RegistryApi.ImportUnitsRequest
            {
                Units =
                {
                    Unit(Province, "河南省", "province", ""), Unit(ProvincePsb, "河南省公安厅", "department", Province),
                    Unit(ProvinceEdu, "河南省教育厅", "department", Province),
                    Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou), Unit(Erqi, "二七区", "county", Zhengzhou),
                    Unit(Gongyi, "巩义市", "county", Zhengzhou, provinceDirect: true), Unit("410181001000", "孝义街道", "township", Gongyi),
                    Unit(Kaifeng, "开封市", "city", Province), Unit(Longting, "龙亭区", "county", Kaifeng),
                    Unit("410102001000", "林山寨街道", "township", Zhongyuan),
                    Unit(Province + "-PC", "中共河南省委", "party_committee", Province), Unit(Zhengzhou + "-PC", "中共郑州市委", "party_committee", Zhengzhou),
                    Unit(Zhengzhou + "-GOV", "郑州市人民政府", "government", Zhengzhou),
                },
            });
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
    }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Registry.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Calls as an account of <paramref name="jurisdiction"/> with <paramref name="roles"/>, to the letters service unless another host is named.</summary>
    protected CallInvoker As(string jurisdiction, string role, ServiceHost? host = null) =>
        TestAuthority.As((host ?? Host).Channel, Authority.Token(jurisdiction, [role], $"office-of-{jurisdiction}"));

    protected Api.Templates.TemplatesClient TemplatesOf(string jurisdiction, string role = PinganRoles.CommissionOffice) => new(As(jurisdiction, role));

    protected Api.Letters.LettersClient LettersOf(string jurisdiction, string role = PinganRoles.CommissionOffice) => new(As(jurisdiction, role));

    /// <summary>A template of <paramref name="issuer"/> for 2026 whose targets have the given weights.</summary>
    protected static CreateTemplateRequest Draft(string issuer, params (string Code, string Weight, string Parent)[] targets)
    {
        var request = new CreateTemplateRequest { Year = 2026, IssuerCode = issuer, Title = "2026年度平安建设目标管理责任书", KeyTasks = { "矛盾纠纷排查化解", "社会治安防控体系建设" } };
        request.Targets.AddRange(targets.Select(t => new TargetDraft
        {
            Code = t.Code, Indicator = $"指标 {t.Code}", TargetValue = "95", UnitOfMeasure = "%", EvidenceRequired = "工作台账", Weight = t.Weight, ParentTargetId = t.Parent,
        }));
        return request;
    }

    protected static Task<RpcException> Refused(Func<Task> call, StatusCode code) => GrpcAssert.Refused(call, code);

    protected static List<string> Fields(RpcException error) => GrpcAssert.Fields(error);

    /// <summary>How many rows a set of the letters database holds now.</summary>
    protected async Task<int> CountAsync<T>(Func<Pingan.Letters.Persistence.LettersDb, IQueryable<T>> set)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(set(scope.ServiceProvider.GetRequiredService<Pingan.Letters.Persistence.LettersDb>()));
    }

    /// <summary>The province's 2026 letter to Zhengzhou, issued with two targets weighted 60 and 40.</summary>
    protected async Task<string> IssueToZhengzhouAsync()
    {
        var template = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "60", ""), ("2", "40", "")));
        var report = await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId });
        return report.Letters.Single(l => l.ReceiverCode == Zhengzhou).LetterId;
    }

    /// <summary>
    /// Takes a letter's row lock in a transaction of the test's own and keeps it until disposed: calls made meanwhile
    /// that change the letter queue behind it (issue 12). With <see cref="WaitForWaitersAsync"/>, a test establishes
    /// that several calls are in flight at once instead of hoping they overlap.
    /// </summary>
    protected async Task<IAsyncDisposable> HoldLetterAsync(string letterId)
    {
        var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT 1 FROM letters WHERE id = $1 FOR UPDATE", connection, tx) { Parameters = { new() { Value = Guid.Parse(letterId) } } })
            await command.ExecuteScalarAsync();
        return new Held(connection, tx);
    }

    /// <summary>
    /// Waits until <paramref name="count"/> calls queue behind a letter's row lock. Only the lock statement counts: the
    /// signing-reminder sweep, which a jump of the clock starts, inserts reminders whose foreign key waits on the same row,
    /// and counting it let a later call reach the row before an earlier one.
    /// </summary>
    protected Task WaitForWaitersAsync(int count) => Database.WaitForLockWaitersAsync(count, "FROM letters WHERE id");

    private sealed class Held(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.CommitAsync();
            await connection.DisposeAsync();
        }
    }

    private static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent, bool provinceDirect = false) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, ProvinceDirect = provinceDirect, EffectiveOn = "2023-01-01" };
}
