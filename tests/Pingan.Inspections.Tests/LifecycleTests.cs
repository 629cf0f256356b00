using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Inspections.Tests;

public sealed class LifecycleTests : InspectionsTest
{
    [Fact]
    public async Task A_special_inspection_runs_from_plan_to_verified_rectification_and_closes_Art18()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(InspectionPlanned), typeof(FindingRecorded), typeof(RectificationVerified),
            typeof(InspectionCompleted), typeof(InspectionClosed));
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        Assert.Equal(InspectionStatus.Planned, plan.Status);
        Assert.Equal("郑州市", plan.InspectingName);
        Assert.Equal("中原区", Assert.Single(plan.Targets).UnitName);
        await tap.WaitForAsync<InspectionPlanned>(e => e.InspectionId.ToString() == plan.InspectionId);

        var visited = await Inspector().RecordVisitAsync(new RecordVisitRequest { InspectionId = plan.InspectionId, TargetCode = Zhongyuan, VisitedOn = "2026-09-22", Note = "查阅台账" });
        Assert.Equal(InspectionStatus.UnderWay, visited.Status);
        var photo = await UploadPhotoAsync(Inspector(), plan.InspectionId, Zhongyuan);
        Assert.Equal("image/jpeg", photo.ContentType);
        Assert.Equal("中原区综治中心", photo.CapturedPlace);
        Assert.StartsWith("2026-09-22T01:30:00", photo.CapturedAt);

        var found = await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 10, photo.EvidenceId));
        var finding = Assert.Single(found.Findings);
        Assert.Equal(RectificationStatus.Demanded, finding.Rectification.Status);
        Assert.Equal(photo.Sha256, Assert.Single(finding.Evidence).Sha256);
        await tap.WaitForAsync<FindingRecorded>(e => e.FindingId.ToString() == finding.FindingId);

        var completed = await Office(Zhengzhou).CompleteInspectionAsync(new CompleteInspectionRequest { InspectionId = plan.InspectionId, Summary = "发现问题1个" });
        Assert.Equal(InspectionStatus.Completed, completed.Status);

        // The inspected county reports its rectification with its own evidence; the team verifies; the inspection closes.
        var county = As(Zhongyuan);
        var proof = await UploadPhotoAsync(county, plan.InspectionId, Zhongyuan, "整改台账.jpg");
        var reported = await county.ReportRectificationAsync(new ReportRectificationRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Report = "已补齐台账,12件纠纷全部化解", EvidenceIds = { proof.EvidenceId } });
        Assert.Equal(RectificationStatus.Reported, reported.Findings[0].Rectification.Status);
        Assert.Equal(proof.EvidenceId, Assert.Single(reported.Findings[0].Rectification.ReportEvidence).EvidenceId);
        var verified = await Inspector(InspectorMa).VerifyRectificationAsync(new VerifyRectificationRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Accepted = true, Verdict = "整改到位" });
        Assert.Equal(RectificationStatus.Verified, verified.Findings[0].Rectification.Status);
        Assert.Equal(Light.Green, verified.Findings[0].Rectification.Light);
        Assert.Equal(InspectionStatus.Closed, verified.Status);
        var done = await tap.WaitForAsync<RectificationVerified>(e => e.FindingId.ToString() == finding.FindingId);
        Assert.True(done.Accepted);
        Assert.True(done.OnTime);
        await tap.WaitForAsync<InspectionClosed>(e => e.InspectionId.ToString() == plan.InspectionId);
    }

    [Fact]
    public async Task Rectification_is_due_in_working_days_across_Mid_Autumn_and_National_Day()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var found = await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 10));
        // From Tuesday 22 September: 23, 24, 28, 29, 30 September, then 8, 9, 10 (an adjusted working Saturday), 12, 13 October.
        Assert.Equal("2026-09-22", found.Findings[0].Rectification.IssuedOn);
        Assert.Equal("2026-10-13", found.Findings[0].Rectification.DueOn);
        Assert.Equal(Light.Grey, found.Findings[0].Rectification.Light);
    }

    [Fact]
    public async Task Overdue_rectification_raises_its_event_once_and_turns_the_finding_red()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(RectificationOverdue));
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan, 10))).Findings[0];
        var sweep = Host.Services.GetRequiredService<Pingan.Inspections.Inspections.RectificationSweep>();

        Today("2026-10-09"); // two working days left (9, 10, 12, 13 October: within the yellow reach of five)
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(Light.Yellow, (await Office(Zhengzhou).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId })).Findings[0].Rectification.Light);

        Today("2026-10-13"); // the due day itself is not overdue
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));

        Today("2026-10-14");
        Assert.Equal(1, await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        var overdue = await tap.WaitForAsync<RectificationOverdue>(e => e.FindingId.ToString() == finding.FindingId);
        Assert.Equal(new DateOnly(2026, 10, 13), overdue.DueOn);
        var seen = (await As(Zhongyuan).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId })).Findings[0].Rectification;
        Assert.Equal(Light.Red, seen.Light);
        Assert.NotEmpty(seen.OverdueSince);
    }

    [Fact]
    public async Task A_target_reads_its_own_findings_and_evidence_never_a_siblings()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan, Erqi);
        var photo = await UploadPhotoAsync(Inspector(), plan.InspectionId, Erqi);
        await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan));
        await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Erqi, 10, photo.EvidenceId));

        Assert.Equal(2, (await Office(Zhengzhou).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId })).Findings.Count);
        var own = await As(Zhongyuan).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId });
        Assert.Equal(Zhongyuan, Assert.Single(own.Findings).TargetCode);
        await Refused(() => As(Zhongyuan).GetEvidenceAsync(new GetEvidenceRequest { EvidenceId = photo.EvidenceId }).ResponseAsync, StatusCode.PermissionDenied);
        var file = await As(Erqi).GetEvidenceAsync(new GetEvidenceRequest { EvidenceId = photo.EvidenceId });
        Assert.Equal(Jpeg(), file.Data.ToByteArray());
        // Kaifeng has nothing to do with it.
        await Refused(() => As(Kaifeng).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId }).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Empty((await As(Kaifeng).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Kaifeng })).Inspections);
        // The county lists what concerns it; the city all it ran.
        Assert.Single((await As(Zhongyuan).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Zhongyuan })).Inspections);
        Assert.Single((await Office(Zhengzhou).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Zhengzhou, Form = Form.Special, Year = 2026 })).Inspections);
    }

    [Fact]
    public async Task A_patrol_is_made_by_members_of_the_commission_Art18()
    {
        var request = new PlanInspectionRequest
        {
            Form = Form.Patrol, Year = 2026, Title = "2026年度平安建设巡视", StartsOn = "2026-09-21", EndsOn = "2026-11-30", TargetCodes = { Zhongyuan, ZhengzhouPsb },
            Team = { new TeamMember { LeaderId = ZhouPing, Subject = "zhou-ping", Leads = true } },
        };
        var patrol = await Office(Zhengzhou).PlanInspectionAsync(request);
        var member = Assert.Single(patrol.Team);
        Assert.Equal("周平", member.Name);
        Assert.Equal("副组长", member.Position);
        Assert.Equal(ZhengzhouPsb, member.UnitCode);

        request.Team[0].LeaderId = Guid.NewGuid().ToString();
        var error = await Refused(() => Office(Zhengzhou).PlanInspectionAsync(request).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("team[0].leader_id", Fields(error));
    }

    [Fact]
    public async Task Two_verifications_at_once_leave_one_verdict_and_a_clear_refusal()
    {
        var plan = await PlanAsync(Form.Special, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(plan.InspectionId, Zhongyuan))).Findings[0];
        var proof = await UploadPhotoAsync(As(Zhongyuan), plan.InspectionId, Zhongyuan);
        await As(Zhongyuan).ReportRectificationAsync(new ReportRectificationRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Report = "已整改", EvidenceIds = { proof.EvidenceId } });

        Task<Inspection> Verify(string who, bool accepted) => Inspector(who).VerifyRectificationAsync(new VerifyRectificationRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Accepted = accepted, Verdict = accepted ? "到位" : "台账仍不全" }).ResponseAsync;
        var outcomes = await Task.WhenAll(Capture(Verify(InspectorLi, true)), Capture(Verify(InspectorMa, false)));
        Assert.Single(outcomes, o => o is null);
        Assert.Equal(StatusCode.FailedPrecondition, Assert.Single(outcomes, o => o is not null)!.StatusCode);
        var final = (await Office(Zhengzhou).GetInspectionAsync(new GetInspectionRequest { InspectionId = plan.InspectionId })).Findings[0].Rectification.Status;
        Assert.Contains(final, new[] { RectificationStatus.Verified, RectificationStatus.Rejected });
    }

    private static async Task<RpcException?> Capture(Task call)
    {
        try { await call; return null; }
        catch (RpcException e) { return e; }
    }
}
