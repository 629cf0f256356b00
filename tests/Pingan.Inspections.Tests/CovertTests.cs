using Grpc.Core;
using Pingan.EventLog.Api;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Inspections.Tests;

/// <summary>
/// Issue 13: a covert inspection (暗访) is invisible to the inspected units and to every account whose jurisdiction holds
/// them until it completes: not by id, not in lists, not in events. Only the inspecting office and the team see it.
/// </summary>
public sealed class CovertTests : InspectionsTest
{
    [Fact]
    public async Task A_covert_inspection_is_invisible_to_the_inspected_until_completed_Art18()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(InspectionPlanned), typeof(FindingRecorded), typeof(InspectionCompleted));
        var covert = await PlanAsync(Form.Covert, Linshanzhai);
        var photo = await UploadPhotoAsync(Inspector(), covert.InspectionId, Linshanzhai);
        await Inspector().RecordVisitAsync(new RecordVisitRequest { InspectionId = covert.InspectionId, TargetCode = Linshanzhai, VisitedOn = "2026-09-22" });
        var found = await Inspector().RecordFindingAsync(Finding(covert.InspectionId, Linshanzhai, 10, photo.EvidenceId));
        // Demanded only when it reaches the unit: at completion.
        Assert.Equal(RectificationStatus.Pending, found.Findings[0].Rectification.Status);
        Assert.Empty(found.Findings[0].Rectification.DueOn);

        // The township's own office holding every role, its county and the province (whose jurisdictions hold it) see nothing.
        Api.Inspections.InspectionsClient[] outsiders = [As(Linshanzhai, EveryRole), As(Zhongyuan, EveryRole), As(Province, EveryRole), As(Zhengzhou, EveryRole, "someone-else", Linshanzhai)];
        foreach (var outsider in outsiders)
        {
            await Refused(() => outsider.GetInspectionAsync(new GetInspectionRequest { InspectionId = covert.InspectionId }).ResponseAsync, StatusCode.NotFound);
            await Refused(() => outsider.GetEvidenceAsync(new GetEvidenceRequest { EvidenceId = photo.EvidenceId }).ResponseAsync, StatusCode.NotFound);
        }
        foreach (var (client, unit) in new[] { (As(Linshanzhai, EveryRole), Linshanzhai), (As(Zhongyuan, EveryRole), Zhongyuan), (As(Province, EveryRole), Province), (As(Province, EveryRole), Zhengzhou) })
            Assert.DoesNotContain((await client.ListInspectionsAsync(new ListInspectionsRequest { UnitCode = unit })).Inspections, i => i.InspectionId == covert.InspectionId);
        // Its own office and team see it, in lists too.
        Assert.Contains((await Office(Zhengzhou).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Zhengzhou })).Inspections, i => i.InspectionId == covert.InspectionId);
        Assert.Contains((await Inspector(InspectorMa).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Linshanzhai })).Inspections, i => i.InspectionId == covert.InspectionId);
        // Nothing of it has left the service: no event on the broker, none in the event log.
        var log = new Pingan.EventLog.Api.EventLog.EventLogClient(TestAuthority.As(Host.Channel, Authority.Token(Province, [PinganRoles.Auditor])));
        Assert.Empty((await log.ListEventsAsync(new ListEventsRequest())).Events);

        var completed = await Office(Zhengzhou).CompleteInspectionAsync(new CompleteInspectionRequest { InspectionId = covert.InspectionId });
        Assert.Equal("2026-10-13", completed.Findings[0].Rectification.DueOn);
        // Now the township sees it and its finding, and the events leave together.
        var seen = await As(Linshanzhai).GetInspectionAsync(new GetInspectionRequest { InspectionId = covert.InspectionId });
        Assert.Equal(RectificationStatus.Demanded, Assert.Single(seen.Findings).Rectification.Status);
        Assert.Single((await As(Zhongyuan).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Zhongyuan })).Inspections);
        await tap.WaitForAsync<InspectionPlanned>(e => e.InspectionId.ToString() == covert.InspectionId);
        await tap.WaitForAsync<FindingRecorded>(e => e.InspectionId.ToString() == covert.InspectionId);
        await tap.WaitForAsync<InspectionCompleted>(e => e.InspectionId.ToString() == covert.InspectionId);
    }

    [Fact]
    public async Task A_covert_team_may_not_include_anyone_from_the_inspected_unit()
    {
        var request = new PlanInspectionRequest
        {
            Form = Form.Covert, Year = 2026, Title = "暗访", StartsOn = "2026-09-21", EndsOn = "2026-09-30", TargetCodes = { Zhongyuan },
            Team = { new TeamMember { Subject = InspectorLi, Name = "李明", UnitCode = Zhengzhou }, new TeamMember { Subject = "wang", Name = "王芳", UnitCode = Linshanzhai } },
        };
        var error = await Refused(() => Office(Zhengzhou).PlanInspectionAsync(request).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["team[1].unit_code"], Fields(error));
        Assert.Empty((await Office(Zhengzhou).ListInspectionsAsync(new ListInspectionsRequest { UnitCode = Zhengzhou })).Inspections);
    }

    [Fact]
    public async Task A_covert_finding_is_referred_only_once_its_inspection_completes()
    {
        var covert = await PlanAsync(Form.Covert, Zhongyuan);
        var finding = (await Inspector().RecordFindingAsync(Finding(covert.InspectionId, Zhongyuan))).Findings[0];
        var refer = new ReferFindingRequest { InspectionId = covert.InspectionId, FindingId = finding.FindingId, Clause = 2, Severity = "ORDINARY", Reasons = "治安秩序严重混乱" };
        await Refused(() => Office(Zhengzhou).ReferFindingAsync(refer).ResponseAsync, StatusCode.FailedPrecondition);
        await Office(Zhengzhou).CompleteInspectionAsync(new CompleteInspectionRequest { InspectionId = covert.InspectionId });
        Assert.NotEmpty((await Office(Zhengzhou).ReferFindingAsync(refer)).Findings[0].ReferredAt);
    }
}
