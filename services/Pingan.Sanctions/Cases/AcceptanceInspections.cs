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
            ?? throw new DomainRuleException(Say.T("本系统未配置督导检查服务（Services:Inspections:Grpc），检查验收不能引用督导检查。",
                "No inspections service is configured here (Services:Inspections:Grpc): a check cannot cite an inspection."));
        InspectionsApi.Inspection inspection;
        try
        {
            inspection = await client.GetInspectionAsync(new InspectionsApi.GetInspectionRequest { InspectionId = inspectionId }, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            throw new RequestValidationException(field, Say.T($"督导检查 {inspectionId} 不存在或无权查阅", $"no inspection {inspectionId} you may read"));
        }
        if (inspection.Targets.All(t => t.UnitCode != subjectCode))
            throw new RequestValidationException(field, Say.T($"未对本案对象单位 {subjectCode} 进行督导检查", $"did not inspect {subjectCode}, the case's subject"));
        if (inspection.InspectingCode != checkerJurisdiction)
            throw new RequestValidationException(field, Say.T($"由 {inspection.InspectingCode} 组织，不是负责本次验收的本级（{checkerJurisdiction}）组织",
                $"was run by {inspection.InspectingCode}, not by your level ({checkerJurisdiction}), which checks this acceptance"));
        if (inspection.Status is not (InspectionsApi.InspectionStatus.Completed or InspectionsApi.InspectionStatus.Closed))
            throw new RequestValidationException(field, Say.T("尚在进行中；督导检查现场工作结束后方可作为验收依据",
                "is still under way; an inspection backs a check once its field work has ended"));
        var about = inspection.Findings.Where(f => f.TargetCode == subjectCode).ToList();
        var open = about.Count(f => f.Rectification.Status is not (InspectionsApi.RectificationStatus.Verified or InspectionsApi.RectificationStatus.NotDemanded));
        if (passed && open > 0)
            throw new RequestValidationException(field, Say.T($"发现 {subjectCode} 有 {open} 项整改尚未核实，不能作为验收通过的依据",
                $"found {open} rectification{(open == 1 ? "" : "s")} of {subjectCode} not yet verified; it cannot back a passed check"));
        return new Verdict(inspection.InspectionId, inspection.Title, inspection.Form.ToString(), inspection.CompletedAt, about.Count, open);
    }
}
