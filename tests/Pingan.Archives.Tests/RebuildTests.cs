using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pingan.Archives.Api;
using Pingan.Archives.Keeping;
using Pingan.Archives.Persistence;
using Pingan.Persistence;
using Pingan.Sanctions;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;
using SanctionsApi = Pingan.Sanctions.Api;

namespace Pingan.Archives.Tests;

/// <summary>
/// The archives are a read model of the producers' events (Art. 22 "建立健全…档案"): emptied and rebuilt from the
/// registry's and the sanctions service's event logs, they are the archives the events built, and the office's own
/// grades stay.
/// </summary>
public sealed class RebuildTests : ArchivesTest
{
    public RebuildTests(Xunit.Abstractions.ITestOutputHelper output) => Output = output;

    [Fact]
    public async Task Archives_rebuilt_from_the_producers_event_logs_equal_the_ones_the_events_built_Art22()
    {
        await using var departments = DepartmentSystems.DepartmentSystemsApp.Create(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await departments.StartAsync();
        await using var sanctions = await ServiceHost.StartAsync(SanctionsApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:sanctions"] = await Database.CreateSiblingAsync("sanctions"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Sanctions:Sweep:Enabled"] = "false",
            ["Sanctions:Referrals:Enabled"] = "false",
            ["Sanctions:Departments:discipline"] = $"{departments.Urls.First()}/discipline/",
            ["Sanctions:Departments:organisation"] = $"{departments.Urls.First()}/organisation/",
        }, services => services.AddSingleton<TimeProvider>(Clock));
        await RestartArchivesAsync(sanctions);
        // The registry changes too: the county's party committee is renamed (an event the archives place posts by).
        var registry = TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice]));
        var commissions = new RegistryApi.Commissions.CommissionsClient(registry);
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "郑州市综治委", EstablishedOn = "2018-01-01" });
        await commissions.AddMemberUnitAsync(new RegistryApi.MemberUnitRequest { JurisdictionCode = Zhengzhou, UnitCode = ZhengzhouPsb, EffectiveOn = "2019-01-01" });
        await new RegistryApi.Units.UnitsClient(registry).UpdateUnitAsync(new RegistryApi.UpdateUnitRequest { Code = ErqiPc, Name = "中共郑州市二七区委", EffectiveOn = "2026-11-01" });

        // A case against 二七区 and its notice, through the sanctions service's API.
        var cases = new SanctionsApi.Cases.CasesClient(TestAuthority.As(sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice], "office-of-zhengzhou")));
        var opened = await cases.OpenCaseAsync(new SanctionsApi.OpenCaseRequest
        {
            SubjectCode = Erqi, Clause = 4, Source = SanctionsApi.Source.Incident, Severity = SanctionsApi.Severity.Ordinary, IncidentOn = "2026-05-10",
            Summary = "二七区短期内连续发生两起群体性事件",
        });
        await cases.ProposeMeasureAsync(new SanctionsApi.ProposeMeasureRequest { CaseId = opened.CaseId, Stage = SanctionsApi.Stage.Notice, Verification = "经核实,情况属实" });
        await new SanctionsApi.Cases.CasesClient(TestAuthority.As(sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionLeader], "leader-of-zhengzhou")))
            .DecideProposalAsync(new SanctionsApi.DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-11-20" });
        // Every event the snapshot reflects applied first (each queue is consumed on its own: the notice may come before the case).
        const string progress = """
            SELECT format('%s notice(s), %s open case(s), %s ended term(s), %s renamed unit(s)',
                (SELECT count(*) FROM unit_records WHERE kind = 'NOTICE'), (SELECT count(*) FROM cases WHERE opened_on IS NOT NULL),
                (SELECT count(*) FROM terms WHERE ends_on IS NOT NULL), (SELECT count(*) FROM units WHERE name = '中共郑州市二七区委'))
            """;
        await Eventually.HoldsAsync(async () => await Sql.TextAsync(Database.ConnectionString, progress) == "1 notice(s), 1 open case(s), 2 ended term(s), 1 renamed unit(s)",
            TimeSpan.FromSeconds(120), "the case, its notice, the departures and the renaming in the archives",
            () => Sql.TextAsync(Database.ConnectionString, progress));
        await Archives(Zhengzhou).SetYearlyGradeAsync(new SetYearlyGradeRequest
            { LeaderId = WangFang, Year = 2026, KeeperCode = Zhengzhou, Grade = ArchiveGrade.Pass, Reasons = "到任后推动整改,成效初显" });
        var built = await SnapshotAsync();
        var applied = await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages");
        Assert.Contains(built.OfType<Archive>(), a => a.Years.Any(y => y.Sanctions.Any(s => s.Kind == "NOTICE")));

        // Emptied with the service stopped, as the rebuild step does, then started: it reads both logs from the beginning.
        await Host.DisposeAsync();
        await using (var db = new ArchivesDb(new DbContextOptionsBuilder<ArchivesDb>().UsePinganPostgres(Database.ConnectionString).Options))
            await new RebuildStep(db, NullLogger<RebuildStep>.Instance).RunAsync(CancellationToken.None);
        Assert.Equal(0, await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM terms"));
        Assert.Equal(0, await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM unit_records"));
        Host = await StartArchivesAsync(sanctions);
        // Caught up when every event applied before (each under its message id, the log's copy the broker's) is applied again.
        await Eventually.HoldsAsync(async () => await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages") >= applied,
            TimeSpan.FromSeconds(180), $"the {applied} events applied again from the logs",
            // Whether the logs were read (the positions) tells a replay that never started from one sent but not consumed.
            async () => $"{await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM inbox_messages")} applied; log positions: "
                + await Sql.TextAsync(Database.ConnectionString, "SELECT coalesce(string_agg(stream || ' = ' || last_sequence, ', '), 'none') FROM event_log_positions"));
        Assert.Equal(string.Join("\n", built), string.Join("\n", await SnapshotAsync()));
    }

    /// <summary>Every archive Zhengzhou keeps, and one consultation's findings, as the office and the department read them.</summary>
    private async Task<List<Google.Protobuf.IMessage>> SnapshotAsync()
    {
        var snapshot = new List<Google.Protobuf.IMessage>();
        foreach (var leader in new[] { ZhouQiang, LiMing, WangFang, ZhaoLei, SunWei })
            snapshot.Add(await Archives(Zhengzhou).GetArchiveAsync(new GetArchiveRequest { LeaderId = leader }));
        var answer = await Consultations(Zhengzhou).ConsultAsync(Ask(WangFang, "2026-11-30"));
        snapshot.Add(answer.Archive);
        snapshot.Add(new Consultation { OpenCases = { answer.OpenCases }, Disqualifications = { answer.Disqualifications }, PostsOnDate = { answer.PostsOnDate } });
        return snapshot;
    }
}
