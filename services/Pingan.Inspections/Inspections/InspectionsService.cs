using System.Text.Json;
using Google.Api;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pingan.Audit;
using Pingan.Evidence;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Inspections.Inspections;

/// <summary>
/// The inspections of Art. 18 as gRPC (and REST) calls. Every change gathers what it needs from the registry first,
/// then locks the inspection row, checks, and writes the inspection, its events (outbox) and its audit entry in one
/// transaction (lock, validate, commit).
/// </summary>
public sealed class InspectionsService(
    InspectionsDb db, IOutbox outbox, TimeProvider time, WorkingDayCalendar calendar, IAuditTrail audit, JurisdictionGuard guard,
    InspectionAccess access, IAccountabilityChain chains, RegistryApi.Units.UnitsClient units, RegistryApi.Commissions.CommissionsClient commissions,
    EvidenceIntake intake, IOptions<LightOptions> lights, RequestLedger<InspectionsDb> ledger)
    : Api.Inspections.InspectionsBase
{
    private static readonly string[] TargetRoles = [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison];

    // ---------------------------------------------------------------- plan

    public override Task<Api.Inspection> PlanInspection(PlanInspectionRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => PlanAsync(request, context));

    private async Task<Api.Inspection> PlanAsync(PlanInspectionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var body = guard.Caller.Jurisdiction;
        // Art. 18: the commission (through its office) inspects the units within its jurisdiction.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], body, ct, [.. request.TargetCodes]);
        var form = (Form)request.Form;
        var errors = new List<FieldError>();
        var targets = new List<InspectionTarget>();
        var scope = new HashSet<string>(StringComparer.Ordinal);
        var own = await chains.ChainAsync(body, ct) ?? throw new NotFoundException(Say.T($"单位 {body} 不存在。", $"No unit {body}."));
        scope.UnionWith(own);
        for (var n = 0; n < request.TargetCodes.Count; n++)
        {
            var code = request.TargetCodes[n];
            if (code == body) { errors.Add(new($"target_codes[{n}]", Say.T("是实施检查的单位本身；委员会检查的是其管辖范围内的单位", "is the inspecting body itself; a commission inspects the units within its jurisdiction"))); continue; }
            if (await chains.ChainAsync(code, ct) is not { } chain) { errors.Add(new($"target_codes[{n}]", Say.T($"单位 {code} 不存在", $"no unit {code}"))); continue; }
            var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = code }, cancellationToken: ct);
            scope.UnionWith(chain);
            targets.Add(new InspectionTarget { UnitCode = code, UnitName = unit.Name, Position = n });
        }
        var team = new List<TeamMember>();
        var starts = DateOnly.ParseExact(request.StartsOn, "yyyy-MM-dd");
        // Art. 18 巡视: a patrol is made by members of the inspecting commission, as the registry has them on its first day.
        var members = form == Form.Patrol
            ? (await commissions.GetCommissionAsync(new RegistryApi.GetCommissionRequest { JurisdictionCode = body, AsOf = request.StartsOn }, cancellationToken: ct)).Members
            : null;
        for (var n = 0; n < request.Team.Count; n++)
        {
            var m = request.Team[n];
            var member = new TeamMember
            {
                Position = n, Subject = m.Subject.Trim(), Name = m.Name.Trim(), UnitCode = m.UnitCode, Leads = m.Leads,
                LeaderId = Guid.TryParse(m.LeaderId, out var leader) ? leader : null,
            };
            if (members is not null)
            {
                var seat = members.FirstOrDefault(x => x.LeaderId == m.LeaderId);
                if (seat is null) { errors.Add(new($"team[{n}].leader_id", Say.T($"{starts:yyyy-MM-dd} 时不是 {body} 委员会成员；巡视由委员会成员进行（第十八条）",
                    $"is not a member of the commission of {body} on {starts:yyyy-MM-dd}; a patrol is made by its members (Art. 18)"))); continue; }
                member.Name = seat.LeaderName;
                member.CommissionPosition = seat.Position;
                // A member comes from their member unit; one seated without a unit, from the commission's own jurisdiction.
                member.UnitCode = seat.MemberUnitCode.Length > 0 ? seat.MemberUnitCode : member.UnitCode.Length > 0 ? member.UnitCode : body;
            }
            var memberChain = await chains.ChainAsync(member.UnitCode, ct);
            if (memberChain is null) { errors.Add(new($"team[{n}].unit_code", Say.T($"单位 {member.UnitCode} 不存在", $"no unit {member.UnitCode}"))); continue; }
            // The covert rule starts with the team: nobody from an inspected unit (or a unit within one) knows of it.
            if (form == Form.Covert && targets.FirstOrDefault(t => memberChain.Contains(t.UnitCode)) is { } inspected)
                errors.Add(new($"team[{n}].unit_code", Say.T($"{member.Name} 来自 {member.UnitCode}，该单位即被检查的{inspected.UnitName}或在其范围内；暗访检查组成员不得来自被检查单位",
                    $"{member.Name} comes from {member.UnitCode}, which is or lies within the inspected {inspected.UnitName}; a covert inspection's team must not")));
            team.Add(member);
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var inspecting = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = body }, cancellationToken: ct);

        var now = time.GetUtcNow();
        var i = new Inspection
        {
            Id = Guid.CreateVersion7(now), Form = form, Year = request.Year, Title = request.Title.Trim(), WorkItem = request.WorkItem.Trim(),
            InspectingCode = body, InspectingName = inspecting.Name, StartsOn = starts, EndsOn = DateOnly.ParseExact(request.EndsOn, "yyyy-MM-dd"),
            Status = InspectionStatus.Planned, Covert = form == Form.Covert, TargetCodes = [.. targets.Select(t => t.UnitCode)], ScopeChain = [.. scope],
            TeamSubjects = [.. team.Select(t => t.Subject).Where(s => s.Length > 0)], Targets = targets, Team = team,
            PlannedAt = now, PlannedBy = guard.Caller.Subject,
        };
        db.Inspections.Add(i);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A covert inspection's events wait for its completion (issue 13: not even its planning leaves before).
        if (!i.Covert) outbox.Enqueue(Planned(i));
        await CommitAsync(i, context, tx, new { form = form.ToString(), i.Year, targets = i.TargetCodes, team = team.Select(t => t.Name) }, ct);
        return await ViewAsync(i, ct);
    }

    // ---------------------------------------------------------------- read

    public override async Task<Api.Inspection> GetInspection(GetInspectionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var i = await db.Inspections.AsNoTracking().WithParts().FirstOrDefaultAsync(x => x.Id == Guid.Parse(request.InspectionId), ct)
            ?? throw InspectionAccess.NotFound(request.InspectionId);
        await access.EnsureReadableAsync(i, ct);
        return await ViewAsync(i, ct);
    }

    public override async Task<InspectionList> ListInspections(ListInspectionsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Each row is of or by a unit within request.UnitCode, itself within the caller's jurisdiction.
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var query = Visible(db.Inspections.AsNoTracking().Where(i => i.ScopeChain.Contains(request.UnitCode)), await access.OwnChainsAsync(ct));
        var (year, form) = (request.Year, (Form)request.Form);
        if (year > 0) query = query.Where(i => i.Year == year);
        if (request.Form != Api.Form.Unspecified) query = query.Where(i => i.Form == form);
        if (PageToken.TryRead(request.PageToken, out var after, out var afterId))
            query = query.Where(i => i.PlannedAt < after || (i.PlannedAt == after && i.Id.CompareTo(afterId) < 0));
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize : 100;
        var page = await query.OrderByDescending(i => i.PlannedAt).ThenByDescending(i => i.Id).Take(size + 1).WithParts().ToListAsync(ct);
        var list = new InspectionList();
        list.Inspections.AddRange(await ViewsAsync([.. page.Take(size)], ct));
        if (page.Count > size) list.NextPageToken = PageToken.Write(page[size - 1].PlannedAt, page[size - 1].Id);
        return list;
    }

    /// <summary>
    /// The covert rule in SQL, the same as <see cref="InspectionAccess.MaySeeAsync"/>: not secret, or the caller is an insider
    /// whose own units are none of the targets.
    /// </summary>
    private IQueryable<Inspection> Visible(IQueryable<Inspection> query, string[] ownChains)
    {
        var caller = access.Caller;
        var office = caller.HasAnyRole(PinganRoles.CommissionOffice);
        var (jurisdiction, subject) = (caller.Jurisdiction, caller.HasAnyRole(PinganRoles.Inspector) ? caller.Subject : "");
        return query.Where(i => !i.Covert || i.CompletedAt != null
            || (((office && i.InspectingCode == jurisdiction) || (subject != "" && i.TeamSubjects.Contains(subject))) && !i.TargetCodes.Any(t => ownChains.Contains(t))));
    }

    // ---------------------------------------------------------------- visits and evidence

    public override Task<Api.Inspection> RecordVisit(RecordVisitRequest request, ServerCallContext context) =>
        ChangeAsync(request.InspectionId, context, (i, ct) =>
        {
            EnsureInsider(i, "记录走访", "records a visit");
            EnsureFieldWork(i);
            EnsureTarget(i, request.TargetCode, "target_code");
            var on = DateOnly.ParseExact(request.VisitedOn, "yyyy-MM-dd");
            if (on < i.StartsOn || on > i.EndsOn) throw new RequestValidationException("visited_on", Say.T($"不在督导检查期间内（{i.StartsOn:yyyy-MM-dd} 至 {i.EndsOn:yyyy-MM-dd}）", $"is outside the inspection's period ({i.StartsOn:yyyy-MM-dd} to {i.EndsOn:yyyy-MM-dd})"));
            if (on > time.Today()) throw new RequestValidationException("visited_on", Say.T("不得晚于今天", "is in the future"));
            var visit = new Visit
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()), InspectionId = i.Id, TargetCode = request.TargetCode, VisitedOn = on, Note = request.Note.Trim(),
                RecordedBy = guard.Caller.Subject, RecordedAt = time.GetUtcNow(),
            };
            db.Visits.Add(visit); // added, not discovered (a set Guid key reads as an existing row); fix-up puts it in i.Visits
            if (i.Status == InspectionStatus.Planned) i.Status = InspectionStatus.UnderWay;
            return Task.FromResult<object>(new { visit = visit.Id, target = i.Secret ? null : visit.TargetCode, visitedOn = request.VisitedOn });
        });

    public override Task<Api.Evidence> UploadEvidence(UploadEvidenceRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => UploadEvidenceAsync(request, context));

    private async Task<Api.Evidence> UploadEvidenceAsync(UploadEvidenceRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var accepted = intake.Accept(request.File, request.FileName);
        var id = Guid.Parse(request.InspectionId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM inspections WHERE id = {id} FOR SHARE", ct);
        var i = await db.Inspections.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw InspectionAccess.NotFound(request.InspectionId);
        await access.EnsureReadableAsync(i, ct);
        EnsureTarget(i, request.UnitCode, "unit_code");
        if (i.Status == InspectionStatus.Closed)
            throw new DomainRuleException(Say.T($"该督导检查已于 {ChinaTime.DateOf(i.ClosedAt!.Value):yyyy-MM-dd} 办结，不再接收佐证材料。",
                $"The inspection closed on {ChinaTime.DateOf(i.ClosedAt!.Value):yyyy-MM-dd}; it takes no more evidence."));
        // The team gathers evidence about any target; a target's own staff, for the rectification they report.
        if (!access.IsInsider(i))
        {
            guard.EnsureRole(TargetRoles);
            guard.ActAsUnit(request.UnitCode);
        }
        var now = time.GetUtcNow();
        var file = new InspectionEvidence
        {
            Id = Guid.CreateVersion7(now), InspectionId = i.Id, UnitCode = request.UnitCode, FileName = "", ContentType = "", Sha256 = "", Content = [],
            CapturedAt = request.CapturedAt.Length > 0 ? DateTimeOffset.Parse(request.CapturedAt, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime() : null,
            CapturedPlace = request.CapturedPlace.Trim(), UploadedAt = now, UploadedBy = guard.Caller.Subject,
        };
        file.Take(accepted);
        db.Evidence.Add(file);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"inspection/{i.Id}",
            Detail: JsonSerializer.Serialize(new { evidence = file.Id, unit = i.Secret ? null : file.UnitCode, file.ContentType, file.SizeBytes, file.Sha256 })), ct);
        await tx.CommitAsync(ct);
        return file.ToApi();
    }

    public override async Task<HttpBody> GetEvidence(GetEvidenceRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(request.EvidenceId);
        var owner = await db.Evidence.Where(e => e.Id == id).Select(e => new { e.InspectionId, e.UnitCode }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException(Say.T($"佐证材料 {request.EvidenceId} 不存在。", $"No evidence {request.EvidenceId}."));
        var i = await db.Inspections.AsNoTracking().FirstAsync(x => x.Id == owner.InspectionId, ct);
        if (!await access.MaySeeAsync(i, ct)) throw new NotFoundException(Say.T($"佐证材料 {request.EvidenceId} 不存在。", $"No evidence {request.EvidenceId}."));
        if (!await access.MayReadAboutAsync(i, owner.UnitCode, ct))
            throw JurisdictionGuard.Refused("read business records", $"the evidence concerns {owner.UnitCode}, which is not within your jurisdiction ({guard.Caller.Jurisdiction})",
                "查阅业务记录", $"该佐证材料涉及 {owner.UnitCode}，不在您的管辖范围（{guard.Caller.Jurisdiction}）内");
        var file = await db.Evidence.AsNoTracking().FirstAsync(e => e.Id == id, ct);
        return context.Download(file);
    }

    // ---------------------------------------------------------------- findings

    public override Task<Api.Inspection> RecordFinding(RecordFindingRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => ChangeAsync(request.InspectionId, context, async (i, ct) =>
        {
            EnsureInsider(i, "记录问题", "records a finding");
            EnsureFieldWork(i);
            EnsureTarget(i, request.TargetCode, "target_code");
            var observed = DateOnly.ParseExact(request.ObservedOn, "yyyy-MM-dd");
            if (observed < i.StartsOn) throw new RequestValidationException("observed_on", Say.T($"不得早于督导检查开始日期（{i.StartsOn:yyyy-MM-dd}）", $"is before the inspection began ({i.StartsOn:yyyy-MM-dd})"));
            if (observed > time.Today()) throw new RequestValidationException("observed_on", Say.T("不得晚于今天", "is in the future"));
            var evidence = await EvidenceOfAsync(i, request.TargetCode, request.EvidenceIds, "evidence_ids", ct);
            var now = time.GetUtcNow();
            var f = new Finding
            {
                Id = Guid.CreateVersion7(now), InspectionId = i.Id, TargetCode = request.TargetCode, ConcernKind = (ConcernKind)request.Concern.Kind,
                ConcernReference = request.Concern.Reference.Trim(), Clause = request.Concern.Kind == Api.ConcernKind.Art31Clause ? request.Concern.Clause : null,
                Severity = (FindingSeverity)request.Severity, Description = request.Description.Trim(), ObservedOn = observed, EvidenceIds = evidence,
                Rectification = request.RectificationWorkingDays == 0 ? RectificationStatus.NotDemanded : RectificationStatus.Pending,
                Demand = request.RectificationDemand.Trim(), WorkingDays = request.RectificationWorkingDays, RecordedBy = guard.Caller.Subject, RecordedAt = now,
            };
            db.Findings.Add(f); // fix-up puts it in i.Findings
            // The demand reaches the unit now; a covert inspection's when it completes.
            if (!i.Secret)
            {
                Issue(f);
                outbox.Enqueue(Recorded(i, f));
            }
            return new { finding = f.Id, target = i.Secret ? null : f.TargetCode, severity = f.Severity.ToString(), concern = f.ConcernKind.ToString(), dueOn = f.DueOn };
        }));

    public override Task<Api.Inspection> CompleteInspection(CompleteInspectionRequest request, ServerCallContext context) =>
        ChangeAsync(request.InspectionId, context, (i, ct) =>
        {
            EnsureOffice(i, "结束检查", "completes it");
            EnsureFieldWork(i);
            var covert = i.Secret;
            var now = time.GetUtcNow();
            i.Status = InspectionStatus.Completed;
            i.CompletedAt = now;
            i.Summary = request.Summary.Trim();
            foreach (var f in i.Findings.Where(f => f.Rectification == RectificationStatus.Pending)) Issue(f);
            if (covert)
            {
                // Issue 13: a covert inspection's events leave at its completion, all together.
                outbox.Enqueue(Planned(i));
                foreach (var f in i.Findings.OrderBy(f => f.RecordedAt)) outbox.Enqueue(Recorded(i, f));
            }
            outbox.Enqueue(new InspectionCompleted(i.Id, i.Form.ToString(), i.Year, i.InspectingCode, i.TargetCodes, i.Findings.Count, now));
            CloseIfDone(i);
            return Task.FromResult<object>(new
            {
                targets = i.TargetCodes, findings = i.Findings.Count, dueOn = i.Findings.Where(f => f.DueOn is not null).Select(f => new { f.Id, f.TargetCode, f.DueOn }),
            });
        });

    // ---------------------------------------------------------------- rectification

    public override Task<Api.Inspection> ReportRectification(ReportRectificationRequest request, ServerCallContext context) =>
        ChangeAsync(request.InspectionId, context, async (i, ct) =>
        {
            var f = FindingOf(i, request.FindingId);
            // The inspected unit reports for itself (整改情况), through its office or liaison.
            guard.EnsureRole(TargetRoles);
            guard.ActAsUnit(f.TargetCode);
            if (!f.Owed)
                throw new DomainRuleException(f.Rectification switch
                {
                    RectificationStatus.NotDemanded => Say.T("该问题无需整改。", "The finding demands no rectification."),
                    RectificationStatus.Reported => Say.T($"整改情况已于 {ChinaTime.DateOf(f.ReportedAt!.Value):yyyy-MM-dd} 报告，正待检查组核验。",
                        $"The rectification was reported on {ChinaTime.DateOf(f.ReportedAt!.Value):yyyy-MM-dd} and awaits the team's verification."),
                    _ => Say.T("该问题的整改已经核验。", "The rectification was verified already."),
                });
            f.Report = request.Report.Trim();
            f.ReportEvidenceIds = await EvidenceOfAsync(i, f.TargetCode, request.EvidenceIds, "evidence_ids", ct);
            f.ReportedAt = time.GetUtcNow();
            f.Rectification = RectificationStatus.Reported;
            return new { finding = f.Id, dueOn = f.DueOn, onTime = time.Today() <= f.DueOn, evidence = f.ReportEvidenceIds };
        });

    public override Task<Api.Inspection> VerifyRectification(VerifyRectificationRequest request, ServerCallContext context) =>
        ChangeAsync(request.InspectionId, context, (i, ct) =>
        {
            EnsureInsider(i, "核验整改情况", "verifies a rectification");
            var f = FindingOf(i, request.FindingId);
            if (f.Rectification != RectificationStatus.Reported)
                throw new DomainRuleException(Say.T($"没有待核验的整改情况报告（该问题的整改状态为：{RectificationZh(f.Rectification)}）。",
                    $"There is no reported rectification to verify (the finding's rectification is {f.Rectification})."));
            var now = time.GetUtcNow();
            f.Verdict = request.Verdict.Trim();
            f.VerifiedAt = now;
            f.Rectification = request.Accepted ? RectificationStatus.Verified : RectificationStatus.Rejected;
            // A rejected report puts the demand back with the unit; if its day has passed, the sweep raises it again.
            if (!request.Accepted) f.OverdueSince = null;
            var onTime = ChinaTime.DateOf(f.ReportedAt!.Value) <= f.DueOn;
            outbox.Enqueue(new RectificationVerified(i.Id, f.Id, f.TargetCode, request.Accepted, f.DueOn!.Value, onTime, now));
            CloseIfDone(i);
            return Task.FromResult<object>(new { finding = f.Id, accepted = request.Accepted, onTime, verdict = f.Verdict });
        });

    // ---------------------------------------------------------------- referral to accountability

    public override Task<Api.Inspection> ReferFinding(ReferFindingRequest request, ServerCallContext context) =>
        ChangeAsync(request.InspectionId, context, async (i, ct) =>
        {
            EnsureOffice(i, "将问题移送责任追究", "refers a finding to accountability");
            var f = FindingOf(i, request.FindingId);
            if (f.ReferredAt is { } referred)
                throw new RequestValidationException("finding_id", Say.T($"已于 {ChinaTime.DateOf(referred):yyyy-MM-dd} 移送问责（第三十一条第 {f.ReferredClause} 项）",
                    $"was referred to accountability on {ChinaTime.DateOf(referred):yyyy-MM-dd} already (Art. 31 clause {f.ReferredClause})"));
            // The referral leaves as an event, which a covert inspection publishes nothing of before it completes.
            if (i.Secret)
                throw new DomainRuleException(Say.T("暗访发现的问题须待检查结束后移送：在此之前，暗访的任何情况不得传出检查组。",
                    "A covert inspection's findings are referred once it completes: until then nothing of it leaves the team."));
            var chain = await chains.ChainAsync(f.TargetCode, ct) ?? throw new NotFoundException(Say.T($"单位 {f.TargetCode} 不存在。", $"No unit {f.TargetCode}."));
            var now = time.GetUtcNow();
            f.ReferredAt = now;
            f.ReferredClause = request.Clause;
            var target = i.Targets.First(t => t.UnitCode == f.TargetCode);
            var summary = $"{request.Reasons.Trim()}\n[{i.Title}] {f.Description}";
            outbox.Enqueue(new FindingReferred(i.Id, f.Id, f.TargetCode, target.UnitName, [.. chain], i.InspectingCode, request.Clause, request.Severity,
                summary.Length > 4000 ? summary[..4000] : summary, f.ObservedOn, $"inspection/{i.Id}/findings/{f.Id}",
                [.. f.EvidenceIds.Select(e => $"/v1/inspection-evidence/{e}")], $"{guard.Caller.Name} ({i.InspectingName})", now));
            return new { finding = f.Id, clause = request.Clause, severity = request.Severity, reasons = request.Reasons.Trim() };
        });

    // ---------------------------------------------------------------- the aggregate's lock

    /// <summary>
    /// Gather, lock, validate, commit: the registry's facts are read first; then the inspection row is locked, read with
    /// its parts, checked for the caller again (the covert rule first, so an outsider learns nothing), changed, and
    /// committed with its events and audit entry. Concurrent changes of one inspection queue on the lock, each seeing
    /// the other's result.
    /// </summary>
    private async Task<Api.Inspection> ChangeAsync(string inspectionId, ServerCallContext context, Func<Inspection, CancellationToken, Task<object>> change)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(inspectionId);
        // Gather first: the caller's right to it and every chain the change and the view ask for come from the registry
        // now (cached for the request; targets never change), so nothing is asked of it while the row is held.
        var snapshot = await db.Inspections.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw InspectionAccess.NotFound(inspectionId);
        await access.EnsureReadableAsync(snapshot, ct);
        foreach (var code in snapshot.TargetCodes) await chains.ChainAsync(code, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM inspections WHERE id = {id} FOR UPDATE", ct);
        var i = await db.Inspections.WithParts().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw InspectionAccess.NotFound(inspectionId);
        await access.EnsureReadableAsync(i, ct);
        var detail = await change(i, ct);
        i.Version++;
        await CommitAsync(i, context, tx, detail, ct);
        return await ViewAsync(i, ct);
    }

    private async Task CommitAsync(Inspection i, ServerCallContext context, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, object detail, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        // A covert inspection's entries name neither its targets nor its findings' until it completes.
        await audit.RecordAsync(new AuditRecord(context.Method, $"inspection/{i.Id}", Detail: JsonSerializer.Serialize(new
        {
            form = i.Form.ToString(), status = i.Status.ToString(), covert = i.Secret ? "targets withheld until completion" : null, detail,
        })), ct);
        await tx.CommitAsync(ct);
    }

    // ---------------------------------------------------------------- helpers

    private void Issue(Finding f)
    {
        if (f.Rectification != RectificationStatus.Pending) return;
        var today = time.Today();
        f.IssuedOn = today;
        f.DueOn = calendar.AddWorkingDaysProvisionally(today, f.WorkingDays).Day;
        f.Rectification = RectificationStatus.Demanded;
    }

    private void CloseIfDone(Inspection i)
    {
        if (i.Status != InspectionStatus.Completed || i.Findings.Any(f => f.Rectification is not (RectificationStatus.NotDemanded or RectificationStatus.Verified))) return;
        i.Status = InspectionStatus.Closed;
        i.ClosedAt = time.GetUtcNow();
        outbox.Enqueue(new InspectionClosed(i.Id, i.Form.ToString(), i.Year, i.InspectingCode, i.ClosedAt.Value));
    }

    private async Task<Guid[]> EvidenceOfAsync(Inspection i, string targetCode, IList<string> ids, string field, CancellationToken ct)
    {
        var wanted = ids.Select(Guid.Parse).ToArray();
        var known = await db.Evidence.AsNoTracking().Where(e => wanted.Contains(e.Id)).Select(e => new { e.Id, e.InspectionId, e.UnitCode }).ToListAsync(ct);
        var errors = new List<FieldError>();
        for (var n = 0; n < wanted.Length; n++)
        {
            var e = known.FirstOrDefault(x => x.Id == wanted[n]);
            if (e is null || e.InspectionId != i.Id) errors.Add(new($"{field}[{n}]", Say.T($"本次督导检查中没有佐证材料 {ids[n]}", $"no evidence {ids[n]} of this inspection")));
            else if (e.UnitCode != targetCode) errors.Add(new($"{field}[{n}]", Say.T($"是关于 {e.UnitCode} 而非 {targetCode} 的佐证材料", $"is evidence about {e.UnitCode}, not {targetCode}")));
        }
        return errors.Count > 0 ? throw new RequestValidationException(errors) : [.. wanted.Distinct()];
    }

    private static Finding FindingOf(Inspection i, string findingId) =>
        i.Findings.FirstOrDefault(f => f.Id == Guid.Parse(findingId))
        ?? throw new NotFoundException(Say.T($"督导检查 {i.Id} 中没有问题 {findingId}。", $"No finding {findingId} in inspection {i.Id}."));

    private static void EnsureTarget(Inspection i, string code, string field)
    {
        if (!i.TargetCodes.Contains(code)) throw new RequestValidationException(field, Say.T($"{code} 不是本次督导检查的被检查单位", $"{code} is not a target of this inspection"));
    }

    private static void EnsureFieldWork(Inspection i)
    {
        if (i.Status is not (InspectionStatus.Planned or InspectionStatus.UnderWay))
            throw new DomainRuleException(Say.T($"该督导检查的现场检查已于 {ChinaTime.DateOf(i.CompletedAt!.Value):yyyy-MM-dd} 结束。",
                $"The inspection's field work ended on {ChinaTime.DateOf(i.CompletedAt!.Value):yyyy-MM-dd}."));
    }

    private void EnsureInsider(Inspection i, string whatZh, string what)
    {
        if (!access.IsInsider(i))
            throw JurisdictionGuard.Refused("act for an inspection", $"the office of {i.InspectingCode} or a member of the team {what}; you act for {guard.Caller.Unit ?? guard.Caller.Jurisdiction}",
                "办理督导检查事项", $"须由 {i.InspectingCode} 平安办或检查组成员{whatZh}；您代表的是 {guard.Caller.Unit ?? guard.Caller.Jurisdiction}");
    }

    private void EnsureOffice(Inspection i, string whatZh, string what)
    {
        if (!access.IsOffice(i))
            throw JurisdictionGuard.Refused("act for an inspection", $"the office of the inspecting commission ({i.InspectingCode}) {what}; you act for {guard.Caller.Unit ?? guard.Caller.Jurisdiction}",
                "办理督导检查事项", $"须由实施检查的平安办（{i.InspectingCode}）{whatZh}；您代表的是 {guard.Caller.Unit ?? guard.Caller.Jurisdiction}");
    }

    /// <summary>A finding's rectification state in Chinese, as the portal names it.</summary>
    private static string RectificationZh(RectificationStatus status) => status switch
    {
        RectificationStatus.NotDemanded => "无需整改",
        RectificationStatus.Pending => "待下达",
        RectificationStatus.Demanded => "待整改",
        RectificationStatus.Reported => "已报告，待核验",
        RectificationStatus.Rejected => "核验未通过，重新整改",
        RectificationStatus.Verified => "已核验",
        _ => "未知",
    };

    private static InspectionPlanned Planned(Inspection i) =>
        new(i.Id, i.Form.ToString(), i.Year, i.InspectingCode, i.TargetCodes, i.StartsOn, i.EndsOn);

    private static FindingRecorded Recorded(Inspection i, Finding f) =>
        new(i.Id, f.Id, i.Form.ToString(), i.Year, i.InspectingCode, f.TargetCode, f.Severity.ToString(), f.ConcernKind.ToString(), f.ConcernReference,
            f.Clause, f.ObservedOn, f.Rectification != RectificationStatus.NotDemanded);

    /// <summary>The API view for this caller: findings and evidence row by row, each by its own target.</summary>
    private async Task<Api.Inspection> ViewAsync(Inspection i, CancellationToken ct) => (await ViewsAsync([i], ct))[0];

    /// <summary>The views of a page: the files its readable findings cite are read in one query for the whole page.</summary>
    private async Task<List<Api.Inspection>> ViewsAsync(IReadOnlyList<Inspection> inspections, CancellationToken ct)
    {
        var readable = new List<(Inspection Inspection, List<Finding> Findings, List<Visit> Visits)>();
        foreach (var i in inspections)
        {
            var findings = new List<Finding>();
            foreach (var f in i.Findings)
                if (await access.MayReadAboutAsync(i, f.TargetCode, ct)) findings.Add(f);
            var visits = new List<Visit>();
            foreach (var v in i.Visits)
                if (await access.MayReadAboutAsync(i, v.TargetCode, ct)) visits.Add(v);
            readable.Add((i, findings, visits));
        }
        var ids = readable.SelectMany(r => r.Findings).SelectMany(f => f.EvidenceIds.Concat(f.ReportEvidenceIds)).Distinct().ToArray();
        var evidence = ids.Length == 0 ? [] : await db.Evidence.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(InspectionMapping.Metadata).ToListAsync(ct);
        var window = LightWindow.Of(time.Today(), calendar, lights.Value);
        return [.. readable.Select(r => r.Inspection.ToApi(r.Findings, r.Visits, evidence, window))];
    }
}
