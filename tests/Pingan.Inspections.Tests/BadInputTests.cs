using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit.Api;
using Pingan.Inspections.Api;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Inspections.Tests;

/// <summary>Issue 13's bad input: each a clear error naming the field, nothing saved, the refusal audited.</summary>
public sealed class BadInputTests : InspectionsTest
{
    [Fact]
    public async Task Dates_out_of_order_name_ends_on_and_save_nothing()
    {
        var request = new PlanInspectionRequest
        {
            Form = Form.SemiAnnual, Year = 2026, Title = "半年检查", StartsOn = "2026-09-21", EndsOn = "2026-09-01", TargetCodes = { Zhongyuan },
            Team = { new TeamMember { Subject = InspectorLi, Name = "李明", UnitCode = Zhengzhou } },
        };
        var error = await Refused(() => Office(Zhengzhou).PlanInspectionAsync(request).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["ends_on"], Fields(error));
        Assert.Equal(0, await CountAsync("inspections"));
        await AuditedAsync("PlanInspection", "REFUSED");
    }

    [Fact]
    public async Task Evidence_over_the_limit_or_of_an_unknown_type_is_refused_by_field()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        UploadEvidenceRequest Upload(string type, byte[] data, string name = "x.jpg") => new()
            { InspectionId = plan.InspectionId, UnitCode = Zhongyuan, FileName = name, File = new Google.Api.HttpBody { ContentType = type, Data = ByteString.CopyFrom(data) } };
        Assert.Equal(["file"], Fields(await Refused(() => Inspector().UploadEvidenceAsync(Upload("image/jpeg", Jpeg(70_000))).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["file.content_type"], Fields(await Refused(() => Inspector().UploadEvidenceAsync(Upload("application/x-msdownload", [0x4D, 0x5A, 0, 0])).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["file.content_type"], Fields(await Refused(() => Inspector().UploadEvidenceAsync(Upload("image/png", Jpeg())).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["file_name"], Fields(await Refused(() => Inspector().UploadEvidenceAsync(Upload("image/jpeg", Jpeg(), "照片.html")).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(0, await CountAsync("inspection_evidence"));
        await AuditedAsync("UploadEvidence", "REFUSED");
    }

    [Fact]
    public async Task A_rectification_reported_for_another_unit_is_refused()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan, Erqi);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan))).Findings[0];
        var proof = await UploadPhotoAsync(Inspector(), plan.InspectionId, Zhongyuan);
        // 二七区 reports for 中原区's finding; the city's office reports for its county.
        foreach (var other in new[] { As(Erqi), Office(Zhengzhou) })
            await Refused(() => other.ReportRectificationAsync(new ReportRectificationRequest
                { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Report = "已整改", EvidenceIds = { proof.EvidenceId } }).ResponseAsync, StatusCode.PermissionDenied);
        var unchanged = await Office(Zhengzhou).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId });
        Assert.Equal(RectificationStatus.Demanded, unchanged.Findings.Single(f => f.FindingId == finding.FindingId).Rectification.Status);
        await AuditedAsync("ReportRectification", "DENIED");
        // Evidence of another target cannot back a report either.
        var erqiFinding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Erqi))).Findings.Single(f => f.TargetCode == Erqi);
        var error = await Refused(() => As(Erqi).ReportRectificationAsync(new ReportRectificationRequest
            { InspectionId = plan.InspectionId, FindingId = erqiFinding.FindingId, Report = "已整改", EvidenceIds = { proof.EvidenceId } }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["evidence_ids[0]"], Fields(error));
    }

    [Fact]
    public async Task A_finding_referred_twice_is_refused_naming_finding_id()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan))).Findings[0];
        var refer = new ReferFindingRequest { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Clause = 4, Severity = "SERIOUS", Reasons = "群体性事件处置不力" };
        await Office(Zhengzhou).ReferFindingAsync(refer);
        var events = await CountAsync("outbox_messages");
        var error = await Refused(() => Office(Zhengzhou).ReferFindingAsync(refer).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["finding_id"], Fields(error));
        Assert.Equal(events, await CountAsync("outbox_messages"));
        await AuditedAsync("ReferFinding", "REFUSED");
        // Only the inspecting office refers; the team does not.
        await Refused(() => Inspector().ReferFindingAsync(refer).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_finding_of_a_unit_outside_the_plan_or_with_a_malformed_concern_names_its_fields()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var request = Finding(plan.InspectionId, Erqi);
        Assert.Equal(["target_code"], Fields(await Refused(() => Inspector().RecordFindingAsync(request).ResponseAsync, StatusCode.InvalidArgument)));
        request = Finding(plan.InspectionId, Zhongyuan);
        request.Concern = new Concern { Kind = ConcernKind.Art31Clause, Clause = 12 };
        request.RectificationDemand = "";
        Assert.Equal(["concern.clause", "rectification_demand"], Fields(await Refused(() => Inspector().RecordFindingAsync(request).ResponseAsync, StatusCode.InvalidArgument)).Order());
        Assert.Equal(0, await CountAsync("findings"));
    }

    private Task<long> CountAsync(string table) => Sql.ScalarAsync(Database.ConnectionString, $"SELECT count(*) FROM {table}");

    private async Task AuditedAsync(string method, string outcome)
    {
        var log = new AuditLog.AuditLogClient(TestAuthority.As(Host.Channel, Authority.Token(Province, [PinganRoles.Auditor])));
        var entries = await log.ListEntriesAsync(new ListEntriesRequest { Outcome = outcome });
        Assert.Contains(entries.Entries, e => e.Action.EndsWith("/" + method, StringComparison.Ordinal));
    }
}
