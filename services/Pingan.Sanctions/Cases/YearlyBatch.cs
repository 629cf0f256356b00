using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Contracts;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Cases;

// Art. 35, second paragraph: "省综治办每年从公共安全、治安问题相对突出的县(市、区)中,确定若干作为挂牌督办的重点整治单位".
public sealed partial class CasesService
{
    public override async Task<ListingBatch> ProposeListingBatch(ProposeListingBatchRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice);
        if (!await guard.IsTopLevelAsync(ct))
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T("每年确定挂牌督办的重点整治单位由省综治办负责（第三十五条）。",
                "The yearly selection for listed supervision is the provincial office's (Art. 35).")));
        // AIP-155: the batch's id follows from the client's request id, so a retry finds what the first request proposed.
        var requestId = Pingan.Persistence.RequestIds.Given(request.RequestId);
        Guid? requested = requestId is null ? null : new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("listing-batch:" + requestId))[..16]);
        if (requested is { } earlier && await ProposedBatchAsync(earlier, request.Year, ct) is { } done) return done;
        var (heldOn, present, attendees) = await JointMeetingAsync(request.HeldOn, request.Attendees, ct);

        var errors = new List<FieldError>();
        var subjects = new List<(RegistryApi.Unit Unit, IReadOnlyList<string> Chain, BatchEntry Entry)>();
        for (var i = 0; i < request.Entries.Count; i++)
        {
            var entry = request.Entries[i];
            if (request.Entries.Take(i).Any(e => e.SubjectCode == entry.SubjectCode))
            {
                errors.Add(new($"entries[{i}].subject_code", Say.T($"{entry.SubjectCode} 重复选定", $"{entry.SubjectCode} is selected twice")));
                continue;
            }
            RegistryApi.Unit unit;
            try
            {
                unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = entry.SubjectCode }, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                errors.Add(new($"entries[{i}].subject_code", Say.T($"单位 {entry.SubjectCode} 不存在", $"no unit {entry.SubjectCode}")));
                continue;
            }
            if (unit.Kind != RegistryApi.UnitKind.County)
            {
                errors.Add(new($"entries[{i}].subject_code", Say.T($"{unit.Name} 不是县级单位（县、市、区）", $"{unit.Name} is not a county-level unit (县、市、区)")));
                continue;
            }
            subjects.Add((unit, (await chains.ChainAsync(unit.Code, ct))!, entry));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var now = time.GetUtcNow();
        var batchId = requested ?? Guid.CreateVersion7(now);
        var cases = new List<SanctionCase>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Checked inside the transaction, a listing proposed but not yet decided counting as one (issue 12); the
        // unique index behind it settles two batches committing at once.
        var codes = subjects.Select(s => s.Unit.Code).ToList();
        var listed = await db.Cases.AsNoTracking()
            .Where(c => codes.Contains(c.SubjectCode) && (((c.Stage == Stage.Listing || c.ProposedStage == Stage.Listing) && !SanctionCase.Ended.Contains(c.Status)) || c.ListingInForce))
            .Select(c => c.SubjectCode).Distinct().ToListAsync(ct);
        if (listed.Count > 0)
            throw new RequestValidationException([.. request.Entries.Select((e, i) => (e, i)).Where(x => listed.Contains(x.e.SubjectCode))
                .Select(x => (x.i, name: subjects.First(s => s.Unit.Code == x.e.SubjectCode).Unit.Name))
                .Select(x => new FieldError($"entries[{x.i}].subject_code",
                    Say.T($"{x.name} 已在挂牌督办中或已被建议挂牌督办", $"{x.name} is under listed supervision already, or proposed for it")))]);
        foreach (var ((unit, chain, entry), index) in subjects.Select((s, i) => (s, i)))
        {
            var c = new SanctionCase
            {
                // Ids in the entries' order (a millisecond apart), so a retry lists the batch as the first answer did.
                Id = Guid.CreateVersion7(now.AddMilliseconds(index)), SubjectCode = unit.Code, SubjectName = unit.Name, Clause = entry.Clause, Source = nameof(Source.YearlyBatch),
                Severity = Severity.EspeciallySerious, IncidentOn = time.Today(), Summary = entry.Reasons.Trim(), BatchId = batchId,
                ResponsibleCode = chain[1], UpperCode = chain.Count > 2 ? chain[2] : chain[1], SubjectChain = [.. chain], OpenedAt = now,
                Status = CaseStatus.Proposed, StatusBeforeProposal = CaseStatus.Registered, ProposedStage = Stage.Listing,
            };
            var meeting = new JointMeeting
            {
                Id = Guid.CreateVersion7(now), CaseId = c.Id, HeldOn = heldOn, Departments = [.. present.Order().Select(d => d.ToString())],
                Attendees = JsonSerializer.Serialize(attendees, CaseMapping.Json), ProposesListing = true, Minutes = request.Minutes.Trim(), RecordedAt = now,
            };
            c.ProposalMeetingId = meeting.Id;
            c.ProposalTrace = [$"Art. 31({c.Clause})", $"Art. 35(2): yearly selection {request.Year}", "Art. 35"];
            db.Cases.Add(c);
            db.JointMeetings.Add(meeting);
            Step(c, context, "Opened", "Art. 35(2)", new { batch = batchId, year = request.Year, clause = c.Clause, reasons = c.Summary });
            Step(c, context, "JointMeetingHeld", "Art. 24, 35", new { meeting = meeting.Id, heldOn = request.HeldOn, attendees, proposesListing = true, minutes = meeting.Minutes });
            Step(c, context, "Proposed", "Art. 35", new { stage = nameof(Stage.Listing), body = c.UpperCode, batch = batchId, jointMeeting = meeting.Id, trace = c.ProposalTrace });
            outbox.Enqueue(new CaseOpened(c.Id, c.SubjectCode, c.Clause, c.Source, c.Severity.ToString(), c.IncidentOn, now));
            outbox.Enqueue(new MeasureProposed(c.Id, c.SubjectCode, nameof(Stage.Listing), c.UpperCode, DirectEntry: true, now));
            cases.Add(c);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (SanctionCase.BrokeOneOpenListing(e))
        {
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            // The same request sent twice at once: the other one proposed the batch.
            if (requested is { } same && await ProposedBatchAsync(same, request.Year, ct) is { } made) return made;
            throw new DomainRuleException(Say.T("本次选定的县（市、区）中，有单位同时被另一批次或另一项建议提出挂牌督办；请重新读取案件。",
                "A county of this selection was proposed for listed supervision by a batch or a proposal committed at the same moment; read the cases again."));
        }
        await audit.RecordAsync(new Audit.AuditRecord(context.Method, $"listing-batch/{batchId}",
            Detail: JsonSerializer.Serialize(new { year = request.Year, cases = cases.Select(c => c.SubjectCode) })), ct);
        await tx.CommitAsync(ct);

        var batch = new ListingBatch { BatchId = batchId.ToString(), Year = request.Year };
        batch.Cases.AddRange(cases.Select(c => c.ToApi()));
        return batch;
    }

    /// <summary>The batch an earlier request proposed, or null.</summary>
    private async Task<ListingBatch?> ProposedBatchAsync(Guid batchId, int year, CancellationToken ct)
    {
        var cases = await db.Cases.AsNoTracking().WithParts().Where(c => c.BatchId == batchId).OrderBy(c => c.Id).ToListAsync(ct);
        if (cases.Count == 0) return null;
        var batch = new ListingBatch { BatchId = batchId.ToString(), Year = year };
        batch.Cases.AddRange(cases.Select(c => c.ToApi()));
        return batch;
    }
}
