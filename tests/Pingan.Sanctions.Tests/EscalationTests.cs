using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>The ladder of Art. 33-36, step by step, as the offices and commissions would walk it.</summary>
public sealed class EscalationTests : SanctionsTest
{
    [Fact]
    public async Task A_missed_notice_period_raises_a_proposal_and_the_admonishment_waits_for_the_commission_to_approve_it_Art33_Art34_Reading1_Reading3()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(EscalationProposed), typeof(MeasureDecided));
        // The province has chosen no grace after a period (reading 7; ReadingsTests walks the default of 10 working days).
        await ProvinceChoosesAsync(Cases.SanctionsRules.AcceptanceGrace, "0");
        var opened = await OpenAgainstZhongyuanAsync();
        // Art. 33: the level 中原区 answers to notices it; Art. 34 "相应的上一级综治办", by default one level above the subject
        // (reading 1): Zhengzhou again admonishes.
        Assert.Equal(("REGISTERED", Zhengzhou), (opened.Status, opened.BodyCode));

        Today("2026-05-20");
        var notice = await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-05-20");
        Assert.Equal(("ACTIVE", Stage.Notice), (notice.Status, notice.Stage));
        Assert.Equal(("RectificationEnds", "2026-07-20"), (notice.Deadlines.Single().Kind, notice.Deadlines.Single().DueOn)); // two months
        // Art. 33: to the commissions one level below Zhengzhou and its member units; copied to the party committee with cadre authority.
        Assert.Equal(["LOWER_COMMISSION 中原区", "MEMBER_UNIT 郑州市公安局", "CADRE_AUTHORITY 中共郑州市委员会 (copy)"],
            notice.Distribution.Select(r => $"{r.Role} {r.UnitName}{(r.Copy ? " (copy)" : "")}"));

        // While the notice runs, the admonishment cannot simply follow.
        var early = await Refused(() => CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Admonishment, Verification = "整改不力" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("2026-07-20", early.Status.Detail);

        Today("2026-07-13");
        Assert.Equal(1, await SweepAsync()); // the reminder, a week before the end
        Today("2026-07-20");
        Assert.Equal(0, await SweepAsync()); // the last day of the period is still the unit's
        Today("2026-07-21");
        Assert.Equal(1, await SweepAsync());
        Assert.Equal(0, await SweepAsync()); // fired once
        var raised = await tap.WaitForAsync<EscalationProposed>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Assert.Equal(("Notice", "Admonishment", Zhengzhou), (raised.FromStage, raised.ToStage, raised.BodyCode)); // reading 1: one level above 中原区
        var waiting = await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId });
        // A missed deadline proposes; it does not escalate.
        Assert.Equal(("ACTIVE", Stage.Notice, true), (waiting.Status, waiting.Stage, waiting.EscalationProposed));

        Today("2026-07-24");
        await CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = opened.CaseId, Stage = Stage.Admonishment, Verification = "逾期未完成整改" });
        // Zhengzhou's office proposes; only its commission approves, not the province's.
        await Refused(() => CasesOf(Zhengzhou).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-07-24" }).ResponseAsync,
            StatusCode.PermissionDenied);
        await Refused(() => CasesOf(Province, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-07-24" }).ResponseAsync,
            StatusCode.PermissionDenied);
        var admonished = await CasesOf(Zhengzhou, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-07-24" });
        Assert.Equal((Stage.Admonishment, false), (admonished.Stage, admonished.EscalationProposed));
        Assert.Empty(admonished.Deadlines); // they run from the interview

        Today("2026-07-27");
        var interviewed = await CasesOf(Zhengzhou).RecordInterviewAsync(new RecordInterviewRequest
            { CaseId = opened.CaseId, HeldOn = "2026-07-27", Interviewer = "市平安办主任", Record = "约谈记录" });
        // Reading 3: the leaders in office on the interview day, among them 陈亮, who came in July, and 王刚, who led on the incident day (10 May).
        Assert.Equal(["IN_CHARGE 孙丽", "PRINCIPAL 赵强", "PRINCIPAL 陈亮", "PRINCIPAL_AT_INCIDENT 王刚"],
            interviewed.Interviewees.Select(i => $"{i.Role} {i.Name}").Order(StringComparer.Ordinal));
        Assert.Equal(
            ["MeasuresDue 2026-08-10", "ProgressDue 2026-08-27", "ProgressDue 2026-09-28", "RectificationEnds 2026-10-27"],
            interviewed.Deadlines.Select(d => $"{d.Kind} {d.DueOn}"));
    }

    [Fact]
    public async Task Admonishment_measures_due_in_10_working_days_across_the_National_Day_holiday_Art34()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(CaseReportOverdue), typeof(CaseDeadlineReminder));
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        Today("2026-09-24");
        await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-09-24", reasons: "两起群体性事件造成重大影响");
        Today("2026-09-28");
        var interviewed = await CasesOf(Zhengzhou).RecordInterviewAsync(new RecordInterviewRequest
            { CaseId = opened.CaseId, HeldOn = "2026-09-28", Interviewer = "市平安办主任", Record = "约谈记录" });
        // 29, 30 September; 1-7 October are holidays; 8, 9, 10 (a working Saturday), 12-16 October.
        Assert.Equal("2026-10-16", interviewed.Deadlines.First(d => d.Kind == "MeasuresDue").DueOn);

        Today("2026-10-13");
        await SweepAsync();
        Assert.Equal("MeasuresDue", (await tap.WaitForAsync<CaseDeadlineReminder>(e => e.CaseId == Guid.Parse(opened.CaseId))).Kind);
        Today("2026-10-17");
        await SweepAsync();
        var overdue = await tap.WaitForAsync<CaseReportOverdue>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Assert.Equal(new DateOnly(2026, 10, 16), overdue.DueOn);
        var file = await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId });
        Assert.Equal(["Opened", "Proposed", "Approved", "Interviewed", "ReportOverdue"], file.Steps.Select(s => s.Action));
        Assert.Equal("deadline sweep", file.Steps.Last().Actor);
    }

    [Fact]
    public async Task Direct_entry_above_the_notice_needs_a_grave_case_and_its_reasons_Art34_Art35()
    {
        var ordinary = await OpenAgainstZhongyuanAsync();
        var tooHigh = await Refused(() => CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = ordinary.CaseId, Stage = Stage.Admonishment, Verification = "核实", DirectEntryReasons = "影响较大" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("enters at notice", tooHigh.Status.Detail);

        var serious = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        var noReasons = await Refused(() => CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = serious.CaseId, Stage = Stage.Admonishment, Verification = "核实" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["direct_entry_reasons"], Fields(noReasons));
        // A notice is Zhengzhou's to propose, not the province's.
        await Refused(() => CasesOf(Province).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = serious.CaseId, Stage = Stage.Notice, Verification = "核实" }).ResponseAsync, StatusCode.PermissionDenied);
        // Out of order: nothing is proposed, so nothing can be approved.
        var outOfOrder = await Refused(() => CasesOf(Province, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest
            { CaseId = serious.CaseId, Approve = true, DecidedOn = "2026-05-12" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("registered and not yet verified", outOfOrder.Status.Detail);

        var admonished = await ImposeAsync(serious.CaseId, Stage.Admonishment, Zhengzhou, "2026-05-12", reasons: "危害严重");
        Assert.Equal(Stage.Admonishment, admonished.Stage);
        var file = await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = serious.CaseId });
        var proposed = System.Text.Json.JsonDocument.Parse(file.Steps.Single(s => s.Action == "Proposed").Detail).RootElement;
        Assert.Equal("危害严重", proposed.GetProperty("directEntryReasons").GetString());
        // A neighbour sees nothing of it.
        await Refused(() => CasesOf(Kaifeng).GetCaseAsync(new GetCaseRequest { CaseId = serious.CaseId }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_listing_follows_the_five_department_joint_meeting_and_is_lifted_after_the_city_and_the_province_check_Art35_Art36_Reading1_notice_relative()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(DisqualificationStarted), typeof(DisqualificationEnded));
        // A province that reads "相应的上一级" one level above the notice (reading 1): it lists 中原区 itself, and
        // Zhengzhou follows the listing up and checks first (Art. 36). The case keeps the reading of the day it opened.
        await ProvinceChoosesAsync(Cases.SanctionsRules.Competence, Cases.SanctionsRules.NoticeRelative);
        Today("2026-05-13");
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.EspeciallySerious);
        var opening = (await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Steps.Single().Detail;
        Assert.Equal(Province, System.Text.Json.JsonDocument.Parse(opening).RootElement.GetProperty("admonishesAndLists").GetString());
        Assert.Contains("competence.admonish-and-list: notice-relative", opening);
        var noMeeting = await Refused(() => CasesOf(Province).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Listing, Verification = "调查组核实", DirectEntryReasons = "特别严重" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["joint_meeting_id"], Fields(noMeeting));
        Today("2026-05-14");
        var fourDepartments = await Refused(() => CasesOf(Province).RecordJointMeetingAsync(Meeting(opened.CaseId, Department.Commission, Department.Discipline,
            Department.Organisation, Department.Supervision)).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("missing: PERSONNEL", fourDepartments.Status.Detail);

        var met = await CasesOf(Province).RecordJointMeetingAsync(Meeting(opened.CaseId, Department.Commission, Department.Discipline, Department.Organisation,
            Department.Personnel, Department.Supervision));
        // The case lists the meeting, with the id the proposal names (the file's step says the same), and who convenes it.
        var meetingId = Assert.Single(met.JointMeetings).JointMeetingId;
        Assert.Equal((Province, "2026-05-14", true, 5), (met.ListingCode, met.JointMeetings[0].HeldOn, met.JointMeetings[0].ProposesListing, met.JointMeetings[0].Attendees.Count));
        var meeting = (await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Steps.Last().Detail;
        Assert.Equal(meetingId, System.Text.Json.JsonDocument.Parse(meeting).RootElement.GetProperty("meeting").GetString());
        Assert.Equal(meetingId, Assert.Single((await CasesOf(Province).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).JointMeetings).JointMeetingId);
        Today("2026-05-15");
        var listed = await ImposeAsync(opened.CaseId, Stage.Listing, Province, "2026-05-15", reasons: "特别严重", meeting: meetingId);
        Assert.Equal(["MeasuresDue 2026-05-29", "ProgressDue 2026-07-15", "ProgressDue 2026-09-15", "RectificationEnds 2026-11-16"],
            listed.Deadlines.Select(d => $"{d.Kind} {d.DueOn}"));
        var disqualified = await tap.WaitForAsync<DisqualificationStarted>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Assert.Equal(Zhongyuan, disqualified.UnitCode);
        // 王刚, 赵强 and 孙丽 led 中原区 then; 陈亮 came in July.
        Assert.Equal(3, disqualified.LeaderIds.Count);
        Assert.Contains(Guid.Parse(WangGang), disqualified.LeaderIds);
        Assert.DoesNotContain(Guid.Parse(ChenLiang), disqualified.LeaderIds);

        // Art. 36: Zhengzhou names the leader who follows the listing up; the province does not, nor a leader from elsewhere.
        var registry = new Pingan.Registry.Api.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry));
        var follower = await registry.AppointLeaderAsync(new Pingan.Registry.Api.AppointLeaderRequest
            { CorrectionReason = "补录历史任职记录", Name = "周卫东", UnitCode = Zhengzhou + "-PC", Role = Pingan.Registry.Api.LeadershipRole.InCharge, Portfolio = "政法", StartsOn = "2025-01-01" });
        var follow = new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = follower.LeaderId };
        await Refused(() => CasesOf(Province).NameFollowUpLeaderAsync(follow).ResponseAsync, StatusCode.PermissionDenied);
        var elsewhere = await Refused(() => CasesOf(Zhengzhou).NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = WangGang }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["leader_id"], Fields(elsewhere));
        Assert.Equal("周卫东", (await CasesOf(Zhengzhou).NameFollowUpLeaderAsync(follow)).FollowUpLeader);
        // Art. 35: the listing is also copied to the discipline and personnel units that sat on the joint meeting.
        Assert.Equal(["河南省纪委监委", "河南省人力资源和社会保障厅", "中共河南省委组织部"],
            listed.Distribution.Where(r => r.Role == "DISCIPLINE_AND_PERSONNEL").Select(r => r.UnitName));

        // The unit reports its measures and applies; the city checks first, then the province lifts the listing.
        var zhongyuan = CasesOf(Zhongyuan);
        var early = await Refused(() => zhongyuan.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "已整改" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        Assert.Contains("measures first", early.Status.Detail);
        await zhongyuan.SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Measures, Text = "整改措施" });
        await Refused(() => CasesOf(Zhengzhou).SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Progress, Text = "代报" }).ResponseAsync,
            StatusCode.PermissionDenied);
        Today("2026-11-17");
        await zhongyuan.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "整改期满,申请验收" });
        var provinceFirst = await Refused(() => CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "合格" }).ResponseAsync,
            StatusCode.PermissionDenied);
        Assert.Contains("checked first by 410100000000 (Art. 36)", provinceFirst.Status.Detail);
        var prechecked = await CasesOf(Zhengzhou).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "整改到位,申请解除" });
        Assert.Equal("ACCEPTANCE_PRECHECKED", prechecked.Status);
        var lifted = await CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "验收合格" });
        Assert.Equal("CLOSED", lifted.Status);
        Assert.Equal(new DateOnly(2026, 11, 17), (await tap.WaitForAsync<DisqualificationEnded>(e => e.CaseId == Guid.Parse(opened.CaseId))).EndsOn);
        await Refused(() => CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "再次" }).ResponseAsync,
            StatusCode.FailedPrecondition);
    }

    [Fact]
    public async Task An_aggravating_circumstance_allows_a_stage_higher_and_every_decision_traces_its_clauses_Art40_Art41()
    {
        var opened = await OpenAgainstZhongyuanAsync();
        var noEvidence = await Refused(() => CasesOf(Zhengzhou).RecordCircumstanceAsync(new RecordCircumstanceRequest
            { CaseId = opened.CaseId, Circumstance = Circumstance.Falsification, Description = "瞒报伤亡人数" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["evidence"], Fields(noEvidence));
        await CasesOf(Zhengzhou).RecordCircumstanceAsync(new RecordCircumstanceRequest
            { CaseId = opened.CaseId, Circumstance = Circumstance.Falsification, Description = "瞒报伤亡人数", Evidence = "市公安局核查报告(郑公〔2026〕12号)" });
        var mitigated = await CasesOf(Zhengzhou).RecordCircumstanceAsync(new RecordCircumstanceRequest
            { CaseId = opened.CaseId, Circumstance = Circumstance.Cooperation, Description = "区委主动说明情况", Evidence = "谈话笔录" });
        Assert.Equal([("Art. 40(2)", true), ("Art. 41(2)", false)], mitigated.Circumstances.Select(x => (x.Clause, x.Aggravating)));

        // An ordinary case enters at the notice; falsification makes the response heavier (Art. 40 "应当从重"), not yet a listing.
        var listing = await Refused(() => CasesOf(Zhengzhou).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Listing, Verification = "核实", DirectEntryReasons = "瞒报" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("with an aggravating circumstance enters at admonishment (约谈) at most", listing.Status.Detail);
        var admonished = await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-05-12", reasons: "瞒报伤亡人数,从重");
        Assert.Equal(
            ["Art. 31(4)", "Art. 34: direct entry, severity Ordinary aggravated (Art. 40)", "Art. 34", "Art. 40(2) aggravating: 瞒报伤亡人数", "Art. 41(2) mitigating: 区委主动说明情况"],
            admonished.DecisionTrace);
    }

    [Fact]
    public async Task A_case_grave_enough_for_the_veto_is_referred_to_the_veto_rules_and_its_ladder_ends_there_Art37()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(CaseClosed));
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.VetoGrade);
        var vetoed = await ImposeAsync(opened.CaseId, Stage.Veto, Zhengzhou, "2026-05-12", reasons: "发生特别重大群体性事件");
        Assert.Equal(("VETO_REFERRED", Stage.Veto), (vetoed.Status, vetoed.Stage));
        Assert.Empty(vetoed.Deadlines);
        Assert.Equal("VetoReferred", (await tap.WaitForAsync<CaseClosed>(e => e.CaseId == Guid.Parse(opened.CaseId))).Outcome);
        // The ladder ends; the departments may still be asked to act on the leaders (Art. 39).
        await Refused(() => CasesOf(Zhongyuan).SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Progress, Text = "整改" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        var referred = await CasesOf(Zhengzhou).ReferCaseAsync(new ReferCaseRequest { CaseId = opened.CaseId, Measure = Measure.Removal, LeaderIds = { WangGang }, Grounds = "一票否决" });
        Assert.Equal("organisation", referred.Referrals.Single().Department);
    }

    [Fact]
    public async Task The_cases_within_a_unit_come_newest_first_a_page_at_a_time()
    {
        var opened = new List<string>();
        for (var i = 0; i < 5; i++) opened.Add((await OpenAgainstZhongyuanAsync()).CaseId);
        var seen = new List<string>();
        var request = new ListCasesRequest { UnitCode = Zhengzhou, PageSize = 2 };
        var pages = 0;
        do
        {
            var page = await CasesOf(Zhengzhou).ListCasesAsync(request);
            seen.AddRange(page.Cases.Select(c => c.CaseId));
            request.PageToken = page.NextPageToken;
            pages++;
        } while (request.PageToken.Length > 0);
        Assert.Equal(3, pages);
        Assert.Equal(opened.Order(), seen.Order());
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Empty((await CasesOf(Kaifeng).ListCasesAsync(new ListCasesRequest { UnitCode = Kaifeng })).Cases);
        var bad = await Refused(() => CasesOf(Zhengzhou).ListCasesAsync(new ListCasesRequest { UnitCode = Zhengzhou, PageToken = "not-a-token" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["page_token"], Fields(bad));
    }

    [Fact]
    public async Task The_case_file_exports_as_one_printable_document_with_every_step_Art32()
    {
        var opened = await CasesOf(Zhengzhou).OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Zhongyuan, Clause = 6, Source = Source.WrittenReport, Severity = Api.Severity.Ordinary, IncidentOn = "2026-05-10",
            Summary = "群众反映强烈的治安问题反弹<script>alert(1)</script>", ReportedBy = "郑州市公安局",
        });
        Today("2026-05-20");
        await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-05-20");

        using var rest = new HttpClient { BaseAddress = Host.Rest.BaseAddress };
        rest.DefaultRequestHeaders.Authorization = new("Bearer", Authority.Token(Province, [PinganRoles.CommissionOffice]));
        var response = await rest.GetAsync($"/v1/cases/{opened.CaseId}/file:export");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("text/html", "attachment"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentDisposition?.DispositionType));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("第三十一条第(6)项", html);
        Assert.Contains("郑州市公安局", html);
        Assert.Contains("2026-07-20", html); // the notice's end
        Assert.DoesNotContain("<script>", html); // what users typed is text, never markup
        Assert.Equal(["Opened", "Proposed", "Approved"],
            System.Text.RegularExpressions.Regex.Matches(html, "<td>(Opened|Proposed|Approved)</td>").Select(m => m.Groups[1].Value));
        await Refused(() => CasesOf(Kaifeng).GetCaseFileDocumentAsync(new GetCaseFileRequest { CaseId = opened.CaseId }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_deadline_reaching_into_a_year_without_its_holiday_schedule_is_provisional_and_counted_again_when_it_is_loaded()
    {
        var opened = await OpenAgainstZhongyuanAsync();
        Today("2026-11-25");
        var notice = await ImposeAsync(opened.CaseId, Stage.Notice, Zhengzhou, "2026-11-25");
        Assert.Equal(("2027-01-25", true), (notice.Deadlines.Single().DueOn, notice.Deadlines.Single().Provisional)); // counted Monday to Friday

        // The operators load 2027's schedule (here a made-up one, with 25 January a holiday).
        var schedule = Pingan.Time.HolidaySchedule.Parse(new StringReader("date,kind,occasion\n2027-01-25,holiday,测试假日\n"), "china-holidays-2027.csv");
        Host.Services.GetRequiredService<Pingan.Time.WorkingDayCalendar>().Load(schedule);
        await SweepAsync();

        var counted = await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId });
        Assert.Equal(("2027-01-26", false), (counted.Deadlines.Single().DueOn, counted.Deadlines.Single().Provisional));
        Assert.Contains("2027-01-26", (await CasesOf(Zhengzhou).GetCaseFileDocumentAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Data.ToStringUtf8());
    }

    [Fact]
    public async Task The_recount_of_provisional_deadlines_waits_for_the_case_lock_Issue12_Art34()
    {
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        Today("2026-12-17");
        await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-12-17", reasons: "两起群体性事件造成重大影响");
        Today("2026-12-21");
        var interviewed = await CasesOf(Zhengzhou).RecordInterviewAsync(new RecordInterviewRequest
            { CaseId = opened.CaseId, HeldOn = "2026-12-21", Interviewer = "市平安办主任", Record = "约谈记录" });
        // Art. 34: measures within 10 working days of the interview, counted Monday to Friday into 2027 until its schedule is loaded.
        Assert.Equal(("2027-01-04", true), Measures(interviewed));

        var schedule = Pingan.Time.HolidaySchedule.Parse(new StringReader("date,kind,occasion\n2027-01-01,holiday,元旦\n"), "china-holidays-2027.csv");
        Host.Services.GetRequiredService<Pingan.Time.WorkingDayCalendar>().Load(schedule);
        Task<int> sweep;
        await using (await HoldCaseAsync(opened.CaseId))
        {
            // A change holds the case: the recount queues behind it instead of moving the case's deadlines under it.
            sweep = SweepAsync();
            await Database.WaitForLockWaitersAsync(1);
            Assert.False(sweep.IsCompleted);
            Assert.Equal(("2027-01-04", true), Measures(await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })));
        }
        await sweep;
        var counted = await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId });
        Assert.Equal(("2027-01-05", false), Measures(counted)); // 1 January is a holiday
        Assert.All(counted.Deadlines, d => Assert.False(d.Provisional));

        static (string, bool) Measures(Case c) => c.Deadlines.Where(d => d.Kind == "MeasuresDue").Select(d => (d.DueOn, d.Provisional)).Single();
    }

    private static RecordJointMeetingRequest Meeting(string caseId, params Department[] departments)
    {
        var request = new RecordJointMeetingRequest { CaseId = caseId, HeldOn = "2026-05-14", ProposesListing = true, Minutes = "五部门联席会议纪要" };
        request.Attendees.AddRange(departments.Select(d => new Attendee
        {
            Department = d, Name = $"{d} 代表",
            UnitCode = d switch
            {
                Department.Discipline or Department.Supervision => Province + "-CDI",
                Department.Organisation => Province + "-ORG",
                Department.Personnel => Province + "-HRSS",
                _ => "",
            },
        }));
        return request;
    }
}
