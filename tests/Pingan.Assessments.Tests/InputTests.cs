using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Assessments.Api;
using Pingan.Inspections;
using Pingan.Security;
using Pingan.Testing;
using InspectionsApi = Pingan.Inspections.Api;

namespace Pingan.Assessments.Tests;

/// <summary>
/// Issue 14: the inputs come from the producers' events (here a real inspections service over the same broker), and an
/// assessments service that starts after them reads what it missed from the producer's event log (ADR 0012); each
/// input names where it came from.
/// </summary>
public sealed class InputTests : AssessmentsTest
{
    private ServiceHost _inspections = null!;
    private string _inspectionsDb = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _inspections = await ServiceHost.StartAsync(InspectionsApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:inspections"] = _inspectionsDb = await Database.CreateSiblingAsync("inspections"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Inspections:Sweep:Enabled"] = "false",
        }, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _inspections.DisposeAsync();
    }

    private InspectionsApi.Inspections.InspectionsClient InspectionsAs(string jurisdiction, string role = PinganRoles.CommissionOffice, string? subject = null) =>
        new(TestAuthority.As(_inspections.Channel, Authority.Token(jurisdiction, [role], subject ?? $"{role}-of-{jurisdiction}")));

    private Api.Inputs.InputsClient InputsAs(string jurisdiction) =>
        new(TestAuthority.As(Host.Channel, Authority.Token(jurisdiction, [PinganRoles.CommissionOffice], $"office-of-{jurisdiction}")));

    private async Task<string> FindingAsync(InspectionsApi.FindingSeverity severity, int rectificationWorkingDays = 0)
    {
        var plan = await InspectionsAs(Zhengzhou).PlanInspectionAsync(new InspectionsApi.PlanInspectionRequest
        {
            Form = InspectionsApi.Form.Special, Year = 2026, Title = "年度督查", WorkItem = "矛盾纠纷排查化解", StartsOn = "2026-11-02", EndsOn = "2026-11-13",
            Team = { new InspectionsApi.TeamMember { Subject = "inspector-li", Name = "李明", UnitCode = Zhengzhou, Leads = true } },
            TargetCodes = { Zhongyuan },
        });
        var found = await InspectionsAs(Zhengzhou, PinganRoles.Inspector, "inspector-li").RecordFindingAsync(new InspectionsApi.RecordFindingRequest
        {
            InspectionId = plan.InspectionId, TargetCode = Zhongyuan, Severity = severity, Description = "台账不全", ObservedOn = "2026-11-05",
            Concern = new InspectionsApi.Concern { Kind = InspectionsApi.ConcernKind.Indicator, Reference = "矛盾纠纷化解率" },
            RectificationDemand = rectificationWorkingDays > 0 ? "限期补齐台账" : "", RectificationWorkingDays = rectificationWorkingDays,
        });
        return found.Findings[0].FindingId;
    }

    private Task<InputList> InputsOfAsync(string unit) => InputsAs(Zhengzhou).ListInputsAsync(new ListInputsRequest { UnitCode = unit, Year = 2026 }).ResponseAsync;

    [Fact]
    public async Task Findings_and_incidents_become_inputs_with_their_source_even_those_published_before_the_service_listened_ADR0012()
    {
        // The assessments service is replaced by one that has never run here: its queues are gone.
        // (A test host's queues take the prefix "testhost", the process's name, where a deployed one's take "assessments".)
        await RemoveAssessmentsAsync("testhost-finding-input", "testhost-incident-input", "testhost-duty-submitted-input", "testhost-duty-missed-input");
        var serious = await FindingAsync(InspectionsApi.FindingSeverity.Serious);
        var incident = await new InspectionsApi.Incidents.IncidentsClient(TestAuthority.As(_inspections.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])))
            .ReportIncidentAsync(new InspectionsApi.ReportIncidentRequest
            {
                Category = InspectionsApi.IncidentCategory.MassIncident, OccurredAt = "2026-11-20T09:00:00+08:00", PlaceCode = Zhongyuan,
                Severity = InspectionsApi.FindingSeverity.Grave, Summary = "群体性事件", ReporterName = "群众来信",
            });
        await Eventually.HoldsAsync(async () => await UndispatchedAsync() == 0, TimeSpan.FromSeconds(30), "the inspections' events dispatched, to no queue");

        await RestartAssessmentsAsync(_inspections);
        await Eventually.HoldsAsync(async () => (await InputsOfAsync(Zhongyuan)).Inputs.Count == 2, TimeSpan.FromSeconds(30), "both inputs, from the log");
        var inputs = (await InputsOfAsync(Zhongyuan)).Inputs;
        var finding = inputs.Single(i => i.Reference == $"inspections/finding/{serious}");
        Assert.Equal((Source.InspectionFindings, "serious", "2026-11-05", "inspections"), (finding.Source, finding.Kind, finding.On, finding.Producer));
        var reported = inputs.Single(i => i.Reference == $"inspections/incident/{incident.IncidentId}");
        Assert.Equal((Source.Incidents, "grave", "2026-11-20"), (reported.Source, reported.Kind, reported.On));
        Assert.All(inputs, i => Assert.True(i.Sequence > 0));

        // Later findings come through the broker; a county reads its own inputs, never its sibling's.
        var grave = await FindingAsync(InspectionsApi.FindingSeverity.Grave);
        await Eventually.HoldsAsync(async () => (await InputsOfAsync(Zhongyuan)).Inputs.Any(i => i.Reference == $"inspections/finding/{grave}"),
            TimeSpan.FromSeconds(30), "the later finding, through the broker");
        Assert.Equal(3, (await InputsAs(Zhongyuan).ListInputsAsync(new ListInputsRequest { UnitCode = Zhongyuan, Year = 2026 })).Inputs.Count);
        await Refused(() => InputsAs(Erqi).ListInputsAsync(new ListInputsRequest { UnitCode = Zhongyuan, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task The_problems_found_are_tracked_to_rectification_whatever_order_the_events_come_in()
    {
        ListProblemsRequest Zhengzhou2026(bool outstanding = false) => new() { AssessingCode = Zhengzhou, Year = 2026, OutstandingOnly = outstanding };
        // A real finding in 中原区 that demands rectification in 10 working days.
        var found = await FindingAsync(InspectionsApi.FindingSeverity.General, rectificationWorkingDays: 10);
        await Eventually.HoldsAsync(async () => (await Assessments(Zhengzhou).ListProblemsAsync(Zhengzhou2026())).Units.Any(u => u.UnitCode == Zhongyuan),
            TimeSpan.FromSeconds(30), "the problem found");

        // 二七区's: its verification arrives first, then an older overdue state, then the finding itself.
        var (inspection, finding) = (Guid.NewGuid(), Guid.NewGuid());
        var delivered = new[]
        {
            await DeliverAsync("testhost-problem-verified", new Pingan.Inspections.Contracts.RectificationVerified(inspection, finding, Erqi, true, new DateOnly(2026, 11, 27), true, Clock.GetUtcNow()), 30),
            await DeliverAsync("testhost-problem-overdue", new Pingan.Inspections.Contracts.RectificationOverdue(inspection, finding, Erqi, new DateOnly(2026, 11, 27)), 20),
            await DeliverAsync("testhost-problem-found", new Pingan.Inspections.Contracts.FindingRecorded(inspection, finding, "Annual", 2026, Zhengzhou, Erqi, "Serious",
                "Art31Clause", "", 1, new DateOnly(2026, 11, 10), true), 10),
        };
        foreach (var id in delivered) await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "the events applied");

        var problems = await Assessments(Zhengzhou).ListProblemsAsync(Zhengzhou2026());
        var open = Assert.Single(problems.Units.Single(u => u.UnitCode == Zhongyuan).Problems);
        Assert.Equal(($"inspections/finding/{found}", "OPEN", "General", "2026-11-05"), (open.Reference, open.State, open.Severity, open.ObservedOn));
        var erqi = problems.Units.Single(u => u.UnitCode == Erqi);
        var rectified = Assert.Single(erqi.Problems);
        Assert.Equal(("RECTIFIED", true, "2026-11-27", "Annual", "Serious", "Art. 31(1)"), (rectified.State, rectified.OnTime, rectified.DueOn, rectified.Form, rectified.Severity, rectified.Concern));
        Assert.Equal((0, 0, 1), (erqi.Open, erqi.Overdue, erqi.Rectified));
        Assert.Equal([Zhongyuan], (await Assessments(Zhengzhou).ListProblemsAsync(Zhengzhou2026(outstanding: true))).Units.Select(u => u.UnitCode));
        // The city's view of the units it assesses: 二七区 does not read it.
        await Refused(() => Assessments(Erqi).ListProblemsAsync(Zhengzhou2026()).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_letters_completion_and_the_measures_decided_become_inputs_the_latest_figure_standing_whatever_the_order()
    {
        var letter = new Pingan.Letters.Contracts.LetterCompleted(Guid.NewGuid(), 2026, Zhengzhou, Zhongyuan, 2, 80.5m, true, Clock.GetUtcNow());
        var earlier = letter with { LetterId = Guid.NewGuid(), Version = 1, Completion = 95m };
        var caseId = Guid.NewGuid();
        await Task.WhenAll(
            DeliverAsync("testhost-letter-completion-input", letter, 20),
            DeliverAsync("testhost-letter-completion-input", earlier, 10), // the first version's figure, arriving after the amended one's
            DeliverAsync("testhost-measure-input", new Pingan.Sanctions.Contracts.MeasureDecided(caseId, Zhongyuan, "Notice", Zhengzhou, new DateOnly(2026, 6, 2), null), 30),
            DeliverAsync("testhost-measure-input", new Pingan.Sanctions.Contracts.MeasureDecided(caseId, Zhongyuan, "Admonishment", Zhengzhou, new DateOnly(2026, 9, 1), null), 40));
        await Eventually.HoldsAsync(async () => (await InputsOfAsync(Zhongyuan)).Inputs.Count == 3 && await InboxCountAsync() == 4, TimeSpan.FromSeconds(30), "three inputs from four events");
        var inputs = (await InputsOfAsync(Zhongyuan)).Inputs;
        var completion = inputs.Single(i => i.Source == Source.LettersCompletion);
        Assert.Equal(($"letters/2026/{Zhengzhou}/{Zhongyuan}", 80.5, 20L), (completion.Reference, completion.Value, completion.Sequence));
        Assert.Equal(["admonishment", "notice"], inputs.Where(i => i.Source == Source.SanctionCases).Select(i => i.Kind).Order());
    }

    [Fact]
    public async Task A_duty_missed_then_submitted_late_stays_late_whichever_event_arrives_last_ADR0012()
    {
        await RestartAssessmentsAsync(_inspections);
        var registry = TestAuthority.As(Registry.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice]));
        await new Pingan.Registry.Api.Commissions.CommissionsClient(registry).EstablishCommissionAsync(new Pingan.Registry.Api.EstablishCommissionRequest
            { JurisdictionCode = Zhengzhou, Name = "郑州市平安建设领导小组", EstablishedOn = "2018-01-01" });
        var duties = new InspectionsApi.ReportingDuties.ReportingDutiesClient(TestAuthority.As(_inspections.Channel, Authority.Token(Province, [PinganRoles.CommissionOffice])));
        await duties.GenerateDutyCalendarAsync(new InspectionsApi.GenerateDutyCalendarRequest { Year = 2026 });
        // 1 December: the first half-year's hearing (due 30 June) is missed, then recorded late.
        Assert.True(await _inspections.Services.GetRequiredService<Pingan.Inspections.Duties.DutySweep>().SweepAsync(CancellationToken.None) > 0);
        var office = new InspectionsApi.ReportingDuties.ReportingDutiesClient(TestAuthority.As(_inspections.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));
        var hearing = (await office.ListDutiesAsync(new InspectionsApi.ListDutiesRequest { UnitCode = Zhengzhou, Year = 2026, PageSize = 500 }))
            .Duties.First(d => d.Kind == "principal-hears-report" && d.DueOn == "2026-06-30" && d.PartyCode == Zhengzhou);
        var reference = $"inspections/duty/{hearing.DutyId}";
        await Eventually.HoldsAsync(async () => (await InputsOfAsync(Zhengzhou)).Inputs.Any(i => i.Reference == reference && i.Kind == "missed"),
            TimeSpan.FromSeconds(30), "the missed duty as an input");
        var missedAt = (await InputsOfAsync(Zhengzhou)).Inputs.Single(i => i.Reference == reference).Sequence;
        await office.SubmitDutyAsync(new InspectionsApi.SubmitDutyRequest { DutyId = hearing.DutyId, UnitCode = Zhengzhou, Text = "听取汇报" });
        await Eventually.HoldsAsync(async () => (await InputsOfAsync(Zhengzhou)).Inputs.Any(i => i.Reference == reference && i.Kind == "late"),
            TimeSpan.FromSeconds(30), "the late submission replacing it");

        // The missed event arrives again, after the submission, under another message id (a producer's retry, a replay).
        var missed = new Pingan.Inspections.Contracts.ReportingDutyMissed(Guid.Parse(hearing.DutyId), 2026, hearing.Kind, hearing.Article, hearing.PartyCode,
            hearing.UnitCode, hearing.JurisdictionCode, new DateOnly(2026, 6, 30));
        var delivered = await DeliverAsync("testhost-duty-missed-input", missed, missedAt);
        await Eventually.HoldsAsync(async () => await AppliedAsync(delivered), TimeSpan.FromSeconds(30), "the late copy consumed");
        var input = (await InputsOfAsync(Zhengzhou)).Inputs.Single(i => i.Reference == reference);
        Assert.Equal("late", input.Kind);
        Assert.True(input.Sequence > missedAt);
    }

    private Task<long> UndispatchedAsync() => Sql.ScalarAsync(_inspectionsDb, "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL");
}
