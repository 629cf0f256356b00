using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Contracts;
using Pingan.Assessments.Persistence;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Commendations;

/// <summary>
/// Advanced units and individuals of a year (Art. 24, 26, 27): the office proposes from the approved results, the
/// five-department joint meeting studies, the commission's leader decides; eligibility (Art. 35 ¶4, reading 14) is
/// checked when proposed and again on the day of the decision.
/// </summary>
public sealed class CommendationsService(
    AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, IAccountabilityChain chains, RegistryApi.Units.UnitsClient units,
    EligibilityCheck eligibility, IOutbox outbox, RequestLedger<AssessmentsDb> ledger) : Api.Commendations.CommendationsBase
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override Task<Api.Commendation> ProposeCommendation(ProposeCommendationRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => ProposeAsync(request, context));

    private async Task<Api.Commendation> ProposeAsync(ProposeCommendationRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.CommendingCode, ct, request.UnitCode);
        // Remote facts first: the unit lies within the commending level, its name, and what bars it or the person.
        var chain = await chains.ChainAsync(request.UnitCode, ct) ?? throw new RequestValidationException("unit_code", Say.T($"单位 {request.UnitCode} 不存在", $"no unit {request.UnitCode}"));
        if (!chain.Contains(request.CommendingCode))
            throw new RequestValidationException("unit_code", Say.T($"{request.UnitCode} 不在实施表彰的 {request.CommendingCode} 管辖范围内", $"{request.UnitCode} is not within {request.CommendingCode}, the level that commends"));
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.UnitCode }, cancellationToken: ct);
        var leaderId = request.LeaderId.Length == 0 ? (Guid?)null : Guid.Parse(request.LeaderId);
        var today = time.Today();
        var grade = await ApprovedGradeAsync(request.UnitCode, request.Year, ct);
        var barred = await eligibility.CheckAsync(request.UnitCode, request.Year, today, leaderId, ct);
        // Art. 27 "根据年度考核结果": an advanced unit is one graded 优秀 in its approved assessment of the year (reading 14).
        if (request.Kind == CommendationKind.AdvancedUnit && grade != Grade.Excellent)
            barred.Add(new(grade == Grade.Unspecified ? "NOT_ASSESSED" : "NOT_EXCELLENT", $"assessment/{request.Year}/{request.UnitCode}",
                grade == Grade.Unspecified ? $"{request.UnitCode} has no approved result for {request.Year}" : $"{request.UnitCode} was graded {grade} in {request.Year}, not 优秀")
            {
                DetailZh = grade == Grade.Unspecified
                    ? $"{request.UnitCode} 没有经审定的 {request.Year} 年度考核结果"
                    : $"{request.UnitCode} {request.Year} 年度考核等次为{Refusals.GradeZh(grade)}，不是优秀",
            });
        if (barred.Count > 0)
            throw new DomainRuleException(Say.T(
                $"{unit.Name}{(request.Kind == CommendationKind.AdvancedIndividual ? $"（{request.PersonName.Trim()}）" : "")}不得表彰：" + BarredZh(barred) + "。",
                $"{unit.Name} {(request.Kind == CommendationKind.AdvancedIndividual ? $"({request.PersonName.Trim()}) " : "")}may not be commended: " +
                string.Join("; ", barred.Select(b => $"{b.Reason} {b.Detail} [{b.Reference}]"))));
        var now = time.GetUtcNow();
        var commendation = new Commendation
        {
            Id = Guid.CreateVersion7(now), Year = request.Year, CommendingCode = request.CommendingCode, Kind = request.Kind, UnitCode = unit.Code, UnitName = unit.Name,
            PersonName = request.PersonName.Trim(), LeaderId = leaderId, ExternalPersonId = request.ExternalPersonId.Trim(), Title = request.Title.Trim(),
            Citation = request.Citation.Trim(), Status = CommendationStatus.Proposed, Grade = grade, ProposedBy = guard.Caller.Subject, ProposedAt = now,
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One open proposal per nominee, level and year.
        await db.LockKeyAsync($"commendation/{request.CommendingCode}/{request.Year}/{commendation.Nominee}", ct);
        var open = await db.Commendations.AsNoTracking().Where(c => c.Year == request.Year && c.CommendingCode == request.CommendingCode
            && c.UnitCode == commendation.UnitCode && c.Kind == commendation.Kind && c.Status != CommendationStatus.Rejected).ToListAsync(ct);
        if (open.FirstOrDefault(c => c.Nominee == commendation.Nominee) is { } earlier)
            throw new DomainRuleException(Say.T($"{commendation.Nominee} 已被提出 {request.Year} 年度表彰建议（{earlier.Title}，{Refusals.StatusZh(earlier.Status)}）；该建议决定不予批准后，方可重新提出。",
                $"{commendation.Nominee} was already proposed for {request.Year} ({earlier.Title}, {earlier.Status}); reject it before proposing again."));
        db.Commendations.Add(commendation);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"commendation/{commendation.Id}", Detail: JsonSerializer.Serialize(new
            { commendation.UnitCode, kind = commendation.Kind.ToString(), commendation.PersonName, commendation.Title, grade = grade.ToString(), article = "Art. 26, 27" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(commendation, null);
    }

    public override async Task<CommendationList> StudyCommendations(StudyCommendationsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.CommendingCode, ct);
        var heldOn = DateOnly.ParseExact(request.HeldOn, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (heldOn > time.Today()) throw new RequestValidationException("held_on", Say.T("不得晚于今天", "is in the future"));
        var now = time.GetUtcNow();
        var ids = request.Opinions.Select(o => Guid.Parse(o.CommendationId)).ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var studied = await db.Commendations.FromSql($"SELECT * FROM commendations WHERE id = ANY({ids.ToArray()}) ORDER BY id FOR UPDATE").ToDictionaryAsync(c => c.Id, ct);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!studied.TryGetValue(ids[i], out var c) || c.Year != request.Year || c.CommendingCode != request.CommendingCode)
                throw new RequestValidationException($"opinions[{i}].commendation_id", Say.T($"{request.CommendingCode} 没有 {request.Year} 年度的表彰建议 {ids[i]}", $"no proposal {ids[i]} of {request.CommendingCode} for {request.Year}"));
            if (c.Status is not (CommendationStatus.Proposed or CommendationStatus.Studied))
                throw new DomainRuleException(Say.T($"表彰建议 {c.Id} 已于 {ChinaTime.DateOf(c.DecidedAt!.Value):yyyy-MM-dd} 作出决定（{Refusals.StatusZh(c.Status)}）：联席会议应在作出决定前研究建议。",
                    $"The proposal {c.Id} was {c.Status.ToString().ToLowerInvariant()} on {ChinaTime.DateOf(c.DecidedAt!.Value):yyyy-MM-dd}: the joint meeting studies proposals before the decision."));
        }
        var meeting = new CommendationMeeting
        {
            Id = Guid.CreateVersion7(now), Year = request.Year, CommendingCode = request.CommendingCode, HeldOn = heldOn,
            AttendeesJson = JsonSerializer.Serialize(request.Attendees.Select(a => new MeetingAttendee(a.Department.ToString(), a.Name.Trim())), Json),
            Minutes = request.Minutes.Trim(), RecordedBy = guard.Caller.Subject, RecordedAt = now,
        };
        db.CommendationMeetings.Add(meeting);
        foreach (var opinion in request.Opinions)
        {
            var c = studied[Guid.Parse(opinion.CommendationId)];
            (c.Status, c.MeetingId, c.Endorsed, c.StudyRemarks) = (CommendationStatus.Studied, meeting.Id, opinion.Endorses, opinion.Remarks.Trim());
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"commendations/{request.CommendingCode}/{request.Year}", Detail: JsonSerializer.Serialize(new
        {
            meeting = meeting.Id, heldOn = request.HeldOn, departments = request.Attendees.Select(a => a.Department.ToString()).Distinct(),
            endorsed = request.Opinions.Where(o => o.Endorses).Select(o => o.CommendationId), notEndorsed = request.Opinions.Where(o => !o.Endorses).Select(o => o.CommendationId),
            article = "Art. 24",
        })), ct);
        await tx.CommitAsync(ct);
        var list = new CommendationList();
        list.Commendations.AddRange(ids.Select(id => ToApi(studied[id], meeting)));
        return list;
    }

    public override async Task<Api.Commendation> DecideCommendation(DecideCommendationRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The commission approves, through its leader (Art. 26, 27); an office account does not.
        await guard.ActOnUnitAsync([PinganRoles.CommissionLeader], request.CommendingCode, ct);
        var id = Guid.Parse(request.CommendationId);
        var proposed = await db.Commendations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.CommendingCode == request.CommendingCode && c.Year == request.Year, ct)
            ?? throw new RpcException(new Status(StatusCode.NotFound, Say.T($"{request.CommendingCode} 没有 {request.Year} 年度的表彰建议 {id}", $"no proposal {id} of {request.CommendingCode} for {request.Year}")));
        // Remote facts first: whether the unit or person is still eligible on the day of the decision (Art. 35 ¶4).
        var today = time.Today();
        var barred = request.Approve ? await eligibility.CheckAsync(proposed.UnitCode, proposed.Year, today, proposed.LeaderId, ct) : [];
        var now = time.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = await db.Commendations.FromSql($"SELECT * FROM commendations WHERE id = {id} FOR UPDATE").SingleAsync(ct);
        if (c.Status != CommendationStatus.Studied)
            throw new DomainRuleException(c.Status == CommendationStatus.Proposed
                ? Say.T($"表彰建议 {c.Id} 尚未经联席会议研究：须先由联席会议研究（第二十四条）。", $"The proposal {c.Id} has not been studied: the joint meeting studies it first (Art. 24).")
                : Say.T($"表彰建议 {c.Id} 已于 {ChinaTime.DateOf(c.DecidedAt!.Value):yyyy-MM-dd} 作出决定（{Refusals.StatusZh(c.Status)}）。",
                    $"The proposal {c.Id} was {c.Status.ToString().ToLowerInvariant()} on {ChinaTime.DateOf(c.DecidedAt!.Value):yyyy-MM-dd}."));
        if (request.Approve && !c.Endorsed)
            throw new DomainRuleException(Say.T($"联席会议不同意表彰建议 {c.Id}{(c.StudyRemarks.Length > 0 ? $"（{c.StudyRemarks}）" : "")}：请决定不予批准，或提请联席会议重新研究。",
                $"The joint meeting did not endorse the proposal {c.Id}{(c.StudyRemarks.Length > 0 ? $" ({c.StudyRemarks})" : "")}: reject it, or have the meeting study it again."));
        if (barred.Count > 0)
            throw new DomainRuleException(Say.T(
                $"{c.UnitName}{(c.PersonName.Length > 0 ? $"（{c.PersonName}）" : "")}已不符合表彰条件：" + BarredZh(barred) + "。请决定不予批准该建议。",
                $"{c.UnitName}{(c.PersonName.Length > 0 ? $" ({c.PersonName})" : "")} is no longer eligible: " +
                string.Join("; ", barred.Select(b => $"{b.Reason} {b.Detail} [{b.Reference}]")) + ". Reject the proposal."));
        (c.Status, c.DecidedBy, c.DecidedAt, c.DecisionReasons) = (request.Approve ? CommendationStatus.Approved : CommendationStatus.Rejected, guard.Caller.Subject, now, request.Reasons.Trim());
        if (request.Approve)
            outbox.Enqueue(new CommendationConferred(c.Id, c.Year, c.CommendingCode, c.Kind.ToString(), c.UnitCode, c.UnitName, c.PersonName, c.LeaderId,
                c.ExternalPersonId, c.Title, ChinaTime.DateOf(now)));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"commendation/{c.Id}", Detail: JsonSerializer.Serialize(new
            { status = c.Status.ToString(), c.UnitCode, c.PersonName, c.Title, reasons = c.DecisionReasons, article = "Art. 26, 27" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(c, c.MeetingId is { } m ? await db.CommendationMeetings.AsNoTracking().FirstAsync(x => x.Id == m, ct) : null);
    }

    public override async Task<CommendationList> ListCommendations(ListCommendationsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's own records: read by the level and those above it (business records flow downward).
        await guard.ReadBelowAsync(request.CommendingCode, ct);
        var rows = await db.Commendations.AsNoTracking().Where(c => c.Year == request.Year && c.CommendingCode == request.CommendingCode)
            .OrderBy(c => c.ProposedAt).ThenBy(c => c.Id).ToListAsync(ct);
        var meetingIds = rows.Where(r => r.MeetingId != null).Select(r => r.MeetingId!.Value).Distinct().ToList();
        var meetings = await db.CommendationMeetings.AsNoTracking().Where(m => meetingIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var list = new CommendationList();
        list.Commendations.AddRange(rows.Select(r => ToApi(r, r.MeetingId is { } m ? meetings[m] : null)));
        return list;
    }

    public override async Task<Api.Eligibility> GetEligibility(GetEligibilityRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Whether a unit or leader is barred is read as the unit's business record: by the unit and the levels above.
        await guard.ReadBusinessRecordAsync(request.UnitCode, ct);
        var day = request.On.Length == 0 ? time.Today() : DateOnly.ParseExact(request.On, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var leaderId = request.LeaderId.Length == 0 ? (Guid?)null : Guid.Parse(request.LeaderId);
        var reasons = await eligibility.CheckAsync(request.UnitCode, request.Year == 0 ? day.Year : request.Year, day, leaderId, ct);
        return EligibilityCheck.ToApi(request.UnitCode, day, leaderId, reasons);
    }

    /// <summary>The unit's grade in its approved assessment of the year (unspecified when it has none).</summary>
    private async Task<Grade> ApprovedGradeAsync(string unitCode, int year, CancellationToken ct)
    {
        var scores = await EligibilityCheck.ApprovedScores(db, unitCode, year).ToListAsync(ct);
        // A unit assessed by two levels takes the worse grade.
        return scores.Count == 0 ? Grade.Unspecified : scores.Max(s => s.Grade);
    }

    /// <summary>What bars a unit or person, for a refusal in Chinese: each reason's detail and reference.</summary>
    private static string BarredZh(IEnumerable<Ineligible> barred) => string.Join("；", barred.Select(b => $"{b.DetailZh} [{b.Reference}]"));

    private sealed record MeetingAttendee(string Department, string Name);

    private static Api.Commendation ToApi(Commendation c, CommendationMeeting? meeting)
    {
        var api = new Api.Commendation
        {
            CommendationId = c.Id.ToString(), Year = c.Year, CommendingCode = c.CommendingCode, Kind = c.Kind, UnitCode = c.UnitCode, UnitName = c.UnitName,
            PersonName = c.PersonName, LeaderId = c.LeaderId?.ToString() ?? "", ExternalPersonId = c.ExternalPersonId, Title = c.Title, Citation = c.Citation,
            Status = c.Status, Grade = c.Grade, ProposedBy = c.ProposedBy, ProposedAt = c.ProposedAt.ToString("O", CultureInfo.InvariantCulture),
            StudiedOn = meeting?.HeldOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", Endorsed = c.Endorsed, StudyRemarks = c.StudyRemarks,
            DecidedBy = c.DecidedBy, DecidedAt = c.DecidedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", DecisionReasons = c.DecisionReasons,
        };
        if (meeting is not null)
            api.Attendees.AddRange((JsonSerializer.Deserialize<List<MeetingAttendee>>(meeting.AttendeesJson, Json) ?? [])
                .Select(a => new CommendationAttendee { Department = Enum.Parse<JointMeetingDepartment>(a.Department), Name = a.Name }));
        return api;
    }
}
