using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Contracts;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Cases;

/// <summary>
/// The escalation ladder of Art. 31-37 as gRPC (and REST) calls. Each change locks the case row, checks the state
/// machine and the caller's authority, and writes the case, its file entry, its deadlines, its events (outbox) and
/// its audit entry in one transaction.
/// </summary>
public sealed partial class CasesService(
    SanctionsDb db, IOutbox outbox, TimeProvider time, WorkingDayCalendar calendar, IAuditTrail audit, JurisdictionGuard guard,
    IAccountabilityChain chains, RegistryApi.Units.UnitsClient units, RegistryApi.Leadership.LeadershipClient leadership, RegistryLeaders leaders,
    DistributionList distribution, Pingan.Rules.IRuleBook rules, RequestLedger<SanctionsDb> ledger, AcceptanceInspections acceptanceInspections)
    : Api.Cases.CasesBase
{
    public override Task<Api.Case> OpenCase(OpenCaseRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => OpenCaseAsync(request, context));

    private async Task<Api.Case> OpenCaseAsync(OpenCaseRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 38: the office registers what it finds or is told; member units and inspectors report in writing.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison, PinganRoles.Inspector], request.SubjectCode, ct);
        var chain = await chains.ChainAsync(request.SubjectCode, ct) ?? throw new NotFoundException(Say.T($"单位 {request.SubjectCode} 不存在。", $"No unit {request.SubjectCode}."));
        if (chain.Count < 2)
            throw new RequestValidationException("subject_code", Say.T("是省本级；省委员会不能作为其自身案件的对象单位", "is the province itself; its commission is not a subject of its own cases"));
        if (chain.Contains(RegistryAccountabilityChain.Hidden))
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"您无权查看 {request.SubjectCode} 的上级综治委。",
                $"The commissions above {request.SubjectCode} are not visible to you.")));
        var incidentOn = PastDay(request.IncidentOn, "incident_on");
        var subject = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.SubjectCode }, cancellationToken: ct);
        // Reading 1, as of the day the case opens: the commission that admonishes and lists it for its whole life.
        var competence = await rules.ReadingAsync(SanctionsRules.Competence, time.Today(), ct);

        var (c, detail) = CaseIntake.Register(subject.Code, subject.Name, chain, request.Clause, request.Source.ToString(), (Severity)request.Severity, incidentOn,
            request.Summary.Trim(), request.ReportedBy.Trim() is { Length: > 0 } by ? by : null, competence, time.GetUtcNow());
        db.Cases.Add(c);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Step(c, context, "Opened", "Art. 31, 38", detail);
        outbox.Enqueue(CaseIntake.Opened(c));
        await CommitAsync(c, context, tx, ct);
        return c.ToApi();
    }

    public override async Task<Api.Case> GetCase(GetCaseRequest request, ServerCallContext context) =>
        (await ReadableAsync(request.CaseId, context.CancellationToken)).ToApi();

    public override async Task<CaseList> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Every case listed is about a unit within request.UnitCode, itself within the caller's jurisdiction: each row passes "read business records".
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var query = db.Cases.AsNoTracking().Where(c => c.SubjectChain.Contains(request.UnitCode));
        if (request.OpenOnly) query = query.Where(c => !SanctionCase.Ended.Contains(c.Status));
        // Newest first, a page at a time: the token is the last case's opening time and id.
        if (PageToken.TryRead(request.PageToken, out var after, out var afterId))
            query = query.Where(c => c.OpenedAt < after || (c.OpenedAt == after && c.Id.CompareTo(afterId) < 0));
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize : 100;
        var page = await query.OrderByDescending(c => c.OpenedAt).ThenByDescending(c => c.Id).Take(size + 1).WithParts()
            .ToListAsync(ct);
        var list = new CaseList();
        list.Cases.AddRange(page.Take(size).Select(c => c.ToApi()));
        if (page.Count > size) list.NextPageToken = PageToken.Write(page[size - 1].OpenedAt, page[size - 1].Id);
        return list;
    }

    public override Task<Api.Case> ProposeMeasure(ProposeMeasureRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.Propose, [PinganRoles.CommissionOffice], context, async (c, ct) =>
        {
            var stage = (Stage)request.Stage;
            // Art. 33-35 "核实并提出意见": the office of the commission competent for the stage.
            EnsureBody(c.BodyFor(stage), Say.T($"对 {c.SubjectName} 的{StageZh(stage)}由 {c.BodyFor(stage)} 综治办核实并提出意见（{ArticleZh(stage)}）",
                $"A {CaseStateMachine.Name(stage)} of {c.SubjectName} is verified and proposed by the office of {c.BodyFor(stage)} ({CaseStateMachine.Article(stage)})"));
            if (stage <= c.Stage)
                throw new RequestValidationException("stage", Say.T($"本案已采取{StageZh(c.Stage)}措施，只能提出更高一级的措施",
                    $"the case is under {CaseStateMachine.Name(c.Stage)} already; only a higher stage can follow"));
            var escalation = c.EscalationProposed && stage == c.Stage + 1;
            var direct = !escalation && stage != Stage.Notice;
            if (direct)
            {
                // Art. 34-37: entry above the notice, or a jump, only for a grave case, with its reasons recorded.
                var aggravated = c.Circumstances.Any(x => x.Aggravating);
                var highest = CaseStateMachine.HighestDirectEntry(c.Severity, aggravated);
                if (stage > highest)
                    throw new DomainRuleException(c.Stage == Stage.None
                        ? Say.T($"{SeverityZh(c.Severity)}的案件{(aggravated ? "（有从重情节）" : "")}最多直接适用{StageZh(highest)}；适用{StageZh(stage)}须案情更为严重（{ArticleZh(stage)}）。",
                            $"A {c.Severity} case{(aggravated ? " with an aggravating circumstance" : "")} enters at {CaseStateMachine.Name(highest)} at most; {CaseStateMachine.Name(stage)} needs a graver case ({CaseStateMachine.Article(stage)}).")
                        : Say.T($"{StageZh(c.Stage)}整改期满{(c.RectificationEndsOn is { } until ? $"（{until:yyyy-MM-dd}）" : "")}仍未通过验收的，或者案情更为严重的，方可适用{StageZh(stage)}（{ArticleZh(stage)}）。",
                            $"{CaseStateMachine.Name(stage)} follows {CaseStateMachine.Name(c.Stage)} when its period ends without accepted rectification{(c.RectificationEndsOn is { } end ? $" (it runs until {end:yyyy-MM-dd})" : "")}, or for a graver case ({CaseStateMachine.Article(stage)})."));
                if (request.DirectEntryReasons.Trim().Length == 0)
                    throw new RequestValidationException("direct_entry_reasons", Say.T($"直接适用{StageZh(stage)}须说明理由（{ArticleZh(stage)}）",
                        $"are required to enter at {CaseStateMachine.Name(stage)} directly ({CaseStateMachine.Article(stage)})"));
            }
            Guid? meeting = null;
            if (stage == Stage.Listing)
            {
                // Art. 35: listed only on the proposal of the five-department joint meeting.
                if (!Guid.TryParse(request.JointMeetingId, out var id))
                    throw new RequestValidationException("joint_meeting_id", Say.T("必填：挂牌督办须由五部门联席会议提出建议（第三十五条）",
                        "is required: a listing is proposed by the five-department joint meeting (Art. 35)"));
                var held = await db.JointMeetings.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.CaseId == c.Id, ct)
                    ?? throw new RequestValidationException("joint_meeting_id", Say.T("不是本案的联席会议", "is not a joint meeting of this case"));
                if (!held.ProposesListing)
                    throw new RequestValidationException("joint_meeting_id", Say.T($"{held.HeldOn:yyyy-MM-dd} 召开的联席会议未建议挂牌督办", $"the joint meeting of {held.HeldOn:yyyy-MM-dd} did not propose the listing"));
                meeting = id;
            }
            c.ProposalMeetingId = meeting;
            c.StatusBeforeProposal = c.Status;
            c.Status = CaseStatus.Proposed;
            c.ProposedStage = stage;
            c.ProposalTrace = [.. Trace(c, stage, direct, escalation)];
            outbox.Enqueue(new MeasureProposed(c.Id, c.SubjectCode, stage.ToString(), c.BodyFor(stage), direct, time.GetUtcNow()));
            return ("Proposed", CaseStateMachine.Article(stage), new
            {
                stage = stage.ToString(), body = c.BodyFor(stage), verification = request.Verification.Trim(), directEntry = direct,
                directEntryReasons = direct ? request.DirectEntryReasons.Trim() : null, escalation, jointMeeting = meeting, trace = c.ProposalTrace,
            });
        });

    public override Task<Api.Case> DecideProposal(DecideProposalRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, request.Approve ? CaseAction.Approve : CaseAction.Reject, [PinganRoles.CommissionLeader], context, async (c, ct) =>
        {
            var stage = c.ProposedStage;
            var body = c.BodyFor(stage);
            // Art. 33-35 "报综治委批准": the commission itself decides; its leader signs for it.
            EnsureBody(body, Say.T($"对 {c.SubjectName} 的{StageZh(stage)}由 {body} 综治委批准（{ArticleZh(stage)}）",
                $"A {CaseStateMachine.Name(stage)} of {c.SubjectName} is approved by the commission of {body} ({CaseStateMachine.Article(stage)})"));
            var decidedOn = PastDay(request.DecidedOn, "decided_on");
            if (decidedOn < c.IncidentOn) throw new RequestValidationException("decided_on", Say.T($"不得早于案（事）件发生日期（{c.IncidentOn:yyyy-MM-dd}）", $"is before the incident ({c.IncidentOn:yyyy-MM-dd})"));
            if (!request.Approve) return new Decision(stage, body, decidedOn, [], [], null);
            // The registry's answers, before the case is locked: who is disqualified, who the decision goes to, who follows a listing up.
            var disqualified = stage == Stage.Listing ? await AnswerableLeadersAsync(c, decidedOn, ct) : [];
            var recipients = await distribution.ForAsync(c, body, decidedOn, await MeetingUnitsAsync(c.ProposalMeetingId, ct), ct);
            var followUp = stage == Stage.Listing ? await FollowUpLevelAsync(c, body, ct) : c.FollowUpCode;
            return new Decision(stage, body, decidedOn, disqualified, recipients, followUp);
        }, (c, decision, ct) =>
        {
            var (stage, body, decidedOn, disqualified, recipients, followUp) = decision;
            c.ProposedStage = Stage.None;
            var trace = c.ProposalTrace;
            c.ProposalTrace = [];
            if (!request.Approve)
            {
                c.Status = c.StatusBeforeProposal;
                return Task.FromResult<(string, string, object)>(("Rejected", CaseStateMachine.Article(stage), new { stage = stage.ToString(), reasons = request.Reasons.Trim() }));
            }
            c.ProposalMeetingId = null;
            c.FollowUpCode = followUp;
            Approve(c, stage, decidedOn, disqualified);
            c.DecisionTrace = trace;
            // Art. 33-35: the decision goes down a level and to the member units, copied to those with cadre authority.
            foreach (var r in recipients) r.Round = c.Round;
            db.Distributions.AddRange(recipients);
            return Task.FromResult<(string, string, object)>(("Approved", CaseStateMachine.Article(stage), new
            {
                stage = stage.ToString(), body, decidedOn = request.DecidedOn, reasons = request.Reasons.Trim(), rectificationEndsOn = c.RectificationEndsOn?.ToString("yyyy-MM-dd"),
                trace, sentTo = recipients.Where(r => !r.Copy).Select(r => r.UnitName), copiedTo = recipients.Where(r => r.Copy).Select(r => r.UnitName),
                followedUpBy = stage == Stage.Listing ? followUp : null,
            }));
        });

    private sealed record Decision(Stage Stage, string Body, DateOnly DecidedOn, List<Guid> Disqualified, List<DistributionEntry> Recipients, string? FollowUp);

    /// <summary>
    /// Who follows a listing up, names its follow-up leader and checks its acceptance first (Art. 36): the level between the
    /// subject and the listing commission. Reading 5 ("省直单位收到省综治委对…本系统单位的挂牌督办决定后"): when the province
    /// lists a unit of a provincial department's system, that department instead of the territorial city.
    /// </summary>
    private async Task<string?> FollowUpLevelAsync(SanctionCase c, string body, CancellationToken ct)
    {
        if (body == c.SubjectChain[^1] && await ProvincialDepartmentOfAsync(c.SubjectCode, body, ct) is { } department) return department;
        return c.ResponsibleCode != body ? c.ResponsibleCode : null;
    }

    /// <summary>
    /// The provincial department whose system <paramref name="subjectCode"/> belongs to: up its vertical superiors (垂直管理系统),
    /// or a department it sits under, to an organ of the province. Null for a territorial unit or the department itself.
    /// </summary>
    private async Task<string?> ProvincialDepartmentOfAsync(string subjectCode, string province, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = subjectCode }, cancellationToken: ct);
        for (var depth = 0; depth < 8; depth++)
        {
            RegistryApi.Unit next;
            if (unit.VerticalSuperiorCode.Length > 0)
                next = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = unit.VerticalSuperiorCode }, cancellationToken: ct);
            else if (unit.ParentCode.Length > 0 && await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = unit.ParentCode }, cancellationToken: ct) is { } parent
                     && SystemOrgans.Contains(parent.Kind))
                next = parent;
            else return null;
            if (next.ParentCode == province && SystemOrgans.Contains(next.Kind)) return next.Code;
            unit = next;
        }
        return null;
    }

    /// <summary>The organs that head a system of their own (省直单位): departments, courts and procuratorates.</summary>
    private static readonly RegistryApi.UnitKind[] SystemOrgans = [RegistryApi.UnitKind.Department, RegistryApi.UnitKind.Court, RegistryApi.UnitKind.Procuratorate];

    public override Task<Api.Case> RecordJointMeeting(RecordJointMeetingRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () =>
        ChangeAsync(request.CaseId, CaseAction.RecordJointMeeting, [PinganRoles.CommissionOffice], context, async (c, ct) =>
        {
            // Art. 35: the commission that lists has the case investigated and convenes the joint meeting.
            EnsureBody(c.UpperCode, Say.T($"研究对 {c.SubjectName} 挂牌督办的联席会议由 {c.UpperCode} 综治委召集（第三十五条）",
                $"The joint meeting on listing {c.SubjectName} is convened by the commission of {c.UpperCode} (Art. 35)"));
            return await JointMeetingAsync(request.HeldOn, request.Attendees, ct);
        }, (c, held, ct) =>
        {
            var (heldOn, present, attendees) = held;
            var meeting = new JointMeeting
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()), CaseId = c.Id, HeldOn = heldOn, Departments = [.. present.Order().Select(d => d.ToString())],
                Attendees = JsonSerializer.Serialize(attendees, CaseMapping.Json),
                ProposesListing = request.ProposesListing, Minutes = request.Minutes.Trim(), RecordedAt = time.GetUtcNow(),
            };
            db.JointMeetings.Add(meeting); // the case's list picks it up by fix-up
            return Task.FromResult<(string, string, object)>(("JointMeetingHeld", "Art. 24, 35", new
            {
                meeting = meeting.Id, heldOn = request.HeldOn, attendees, proposesListing = request.ProposesListing, minutes = meeting.Minutes,
            }));
        }));

    public override Task<Api.Case> RecordInterview(RecordInterviewRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.RecordInterview, [PinganRoles.CommissionOffice], context, async (c, ct) =>
        {
            if (c.Stage is not (Stage.Admonishment or Stage.Listing))
                throw new DomainRuleException(Say.T($"约谈仅适用于约谈和挂牌督办（第三十四条、第三十五条）；本案目前处于{StageZh(c.Stage)}阶段。",
                    $"An interview belongs to an admonishment or a listing (Art. 34-35); the case is under {CaseStateMachine.Name(c.Stage)}."));
            if (c.InterviewHeldOn is not null)
                throw new AlreadyExistsException(Say.T($"本轮{StageZh(c.Stage)}的约谈已于 {c.InterviewHeldOn:yyyy-MM-dd} 进行。",
                    $"The interview of this {CaseStateMachine.Name(c.Stage)} was held on {c.InterviewHeldOn:yyyy-MM-dd}."));
            EnsureBody(c.UpperCode, Say.T($"约谈由 {c.UpperCode} 综治办进行（第三十四条）", $"The interview is held by the office of {c.UpperCode} (Art. 34)"));
            var heldOn = PastDay(request.HeldOn, "held_on");
            if (c.DecidedOn is { } decided && heldOn < decided) throw new RequestValidationException("held_on", Say.T($"不得早于决定日期（{decided:yyyy-MM-dd}）", $"is before the decision ({decided:yyyy-MM-dd})"));

            // Art. 34 "对其党政主要领导干部、社会治安综合治理工作分管领导干部和负有责任的其他领导班子成员" (reading 3): the principal and
            // in-charge leaders in office on the interview day, who must rectify, and those who held the roles on the
            // incident day, where they differ, as the leaders bearing responsibility for it.
            var interviewees = new List<Interviewee>();
            foreach (var (on, suffix) in new[] { (heldOn, ""), (c.IncidentOn, "AtIncident") })
                // Reading 6: the in-charge leader for comprehensive management, not every in-charge leader.
                foreach (var (terms, name) in new[] { (await leaders.HoldersAsync(c.SubjectCode, RegistryApi.LeadershipRole.Principal, on, ct), "Principal"), (await leaders.InChargeAsync(c.SubjectCode, on, ct), "InCharge") })
                    foreach (var term in terms)
                        if (interviewees.All(i => i.LeaderId != Guid.Parse(term.LeaderId)))
                            interviewees.Add(new Interviewee { CaseId = c.Id, LeaderId = Guid.Parse(term.LeaderId), Name = term.LeaderName, UnitCode = term.UnitCode, Role = name + suffix });
            if (interviewees.All(i => i.Role != "Principal"))
                throw new DomainRuleException(Say.T($"组织机构库中没有 {c.SubjectName} 在约谈当日（{heldOn:yyyy-MM-dd}）的主要领导干部：请先在组织机构库中登记其任职。",
                    $"The registry shows no principal leader of {c.SubjectName} on {heldOn:yyyy-MM-dd}, the interview day: record the terms there first."));
            foreach (var (id, i) in request.OtherLeaderIds.Select((id, i) => (id, i)))
            {
                var leader = await leadership.GetLeaderAsync(new RegistryApi.GetLeaderRequest { LeaderId = id }, cancellationToken: ct);
                var term = leader.Terms.OrderByDescending(t => t.StartsOn, StringComparer.Ordinal).FirstOrDefault()
                    ?? throw new RequestValidationException($"other_leader_ids[{i}]", Say.T($"{leader.Name} 在组织机构库中没有任职记录", $"{leader.Name} holds no post in the registry"));
                if (interviewees.All(x => x.LeaderId != Guid.Parse(id)))
                    interviewees.Add(new Interviewee { CaseId = c.Id, LeaderId = Guid.Parse(id), Name = leader.Name, UnitCode = term.UnitCode, Role = "Other" });
            }
            return (heldOn, interviewees);
        }, (c, interview, ct) =>
        {
            var (heldOn, interviewees) = interview;
            foreach (var i in interviewees) i.Round = c.Round;
            c.Interviewees.AddRange(interviewees);
            c.InterviewHeldOn = heldOn;
            outbox.Enqueue(new LeadersInterviewed(c.Id, c.SubjectCode, c.Stage.ToString(), heldOn, [.. interviewees.Select(i => i.LeaderId)]));
            // Art. 34: an admonishment's deadlines run from the interview; a listing's ran from its decision already.
            if (c.Stage == Stage.Admonishment)
                db.Deadlines.AddRange(DeadlineSchedule.Admonishment(c, heldOn, calendar, time.GetUtcNow()));
            return Task.FromResult<(string, string, object)>(("Interviewed", "Art. 34", new
            {
                heldOn = request.HeldOn, interviewer = request.Interviewer.Trim(), record = request.Record.Trim(),
                interviewees = interviewees.Select(i => new { i.Name, i.Role, i.UnitCode }), rectificationEndsOn = c.RectificationEndsOn?.ToString("yyyy-MM-dd"),
            }));
        });

    public override Task<Api.Case> NameFollowUpLeader(NameFollowUpLeaderRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.NameFollowUpLeader, [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison], context, async (c, ct) =>
        {
            if (c.Stage != Stage.Listing || c.FollowUpCode is not { } followUp)
                throw new DomainRuleException(Say.T("跟踪督办责任领导只对挂牌督办明确，由被挂牌单位与作出挂牌督办决定的综治委之间的一级，或者其所属系统的省直部门明确（第三十六条）。",
                    "A follow-up leader is named for a listing by the level between the subject and the listing commission, or the provincial department of its system (Art. 36)."));
            EnsureFollowUp(c, Say.T($"{c.SubjectName} 挂牌督办的跟踪督办责任领导由 {followUp} 明确（第三十六条）",
                $"The follow-up leader of {c.SubjectName}'s listing is named by {followUp} (Art. 36)"));
            var leader = await leadership.GetLeaderAsync(new RegistryApi.GetLeaderRequest { LeaderId = request.LeaderId }, cancellationToken: ct);
            var today = time.Today().ToString("yyyy-MM-dd");
            // One of the naming level's own leaders, in office now: a post in that jurisdiction or one of its organs.
            var serving = false;
            foreach (var term in leader.Terms.Where(t => string.CompareOrdinal(t.StartsOn, today) <= 0 && (t.EndsOn.Length == 0 || string.CompareOrdinal(t.EndsOn, today) >= 0)))
            {
                var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = term.UnitCode }, cancellationToken: ct);
                serving |= unit.Code == followUp || unit.ParentCode == followUp;
            }
            if (!serving) throw new RequestValidationException("leader_id", Say.T($"{leader.Name} 当前未在 {followUp} 任职", $"{leader.Name} holds no post of {followUp} today"));
            return leader;
        }, (c, leader, ct) =>
        {
            c.FollowUpLeaderId = Guid.Parse(leader.LeaderId);
            c.FollowUpLeaderName = leader.Name;
            return Task.FromResult<(string, string, object)>(("FollowUpLeaderNamed", "Art. 36", new { leader = leader.Name, leaderId = leader.LeaderId }));
        });

    public override Task<Api.Case> SubmitReport(SubmitReportRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () =>
        ChangeAsync(request.CaseId, request.Kind == ReportKind.Measures ? CaseAction.SubmitMeasures : CaseAction.SubmitProgress, [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison], context, async (c, ct) =>
        {
            EnsureSubject(c);
            var kind = request.Kind == ReportKind.Measures ? "Measures" : "Progress";
            if (kind == "Measures" && await db.Reports.AnyAsync(r => r.CaseId == c.Id && r.Round == c.Round && r.Kind == "Measures", ct))
                throw new AlreadyExistsException(Say.T($"本轮{StageZh(c.Stage)}的整改措施已经报告，此后请报告整改进展。",
                    $"The measures of this {CaseStateMachine.Name(c.Stage)} were reported already; report progress from now on."));
            var now = time.GetUtcNow();
            db.Reports.Add(new CaseReport
            {
                Id = Guid.CreateVersion7(now), CaseId = c.Id, Round = c.Round, Kind = kind, Text = request.Text.Trim(), SubmittedOn = time.Today(), SubmittedAt = now,
                SubmittedBy = guard.Caller.Subject,
            });
            return ("Reported" + kind, CaseStateMachine.Article(c.Stage), new { kind, text = request.Text.Trim() });
        }));

    public override Task<Api.Case> ApplyForAcceptance(ApplyForAcceptanceRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.ApplyForAcceptance, [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison], context, async (c, ct) =>
        {
            EnsureSubject(c);
            if (c.Stage is Stage.Admonishment && c.InterviewHeldOn is null)
                throw new DomainRuleException(Say.T("约谈尚未进行：整改期限自约谈之日起计算（第三十四条）。",
                    "The admonishment's interview has not been held: rectification runs from it (Art. 34)."));
            // After the veto, the listing's own round (the one before) holds its measures.
            var vetoed = c.Status == CaseStatus.VetoReferred;
            var round = vetoed ? c.Round - 1 : c.Round;
            if (!await db.Reports.AnyAsync(r => r.CaseId == c.Id && r.Round == round && r.Kind == "Measures", ct))
                throw new DomainRuleException(Say.T("请先报告整改措施（第三十三条至第三十五条“报告整改措施”）。", "Report the rectification measures first (Art. 33-35 \"报告整改措施\")."));
            // Art. 36 "应当明确1名领导干部为责任人" (reading 5): a listing followed up by a level of its own is checked by it only once it named its leader.
            if ((c.Stage == Stage.Listing || vetoed) && c.FollowUpCode is { } followUp && c.FollowUpLeaderId is null)
                throw new DomainRuleException(Say.T($"{followUp} 尚未明确跟踪督办本次挂牌督办的责任领导（第三十六条“应当明确1名领导干部为责任人”），明确后方可申请验收。",
                    $"{followUp} has not named the leader who follows this listing up (Art. 36 \"应当明确1名领导干部为责任人\"); apply for acceptance once it has."));
            if (vetoed) c.ListingAcceptance = CaseStatus.AcceptanceRequested;
            else c.Status = CaseStatus.AcceptanceRequested;
            return ("AppliedForAcceptance", c.Stage == Stage.Listing || vetoed ? "Art. 35, 36" : "Art. 34", new { statement = request.Statement.Trim(), listing = vetoed ? "in force after the veto" : null });
        });

    public override Task<Api.Case> CheckAcceptance(CheckAcceptanceRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.CheckAcceptance, [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison], context,
            // The cited inspection's verdict, from the inspections service before the case is locked (issue 13).
            async (c, ct) => request.AcceptanceInspectionId.Length == 0 ? (AcceptanceInspections.Verdict?)null
                : await acceptanceInspections.ReadAsync(request.AcceptanceInspectionId, c.SubjectCode, guard.Caller.Jurisdiction, request.Passed, ct),
            (c, cited, ct) =>
        {
            var today = time.Today();
            // Reading 2: a listing that outlived the veto is still checked and lifted as a listing; the case stays with the veto rules.
            var vetoed = c.Status == CaseStatus.VetoReferred;
            var requested = vetoed ? c.ListingAcceptance : c.Status;
            var precheck = (c.Stage == Stage.Listing || vetoed) && c.HasPrecheck && requested == CaseStatus.AcceptanceRequested;
            // Art. 36: a listing is checked first by the city (or provincial department), then lifted by the province.
            var checker = precheck ? c.FollowUpCode! : c.BodyFor(vetoed ? Stage.Listing : c.Stage);
            if (precheck) EnsureFollowUp(c, Say.T($"{c.SubjectName} 挂牌督办的整改情况先由 {checker} 初验（第三十六条）",
                $"The listing of {c.SubjectName} is checked first by {checker} (Art. 36)"));
            else
            {
                guard.EnsureRole(PinganRoles.CommissionOffice);
                EnsureBody(checker, Say.T($"本次{StageZh(c.Stage)}的检查验收由 {checker} 综治办进行",
                    $"The acceptance of this {CaseStateMachine.Name(c.Stage)} is checked by the office of {checker}"));
            }
            var findings = request.Findings.Trim();
            if (vetoed)
            {
                if (!request.Passed) c.ListingAcceptance = null;
                else if (precheck) c.ListingAcceptance = CaseStatus.AcceptancePrechecked;
                else
                {
                    c.ListingInForce = false;
                    c.ListingAcceptance = null;
                    outbox.Enqueue(new DisqualificationEnded(c.Id, c.SubjectCode, today));
                }
                var step = !request.Passed ? "AcceptanceFailed" : precheck ? "AcceptancePrechecked" : "ListingLifted";
                return Task.FromResult<(string, string, object)>((step, "Art. 35, 36", new { checker, findings, inspection = cited, listing = "in force after the veto" }));
            }
            if (!request.Passed)
            {
                c.Status = CaseStatus.Active;
                if (c.RectificationEndsOn is { } end && today > end) RaiseEscalation(c, $"the acceptance check of {today:yyyy-MM-dd} failed after the period ended on {end:yyyy-MM-dd}");
                return Task.FromResult<(string, string, object)>(("AcceptanceFailed", "Art. 34-36", new { checker, findings, inspection = cited }));
            }
            if (precheck)
            {
                c.Status = CaseStatus.AcceptancePrechecked;
                return Task.FromResult<(string, string, object)>(("AcceptancePrechecked", "Art. 36", new { checker, findings, inspection = cited }));
            }
            Close(c, c.Stage == Stage.Listing ? "Lifted" : "Rectified");
            if (c.Stage == Stage.Listing)
            {
                c.ListingInForce = false;
                outbox.Enqueue(new DisqualificationEnded(c.Id, c.SubjectCode, today));
            }
            return Task.FromResult<(string, string, object)>((c.Stage == Stage.Listing ? "ListingLifted" : "Accepted", c.Stage == Stage.Listing ? "Art. 35, 36" : "Art. 33-34", new { checker, findings, inspection = cited }));
        });

    public override Task<Api.Case> DismissCase(DismissCaseRequest request, ServerCallContext context) =>
        ChangeAsync(request.CaseId, CaseAction.Dismiss, [PinganRoles.CommissionOffice], context, (c, ct) =>
        {
            EnsureEitherBody(c, "撤销", "dismissed");
            c.Status = CaseStatus.Dismissed;
            outbox.Enqueue(new CaseClosed(c.Id, c.SubjectCode, c.Stage.ToString(), "Dismissed", time.GetUtcNow()));
            return Task.FromResult<(string, string, object)>(("Dismissed", "Art. 33", new { reasons = request.Reasons.Trim() }));
        });

    public override async Task<CaseFile> GetCaseFile(GetCaseFileRequest request, ServerCallContext context)
    {
        var c = await ReadableAsync(request.CaseId, context.CancellationToken);
        var file = new CaseFile { Case = c.ToApi() };
        file.Steps.AddRange((await db.Steps.AsNoTracking().Where(s => s.CaseId == c.Id).OrderBy(s => s.Sequence).ToListAsync(context.CancellationToken))
            .Select(s => new Api.CaseStep
            {
                Sequence = s.Sequence, At = s.At.ToString("O"), Actor = s.Actor, Action = s.Action, Article = s.Article,
                StatusAfter = CaseMapping.Status(s.StatusAfter), Detail = s.Detail,
            }));
        return file;
    }

    // ------------------------------------------------------------------ the transitions' common part

    /// <summary>A joint meeting's date and attendance, checked: all five departments (Art. 24), each but the commission naming its unit.</summary>
    private async Task<(DateOnly HeldOn, HashSet<Api.Department> Present, List<object> Attendees)> JointMeetingAsync(
        string held, IList<Attendee> given, CancellationToken ct)
    {
        var present = given.Select(a => a.Department).Distinct().ToHashSet();
        var missing = Enum.GetValues<Api.Department>().Where(d => d != Api.Department.Unspecified && !present.Contains(d)).ToList();
        if (missing.Count > 0)
            throw new RequestValidationException("attendees", Say.T($"联席会议由五部门组成（第二十四条）；缺少：{string.Join("、", missing.Select(d => d.ToString().ToUpperInvariant()))}",
                $"the joint meeting is of five departments (Art. 24); missing: {string.Join(", ", missing.Select(d => d.ToString().ToUpperInvariant()))}"));
        var heldOn = PastDay(held, "held_on");
        var attendees = new List<object>();
        for (var i = 0; i < given.Count; i++)
        {
            var a = given[i];
            string? unitName = null;
            if (a.UnitCode.Length > 0)
            {
                try
                {
                    unitName = (await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = a.UnitCode }, cancellationToken: ct)).Name;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
                {
                    throw new RequestValidationException($"attendees[{i}].unit_code", Say.T($"{a.UnitCode} 不是您在组织机构库中可查看的单位", $"{a.UnitCode} is not a unit you can see in the registry"));
                }
            }
            else if (a.Department != Api.Department.Commission)
                throw new RequestValidationException($"attendees[{i}].unit_code", Say.T("须填写参会人员所代表的单位，决定将抄送该单位（第三十五条）",
                    "names the unit the attendee represents: the decision is copied to it (Art. 35)"));
            attendees.Add(new { department = a.Department.ToString(), name = a.Name.Trim(), unitCode = a.UnitCode, unitName });
        }
        return (heldOn, present, attendees);
    }

    /// <summary>The discipline, supervision, organisation and personnel units that sat on a listing's joint meeting (Art. 35 "抄送纪检监察机关、组织人事部门").</summary>
    private async Task<List<(string Code, string Name)>> MeetingUnitsAsync(Guid? meetingId, CancellationToken ct)
    {
        if (meetingId is null) return [];
        var meeting = await db.JointMeetings.AsNoTracking().FirstAsync(m => m.Id == meetingId, ct);
        using var attendees = JsonDocument.Parse(meeting.Attendees);
        return [.. attendees.RootElement.EnumerateArray()
            .Where(a => a.GetProperty("department").GetString() != nameof(Api.Department.Commission) && a.GetProperty("unitCode").GetString() is { Length: > 0 })
            .Select(a => (a.GetProperty("unitCode").GetString()!, a.GetProperty("unitName").GetString() ?? ""))];
    }

    /// <summary>The subject's principal and in-charge leaders on the incident date and on <paramref name="day"/> (Art. 35 "主要领导干部、主管领导干部、分管领导干部").</summary>
    private async Task<List<Guid>> AnswerableLeadersAsync(SanctionCase c, DateOnly day, CancellationToken ct)
    {
        var ids = new List<Guid>();
        foreach (var on in new[] { c.IncidentOn, day }.Distinct())
        {
            ids.AddRange((await leaders.HoldersAsync(c.SubjectCode, RegistryApi.LeadershipRole.Principal, on, ct)).Select(t => Guid.Parse(t.LeaderId)));
            // Reading 6: "分管领导干部" is the in-charge leader for comprehensive management.
            ids.AddRange((await leaders.InChargeAsync(c.SubjectCode, on, ct)).Select(t => Guid.Parse(t.LeaderId)));
        }
        return [.. ids.Distinct()];
    }

    private void Approve(SanctionCase c, Stage stage, DateOnly decidedOn, IReadOnlyList<Guid> disqualified)
    {
        var now = time.GetUtcNow();
        CancelPendingDeadlines(c, now);
        c.Round++;
        c.Stage = stage;
        c.DecidedOn = decidedOn;
        c.InterviewHeldOn = null;
        c.RectificationEndsOn = null;
        c.EscalationProposed = false;
        c.EscalationReason = null;
        switch (stage)
        {
            case Stage.Notice:
                c.Status = CaseStatus.Active;
                db.Deadlines.AddRange(DeadlineSchedule.Notice(c, decidedOn, calendar, now));
                break;
            case Stage.Admonishment:
                c.Status = CaseStatus.Active; // its deadlines run from the interview (Art. 34)
                break;
            case Stage.Listing:
                c.Status = CaseStatus.Active;
                c.ListingInForce = true;
                db.Deadlines.AddRange(DeadlineSchedule.Listing(c, decidedOn, calendar, now));
                // Art. 35: no comprehensive honours for the unit, no awards or promotion for its leaders, while listed.
                outbox.Enqueue(new DisqualificationStarted(c.Id, c.SubjectCode, decidedOn, "Listed supervision (Art. 35)", disqualified));
                break;
            case Stage.Veto:
                c.Status = CaseStatus.VetoReferred; // handled under the separate veto rules (Art. 37)
                // Reading 2 (Art. 35 "验收合格的解除挂牌督办"): the veto does not lift a listing; ListingInForce stays until an acceptance does.
                outbox.Enqueue(new CaseClosed(c.Id, c.SubjectCode, stage.ToString(), "VetoReferred", now));
                break;
        }
        outbox.Enqueue(new MeasureDecided(c.Id, c.SubjectCode, stage.ToString(), c.BodyFor(stage), decidedOn, c.RectificationEndsOn));
    }

    private void Close(SanctionCase c, string outcome)
    {
        c.Status = CaseStatus.Closed;
        CancelPendingDeadlines(c, time.GetUtcNow());
        outbox.Enqueue(new CaseClosed(c.Id, c.SubjectCode, c.Stage.ToString(), outcome, time.GetUtcNow()));
    }

    private void RaiseEscalation(SanctionCase c, string reason)
    {
        var next = c.Stage + 1;
        c.EscalationProposed = true;
        c.EscalationReason = reason;
        outbox.Enqueue(new EscalationProposed(c.Id, c.SubjectCode, c.Stage.ToString(), next.ToString(), c.BodyFor(next), reason, time.Today()));
    }

    private static void CancelPendingDeadlines(SanctionCase c, DateTimeOffset now)
    {
        foreach (var d in c.Deadlines.Where(d => d.FiredAt is null && d.CancelledAt is null)) d.CancelledAt = now;
    }

    /// <summary>A change that needs no remote facts: locks the case, checks, applies, files and commits.</summary>
    private Task<Api.Case> ChangeAsync(string caseId, CaseAction action, string[] roles, ServerCallContext context,
        Func<SanctionCase, CancellationToken, Task<(string Action, string Article, object Detail)>> change) =>
        ChangeAsync(caseId, action, roles, context, (_, _) => Task.FromResult(0), (c, _, ct) => change(c, ct));

    /// <summary>
    /// Gather, then lock, validate and commit. <paramref name="gather"/> checks the request against a snapshot of the case
    /// and reads what it needs from the registry, holding no lock; then the case row is locked, and if the case took a
    /// step meanwhile (its step count moved) the lock is let go and the facts gathered again. Under the lock the state
    /// machine is asked again and <paramref name="change"/> applies the facts; the case, its file entry, its events and its
    /// audit entry commit together. Concurrent changes to one case queue on the lock, and no registry call is made while
    /// it is held.
    /// </summary>
    private async Task<Api.Case> ChangeAsync<TFacts>(string caseId, CaseAction action, string[] roles, ServerCallContext context,
        Func<SanctionCase, CancellationToken, Task<TFacts>> gather,
        Func<SanctionCase, TFacts, CancellationToken, Task<(string Action, string Article, object Detail)>> change)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(roles);
        var id = Guid.Parse(caseId);
        // The caller's right to the case first (its parties never change), from the registry.
        var parties = await db.Cases.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.SubjectCode, x.ResponsibleCode, x.UpperCode, x.FollowUpCode }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException(Say.T($"案件 {caseId} 不存在。", $"No case {caseId}."));
        await guard.ReadBusinessRecordAsync(parties.SubjectCode, ct, parties.ResponsibleCode, parties.UpperCode, parties.FollowUpCode);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await db.Cases.AsNoTracking().WithParts().FirstAsync(x => x.Id == id, ct);
            CaseStateMachine.Ensure(snapshot, action);
            var facts = await gather(snapshot, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM cases WHERE id = {id} FOR UPDATE", ct);
            var c = await db.Cases.WithParts().FirstAsync(x => x.Id == id, ct);
            if (c.Steps != snapshot.Steps)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                if (attempt < MaxGatherAttempts) continue;
                throw new RpcException(new Status(StatusCode.Aborted, Say.T($"读取组织机构库期间案件 {caseId} 不断发生变更，请重新提交。",
                    $"Case {caseId} kept changing while this call read the registry; send it again.")));
            }
            CaseStateMachine.Ensure(c, action);
            var (name, article, detail) = await change(c, facts, ct);
            Step(c, context, name, article, detail);
            await CommitAsync(c, context, tx, ct);
            return c.ToApi();
        }
    }

    private const int MaxGatherAttempts = 5;

    private void Step(SanctionCase c, ServerCallContext context, string action, string article, object detail) =>
        db.Steps.Add(CaseStep.Next(c, time.GetUtcNow(), $"{guard.Caller.Name} ({guard.Caller.Unit ?? guard.Caller.Jurisdiction})", action, article, detail));

    private async Task CommitAsync(SanctionCase c, ServerCallContext context, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"case/{c.Id}", Detail: JsonSerializer.Serialize(new { status = c.Status.ToString(), stage = c.Stage.ToString(), step = c.Steps })), ct);
        await tx.CommitAsync(ct);
    }

    private async Task<SanctionCase> ReadableAsync(string caseId, CancellationToken ct)
    {
        var id = Guid.Parse(caseId);
        var c = await db.Cases.AsNoTracking().WithParts().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"案件 {caseId} 不存在。", $"No case {caseId}."));
        // The subject's own staff, the competent commissions and those above them; not a neighbour, nor the subject's
        // staff reading upward (a case against the city is not the county's to read).
        await guard.ReadBusinessRecordAsync(c.SubjectCode, ct, c.ResponsibleCode, c.UpperCode, c.FollowUpCode);
        return c;
    }

    /// <summary>
    /// The caller acts for the level that follows a listing up (Art. 36): a city through its commission office, a provincial
    /// department (reading 5) through its own staff. <paramref name="rule"/> is in the caller's language (<see cref="Say"/>).
    /// </summary>
    private void EnsureFollowUp(SanctionCase c, string rule)
    {
        var caller = guard.Caller;
        if (!(caller.HasAnyRole(PinganRoles.CommissionOffice) && caller.Jurisdiction == c.FollowUpCode)
            && !(caller.HasAnyRole(PinganRoles.MemberUnitLiaison) && caller.Unit == c.FollowUpCode))
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"{rule}；您代表的是 {caller.Unit ?? caller.Jurisdiction}。",
                $"{rule}; you act for {caller.Unit ?? caller.Jurisdiction}.")));
    }

    /// <summary>
    /// The caller acts for the competent commission <paramref name="body"/> (its role was checked before the case was read).
    /// <paramref name="rule"/> is in the caller's language (<see cref="Say"/>).
    /// </summary>
    private void EnsureBody(string body, string rule)
    {
        if (guard.Caller.Jurisdiction != body)
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"{rule}；您代表的是 {guard.Caller.Jurisdiction}。",
                $"{rule}; you act for {guard.Caller.Jurisdiction}.")));
    }

    /// <summary>A day the validator has checked the shape of, refused when it lies in the future.</summary>
    private DateOnly PastDay(string value, string field)
    {
        var day = DateOnly.ParseExact(value, "yyyy-MM-dd");
        return day <= time.Today() ? day : throw new RequestValidationException(field, Say.T("不得晚于今天", "is in the future"));
    }

    /// <summary>A stage's Chinese name, for the messages a caller reads in Chinese.</summary>
    private static string StageZh(Stage stage) => CaseStateMachine.NameZh(stage);

    /// <summary>How grave a case is, in Chinese (the names the portal shows).</summary>
    private static string SeverityZh(Severity severity) => severity switch
    {
        Severity.Ordinary => "一般",
        Severity.Serious => "危害严重或影响重大",
        Severity.EspeciallySerious => "危害特别严重或影响特别重大",
        Severity.VetoGrade => "应予一票否决",
        _ => "未定",
    };

    /// <summary>The article a stage follows (<see cref="CaseStateMachine.Article"/>), in Chinese.</summary>
    private static string ArticleZh(Stage stage) => stage switch
    {
        Stage.Notice => "第三十三条",
        Stage.Admonishment => "第三十四条",
        Stage.Listing => "第三十五条",
        Stage.Veto => "第三十七条",
        _ => "第三十二条",
    };

    /// <summary>The office of either commission competent for the case (Art. 32 "县级以上综治委…按照职责权限负责实施").</summary>
    private void EnsureEitherBody(SanctionCase c, string doneZh, string done)
    {
        if (guard.Caller.Jurisdiction != c.ResponsibleCode && guard.Caller.Jurisdiction != c.UpperCode)
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"本案由 {c.ResponsibleCode} 或 {c.UpperCode} 综治办{doneZh}；您代表的是 {guard.Caller.Jurisdiction}。",
                $"The case is {done} by the offices of {c.ResponsibleCode} or {c.UpperCode}; you act for {guard.Caller.Jurisdiction}.")));
    }

    /// <summary>The subject reports for itself (its party committee and government, or the unit): Art. 33-35 "被通报/约谈/挂牌督办的地方…报告".</summary>
    private void EnsureSubject(SanctionCase c) => guard.ActAsUnit(c.SubjectCode);
}
