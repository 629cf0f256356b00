using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Contracts;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
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
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The yearly selection for listed supervision is the provincial office's (Art. 35)."));
        var (heldOn, present, attendees) = await JointMeetingAsync(request.HeldOn, request.Attendees, ct);

        var errors = new List<FieldError>();
        var subjects = new List<(RegistryApi.Unit Unit, IReadOnlyList<string> Chain, BatchEntry Entry)>();
        for (var i = 0; i < request.Entries.Count; i++)
        {
            var entry = request.Entries[i];
            if (request.Entries.Take(i).Any(e => e.SubjectCode == entry.SubjectCode))
            {
                errors.Add(new($"entries[{i}].subject_code", $"{entry.SubjectCode} is selected twice"));
                continue;
            }
            RegistryApi.Unit unit;
            try
            {
                unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = entry.SubjectCode }, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                errors.Add(new($"entries[{i}].subject_code", $"no unit {entry.SubjectCode}"));
                continue;
            }
            if (unit.Kind != RegistryApi.UnitKind.County)
            {
                errors.Add(new($"entries[{i}].subject_code", $"{unit.Name} is not a county-level unit (县、市、区)"));
                continue;
            }
            var listed = await db.Cases.AsNoTracking().AnyAsync(c => c.SubjectCode == unit.Code && c.Stage == Stage.Listing && !SanctionCase.Ended.Contains(c.Status), ct);
            if (listed)
            {
                errors.Add(new($"entries[{i}].subject_code", $"{unit.Name} is under listed supervision already"));
                continue;
            }
            subjects.Add((unit, (await chains.ChainAsync(unit.Code, ct))!, entry));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var now = time.GetUtcNow();
        var batchId = Guid.CreateVersion7(now);
        var cases = new List<SanctionCase>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (unit, chain, entry) in subjects)
        {
            var c = new SanctionCase
            {
                Id = Guid.CreateVersion7(now), SubjectCode = unit.Code, SubjectName = unit.Name, Clause = entry.Clause, Source = nameof(Source.YearlyBatch),
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
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new Audit.AuditRecord(context.Method, $"listing-batch/{batchId}",
            Detail: JsonSerializer.Serialize(new { year = request.Year, cases = cases.Select(c => c.SubjectCode) })), ct);
        await tx.CommitAsync(ct);

        var batch = new ListingBatch { BatchId = batchId.ToString(), Year = request.Year };
        batch.Cases.AddRange(cases.Select(c => c.ToApi()));
        return batch;
    }
}
