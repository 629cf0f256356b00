using Microsoft.Extensions.DependencyInjection;
using Pingan.Inspections.Api;
using Pingan.Sanctions;
using Pingan.Security;
using Pingan.Testing;
using SanctionsApi = Pingan.Sanctions.Api;

namespace Pingan.Inspections.Tests;

/// <summary>
/// Issue 13: a finding that is an Art. 31 situation, referred by the inspecting office, opens a sanctions case (source
/// INSPECTION_FINDING) for the competent office to verify, through the event the sanctions service consumes: a real
/// sanctions service on its own database, over the same broker.
/// </summary>
public sealed class ReferralTests : InspectionsTest
{
    private ServiceHost _sanctions = null!;
    private string _sanctionsDb = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _sanctions = await StartSanctionsAsync(_sanctionsDb = await Database.CreateSiblingAsync("sanctions"));
    }

    /// <summary>
    /// The sanctions service on <paramref name="database"/>: it follows the inspections' event log as its own client
    /// (pingan-sanctions, the province's auditor), as the identity service registers it (ADR 0012).
    /// </summary>
    private Task<ServiceHost> StartSanctionsAsync(string database) =>
        ServiceHost.StartAsync(SanctionsApplication.Create, new Dictionary<string, string?>(Authority.Settings().Concat(Authority.Client("pingan-sanctions", Province, [PinganRoles.Auditor])))
        {
            ["ConnectionStrings:sanctions"] = database,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Sanctions:Sweep:Enabled"] = "false",
            ["Sanctions:Referrals:Enabled"] = "false",
            ["Services:Inspections:Grpc"] = $"http://{Host.Channel.Target}",
        }, services => services.AddSingleton<TimeProvider>(Clock));

    private Api.Incidents.IncidentsClient IncidentOffice => new(TestAuthority.As(Host.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));

    public override async Task DisposeAsync()
    {
        await _sanctions.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_referred_finding_opens_one_sanctions_case_for_the_competent_office_to_verify_Art31()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var photo = await UploadPhotoAsync(Inspector(), plan.InspectionId, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 10, photo.EvidenceId))).Findings[0];
        await Office(Zhengzhou).ReferFindingAsync(new ReferFindingRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Clause = 4, Severity = "SERIOUS", Reasons = "短期内连续发生群体性事件,处置不力" });

        var cases = new SanctionsApi.Cases.CasesClient(TestAuthority.As(_sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));
        var opened = await WaitForCaseAsync(cases, c => c.SourceReference == $"inspection/{plan.InspectionId}/findings/{finding.FindingId}");
        Assert.Equal(SanctionsApi.Source.InspectionFinding, opened.Source);
        Assert.Equal(SanctionsApi.Severity.Serious, opened.Severity);
        Assert.Equal(4, opened.Clause);
        Assert.Equal("REGISTERED", opened.Status);
        Assert.Equal("2026-09-22", opened.IncidentOn);
        Assert.Equal([$"/v1/inspection-evidence/{photo.EvidenceId}"], opened.EvidenceLinks);
        Assert.Contains("处置不力", opened.Summary);
        // Zhengzhou, to whom 中原区 answers, verifies and proposes it like any case it registered (Art. 33).
        var proposed = await cases.ProposeMeasureAsync(new SanctionsApi.ProposeMeasureRequest { CaseId = opened.CaseId, Stage = SanctionsApi.Stage.Notice, Verification = "经核实,情况属实" });
        Assert.Equal("PROPOSED", proposed.Status);

        // The event delivered again (the same message id), and once more under a new id: still one case. (The service's
        // clock is the test's, months behind the database's, so the rows are due as of their own creation.)
        await Sql.ExecuteAsync(Database.ConnectionString, "UPDATE outbox_messages SET dispatched_at = NULL, next_attempt_at = created_at WHERE message_type LIKE '%FindingReferred%'");
        await Sql.ExecuteAsync(Database.ConnectionString, """
            INSERT INTO outbox_messages (message_id, message_type, body, created_at, next_attempt_at, attempts)
            SELECT gen_random_uuid(), message_type, body, created_at, created_at, 0 FROM outbox_messages WHERE message_type LIKE '%FindingReferred%'
            """);
        await WaitUntilAsync(async () => await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL") == 0, "every event dispatched");
        await WaitUntilAsync(async () => await Sql.ScalarAsync(_sanctionsDb, "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%InspectionFindingReferral'") == 2, "two deliveries applied");
        Assert.Single((await cases.ListCasesAsync(new SanctionsApi.ListCasesRequest { UnitCode = Zhongyuan })).Cases);
    }

    [Fact]
    public async Task A_referred_incident_opens_a_case_and_is_referred_once_Art31_Art38()
    {
        var incident = await IncidentOffice.ReportIncidentAsync(new ReportIncidentRequest
        {
            Category = IncidentCategory.MassIncident, OccurredAt = "2026-09-21T20:00:00+08:00", PlaceCode = Zhongyuan, Severity = FindingSeverity.Grave,
            Summary = "中原区发生群体性事件", ReporterName = "市信访局转来群众来信",
        });
        var refer = new ReferIncidentRequest { IncidentId = incident.IncidentId, Clause = 4, Severity = "ORDINARY", Reasons = "处置不力,造成恶劣影响" };
        var referred = await IncidentOffice.ReferIncidentAsync(refer);
        Assert.Equal(4, referred.ReferredClause);
        Assert.Equal(["incident_id"], Fields(await Refused(() => IncidentOffice.ReferIncidentAsync(refer).ResponseAsync, Grpc.Core.StatusCode.InvalidArgument)));
        var cases = new SanctionsApi.Cases.CasesClient(TestAuthority.As(_sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));
        var opened = await WaitForCaseAsync(cases, c => c.SourceReference == $"incident/{incident.IncidentId}");
        Assert.Equal((SanctionsApi.Source.Incident, "2026-09-21", "REGISTERED"), (opened.Source, opened.IncidentOn, opened.Status));
    }

    [Fact]
    public async Task An_acceptance_check_cites_the_inspection_whose_verdict_backs_it_Art33_Art34()
    {
        // A notice of 中原区, its measures reported and acceptance applied for.
        SanctionsApi.Cases.CasesClient CasesAs(string jurisdiction, string role = PinganRoles.CommissionOffice) =>
            new(TestAuthority.As(_sanctions.Channel, Authority.Token(jurisdiction, [role], $"{role}-of-{jurisdiction}")));
        var opened = await CasesAs(Zhengzhou).OpenCaseAsync(new SanctionsApi.OpenCaseRequest
            { SubjectCode = Zhongyuan, Clause = 4, Source = SanctionsApi.Source.Incident, Severity = SanctionsApi.Severity.Ordinary, IncidentOn = "2026-09-20", Summary = "群体性事件" });
        await CasesAs(Zhengzhou).ProposeMeasureAsync(new SanctionsApi.ProposeMeasureRequest { CaseId = opened.CaseId, Stage = SanctionsApi.Stage.Notice, Verification = "经核实,情况属实" });
        await CasesAs(Zhengzhou, PinganRoles.CommissionLeader).DecideProposalAsync(new SanctionsApi.DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-09-21" });
        await CasesAs(Zhongyuan).SubmitReportAsync(new SanctionsApi.SubmitReportRequest { CaseId = opened.CaseId, Kind = SanctionsApi.ReportKind.Measures, Text = "整改措施" });
        await CasesAs(Zhongyuan).ApplyForAcceptanceAsync(new SanctionsApi.ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "申请验收" });

        // Zhengzhou's acceptance inspection of 中原区 finds one thing still to rectify.
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan))).Findings[0];
        var check = new SanctionsApi.CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "验收合格", AcceptanceInspectionId = plan.InspectionId };
        var underWay = await Refused(() => CasesAs(Zhengzhou).CheckAcceptanceAsync(check).ResponseAsync, Grpc.Core.StatusCode.InvalidArgument);
        Assert.Contains("still under way", underWay.Status.Detail);
        await Office(Zhengzhou).CompleteInspectionAsync(new CompleteInspectionRequest { InspectionId = plan.InspectionId });
        var open = await Refused(() => CasesAs(Zhengzhou).CheckAcceptanceAsync(check).ResponseAsync, Grpc.Core.StatusCode.InvalidArgument);
        Assert.Equal(["acceptance_inspection_id"], Fields(open));
        Assert.Equal("ACCEPTANCE_REQUESTED", (await CasesAs(Zhengzhou).GetCaseAsync(new SanctionsApi.GetCaseRequest { CaseId = opened.CaseId })).Status);

        // Rectified and verified: the inspection backs the passed check, and the case file names it.
        var proof = await UploadPhotoAsync(As(Zhongyuan), plan.InspectionId, Zhongyuan);
        await As(Zhongyuan).ReportRectificationAsync(new ReportRectificationRequest { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Report = "已整改", EvidenceIds = { proof.EvidenceId } });
        await Inspector().VerifyRectificationAsync(new VerifyRectificationRequest { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Accepted = true });
        Assert.Equal("CLOSED", (await CasesAs(Zhengzhou).CheckAcceptanceAsync(check)).Status);
        var file = await CasesAs(Zhengzhou).GetCaseFileAsync(new SanctionsApi.GetCaseFileRequest { CaseId = opened.CaseId });
        Assert.Contains(plan.InspectionId, file.ToString());
    }

    [Fact]
    public async Task A_finding_referred_before_the_sanctions_service_listens_opens_its_case_once_from_the_event_log_ADR0012()
    {
        // The sanctions service is stopped and its queues are deleted, as if it had never run (a new installation of it).
        // (A test host's queues take the prefix "testhost", the process's name, where a deployed one's take "sanctions".)
        await VirtualHost.RemoveConsumerAsync(_sanctions, "testhost-inspection-finding-referral", "testhost-incident-referral");
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var first = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 10))).Findings[0];
        await Office(Zhengzhou).ReferFindingAsync(new ReferFindingRequest
            { InspectionId = plan.InspectionId, FindingId = first.FindingId, Clause = 4, Severity = "ORDINARY", Reasons = "处置不力" });
        await WaitUntilAsync(async () => await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL") == 0,
            "the referral dispatched, to no queue");

        // It starts on the same database: its queues are bound, then it reads what it missed from the inspections' log.
        _sanctions = await StartSanctionsAsync(_sanctionsDb);
        var cases = new SanctionsApi.Cases.CasesClient(TestAuthority.As(_sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));
        var missed = await WaitForCaseAsync(cases, c => c.SourceReference == $"inspection/{plan.InspectionId}/findings/{first.FindingId}");
        Assert.Equal((SanctionsApi.Source.InspectionFinding, "REGISTERED"), (missed.Source, missed.Status));
        Assert.True(Authority.TokensIssuedTo("pingan-sanctions") > 0, "the log is read as the sanctions service's own client");
        await WaitUntilAsync(async () => await Sql.ScalarAsync(_sanctionsDb,
            "SELECT count(*) FROM event_log_positions WHERE stream = 'inspections/testhost-inspection-finding-referral' AND last_sequence > 0") == 1, "its position kept");

        // A later referral comes through the broker; the first is not applied again.
        var second = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 11))).Findings.Single(f => f.FindingId != first.FindingId);
        await Office(Zhengzhou).ReferFindingAsync(new ReferFindingRequest
            { InspectionId = plan.InspectionId, FindingId = second.FindingId, Clause = 4, Severity = "ORDINARY", Reasons = "处置不力" });
        await WaitForCaseAsync(cases, c => c.SourceReference == $"inspection/{plan.InspectionId}/findings/{second.FindingId}");
        Assert.Equal(2, (await cases.ListCasesAsync(new SanctionsApi.ListCasesRequest { UnitCode = Zhongyuan })).Cases.Count);
        Assert.Equal(2L, await Sql.ScalarAsync(_sanctionsDb, "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%InspectionFindingReferral'"));
    }

    private static async Task<SanctionsApi.Case> WaitForCaseAsync(SanctionsApi.Cases.CasesClient cases, Func<SanctionsApi.Case, bool> match,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(match))] string what = "")
    {
        SanctionsApi.Case? found = null;
        await WaitUntilAsync(async () => (found = (await cases.ListCasesAsync(new SanctionsApi.ListCasesRequest { UnitCode = Zhongyuan })).Cases.FirstOrDefault(match)) is not null,
            $"the case ({what})");
        return found!;
    }

    /// <summary>Waits on a condition (30 s at most), as every test here does: <see cref="Eventually"/>.</summary>
    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what = "the case") =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(30), what);
}
