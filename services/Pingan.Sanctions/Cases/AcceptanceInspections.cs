using Grpc.Core;
using Pingan.ServiceDefaults;
using InspectionsApi = Pingan.Inspections.Api;

namespace Pingan.Sanctions.Cases;

/// <summary>
/// Issue 13: an acceptance check (Art. 34-36 检查验收) may cite an inspection whose verdict backs it. The inspections
/// service is asked on the checker's own token, so the inspection must be one the checker may read. It backs the check
/// when it inspected the case's subject, was run by the checker's own level, and its field work has ended; a check that
/// passes needs every rectification it demanded of the subject verified.
/// </summary>
public sealed class AcceptanceInspections(IServiceProvider services)
{
    public sealed record Verdict(string InspectionId, string Title, string Form, string CompletedAt, int Findings, int Unrectified);

    public async Task<Verdict> ReadAsync(string inspectionId, string subjectCode, string checkerJurisdiction, bool passed, CancellationToken ct)
    {
        const string field = "acceptance_inspection_id";
        var client = services.GetService<InspectionsApi.Inspections.InspectionsClient>()
            ?? throw new DomainRuleException("No inspections service is configured here (Services:Inspections:Grpc): a check cannot cite an inspection.");
        InspectionsApi.Inspection inspection;
        try
        {
            inspection = await client.GetInspectionAsync(new InspectionsApi.GetInspectionRequest { InspectionId = inspectionId }, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            throw new RequestValidationException(field, $"no inspection {inspectionId} you may read");
        }
        if (inspection.Targets.All(t => t.UnitCode != subjectCode))
            throw new RequestValidationException(field, $"did not inspect {subjectCode}, the case's subject");
        if (inspection.InspectingCode != checkerJurisdiction)
            throw new RequestValidationException(field, $"was run by {inspection.InspectingCode}, not by your level ({checkerJurisdiction}), which checks this acceptance");
        if (inspection.Status is not (InspectionsApi.InspectionStatus.Completed or InspectionsApi.InspectionStatus.Closed))
            throw new RequestValidationException(field, "is still under way; an inspection backs a check once its field work has ended");
        var about = inspection.Findings.Where(f => f.TargetCode == subjectCode).ToList();
        var open = about.Count(f => f.Rectification.Status is not (InspectionsApi.RectificationStatus.Verified or InspectionsApi.RectificationStatus.NotDemanded));
        if (passed && open > 0)
            throw new RequestValidationException(field, $"found {open} rectification{(open == 1 ? "" : "s")} of {subjectCode} not yet verified; it cannot back a passed check");
        return new Verdict(inspection.InspectionId, inspection.Title, inspection.Form.ToString(), inspection.CompletedAt, about.Count, open);
    }
}
