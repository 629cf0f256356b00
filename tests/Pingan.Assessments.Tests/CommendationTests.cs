using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Assessments.Contracts;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Tests;

/// <summary>
/// Commendations (Art. 24, 26-29) and the 优秀 units' extra month (Art. 20): chosen from the approved results, studied by
/// the five-department joint meeting, approved by the commission's leader; a listing (Art. 35 ¶4) bars the unit and
/// the leaders who answer for it.
/// </summary>
public sealed class CommendationTests : AssessmentsTest
{
    private const string Title = "全省平安建设工作先进单位";

    private static ProposeCommendationRequest AdvancedUnit(string unit) =>
        new() { CommendingCode = Zhengzhou, Year = 2026, Kind = CommendationKind.AdvancedUnit, UnitCode = unit, Title = Title, Citation = "全年未发生重大案事件,矛盾纠纷化解率居全市第一" };

    private static ProposeCommendationRequest AdvancedIndividual(string unit, string name, string leaderId) => new()
    {
        CommendingCode = Zhengzhou, Year = 2026, Kind = CommendationKind.AdvancedIndividual, UnitCode = unit, PersonName = name, LeaderId = leaderId,
        Title = "全省平安建设工作先进个人", Citation = "牵头推进基层社会治理",
    };

    private static StudyCommendationsRequest Meeting(IEnumerable<string> ids, params JointMeetingDepartment[] absent)
    {
        var request = new StudyCommendationsRequest { CommendingCode = Zhengzhou, Year = 2026, HeldOn = "2026-11-30", Minutes = "五部门联席会议研究年度评比表彰" };
        var departments = new[] { JointMeetingDepartment.DeptCommission, JointMeetingDepartment.DeptDiscipline, JointMeetingDepartment.DeptOrganisation, JointMeetingDepartment.DeptPersonnel, JointMeetingDepartment.DeptSupervision };
        request.Attendees.AddRange(departments.Except(absent).Select((d, i) => new CommendationAttendee { Department = d, Name = $"代表{i + 1}" }));
        request.Opinions.AddRange(ids.Select(id => new StudyOpinion { CommendationId = id, Endorses = true }));
        return request;
    }

    private static DecideCommendationRequest Approve(Api.Commendation c) => new() { CommendingCode = Zhengzhou, Year = 2026, CommendationId = c.CommendationId, Approve = true };

    [Fact]
    public async Task An_excellent_unit_studied_by_the_five_departments_and_approved_by_the_leader_is_conferred_Art24_Art27()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(CommendationConferred));
        await AssessZhengzhouAsync(excellent: Erqi);

        // 中原区 is 不合格 in the approved results: not an advanced unit, and the answer says why.
        var refused = await Refused(() => Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedUnit(Zhongyuan)).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("FAILED_ASSESSMENT", refused.Status.Detail);
        Assert.Contains("NOT_EXCELLENT", refused.Status.Detail);
        var proposed = await Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedUnit(Erqi));
        Assert.Equal((CommendationStatus.Proposed, Grade.Excellent, "二七区"), (proposed.Status, proposed.Grade, proposed.UnitName));
        await Refused(() => Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedUnit(Erqi)).ResponseAsync, StatusCode.FailedPrecondition); // once

        // Not yet studied: the leader may not approve.
        await Refused(() => Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(Approve(proposed)).ResponseAsync, StatusCode.FailedPrecondition);
        // Without the supervision department it is not the joint meeting of Art. 24.
        var partial = Meeting([proposed.CommendationId], JointMeetingDepartment.DeptSupervision);
        Assert.Equal(["attendees"], Fields(await Refused(() => Commendations(Zhengzhou).StudyCommendationsAsync(partial).ResponseAsync, StatusCode.InvalidArgument)));
        var studied = await Commendations(Zhengzhou).StudyCommendationsAsync(Meeting([proposed.CommendationId]));
        Assert.Equal((CommendationStatus.Studied, true, 5), (studied.Commendations[0].Status, studied.Commendations[0].Endorsed, studied.Commendations[0].Attendees.Count));

        // The office does not approve; the commission's leader does, and the archives hear of it.
        await Refused(() => Commendations(Zhengzhou).DecideCommendationAsync(Approve(proposed)).ResponseAsync, StatusCode.PermissionDenied);
        var approved = await Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(Approve(proposed));
        Assert.Equal(CommendationStatus.Approved, approved.Status);
        await tap.WaitForAsync<CommendationConferred>(e => e.UnitCode == Erqi && e.Title == Title && e.Kind == "AdvancedUnit");
        await Refused(() => Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(Approve(proposed)).ResponseAsync, StatusCode.FailedPrecondition);

        // The city's records of its commendations flow downward: 二七区 does not read them.
        Assert.Single((await Commendations(Province).ListCommendationsAsync(new ListCommendationsRequest { CommendingCode = Zhengzhou, Year = 2026 })).Commendations);
        await Refused(() => Commendations(Erqi).ListCommendationsAsync(new ListCommendationsRequest { CommendingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_listing_in_force_bars_the_unit_and_the_leaders_answering_for_it_until_lifted_Art35()
    {
        await AssessZhengzhouAsync(excellent: Erqi);
        var secretary = await AppointAsync("王强", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, Zhengzhou + "-PC");
        var unit = await Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedUnit(Erqi));
        var person = await Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedIndividual(Erqi, "王强", secretary));
        await Commendations(Zhengzhou).StudyCommendationsAsync(Meeting([unit.CommendationId, person.CommendationId]));

        // After the meeting the city lists 二七区 (the sanctions service announces the disqualification).
        var listing = Guid.NewGuid();
        var started = await DeliverAsync("testhost-disqualification-started-input",
            new DisqualificationStarted(listing, Erqi, new DateOnly(2026, 11, 20), "Listed supervision (Art. 35)", []), 1);
        await Eventually.HoldsAsync(() => AppliedAsync(started), TimeSpan.FromSeconds(30), "the listing applied");
        var check = await Commendations(Zhengzhou).GetEligibilityAsync(new GetEligibilityRequest { UnitCode = Erqi, LeaderId = secretary });
        Assert.False(check.Eligible);
        // The unit for the listing, its secretary as the principal of its party committee (reading 4), though the event named nobody.
        Assert.Equal(["LEADER_LISTED", "LISTED"], check.Reasons.Select(r => r.Reason).Order());
        Assert.All(check.Reasons, r => Assert.Equal($"sanctions/case/{listing}", r.Reference));
        Assert.True((await Commendations(Zhengzhou).GetEligibilityAsync(new GetEligibilityRequest { UnitCode = Erqi, LeaderId = secretary, On = "2026-11-19" })).Eligible);

        // On the day of the decision neither may be approved any more; the leader rejects with reasons.
        foreach (var proposal in new[] { unit, person })
            Assert.Contains("LISTED", (await Refused(() => Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(Approve(proposal)).ResponseAsync,
                StatusCode.FailedPrecondition)).Status.Detail);
        var rejected = await Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(new DecideCommendationRequest
            { CommendingCode = Zhengzhou, Year = 2026, CommendationId = unit.CommendationId, Reasons = "挂牌督办期间取消评选资格" });
        Assert.Equal(CommendationStatus.Rejected, rejected.Status);

        // The listing is lifted on 30 November: eligible again from 1 December. A second case's two events arrive end first.
        var earlier = Guid.NewGuid();
        var applied = await Task.WhenAll(
            DeliverAsync("testhost-disqualification-ended-input", new DisqualificationEnded(listing, Erqi, new DateOnly(2026, 11, 30)), 2),
            DeliverAsync("testhost-disqualification-ended-input", new DisqualificationEnded(earlier, Erqi, new DateOnly(2026, 3, 31)), 4));
        var earlierStart = await DeliverAsync("testhost-disqualification-started-input", new DisqualificationStarted(earlier, Erqi, new DateOnly(2026, 1, 5), "Listed supervision (Art. 35)", []), 3);
        foreach (var id in applied.Append(earlierStart))
            await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "the events applied");
        Assert.True((await Commendations(Zhengzhou).GetEligibilityAsync(new GetEligibilityRequest { UnitCode = Erqi, LeaderId = secretary })).Eligible);
        var inMarch = await Commendations(Zhengzhou).GetEligibilityAsync(new GetEligibilityRequest { UnitCode = Erqi, On = "2026-03-02" });
        Assert.Equal([$"sanctions/case/{earlier}"], inMarch.Reasons.Where(r => r.Reason == "LISTED").Select(r => r.Reference));
        var approved = await Commendations(Zhengzhou, PinganRoles.CommissionLeader).DecideCommendationAsync(Approve(person));
        Assert.Equal(CommendationStatus.Approved, approved.Status);
    }

    [Fact]
    public async Task Bad_proposals_and_meetings_name_their_fields()
    {
        await AssessZhengzhouAsync(excellent: Erqi);
        var bad = new ProposeCommendationRequest { CommendingCode = Zhengzhou, Year = 2026, Kind = CommendationKind.AdvancedIndividual, UnitCode = Erqi, Title = "", Citation = "事迹" };
        Assert.Equal(["external_person_id", "person_name", "title"],
            Fields(await Refused(() => Commendations(Zhengzhou).ProposeCommendationAsync(bad).ResponseAsync, StatusCode.InvalidArgument)).Order());
        // A unit of another city is not Zhengzhou's to commend; nor may 二七区 propose itself.
        await Refused(() => Commendations(Zhengzhou).ProposeCommendationAsync(AdvancedUnit(Kaifeng)).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Commendations(Erqi).ProposeCommendationAsync(AdvancedUnit(Erqi)).ResponseAsync, StatusCode.PermissionDenied);
        var unknown = Meeting([Guid.NewGuid().ToString()]);
        Assert.Equal(["opinions[0].commendation_id"], Fields(await Refused(() => Commendations(Zhengzhou).StudyCommendationsAsync(unknown).ResponseAsync, StatusCode.InvalidArgument)));
        var unexplained = Meeting([Guid.NewGuid().ToString()]);
        unexplained.Opinions[0].Endorses = false;
        Assert.Equal(["opinions[0].remarks"], Fields(await Refused(() => Commendations(Zhengzhou).StudyCommendationsAsync(unexplained).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Empty((await Commendations(Zhengzhou).ListCommendationsAsync(new ListCommendationsRequest { CommendingCode = Zhengzhou, Year = 2026 })).Commendations);
    }

    [Fact]
    public async Task The_extra_month_goes_only_to_excellent_units_and_comes_as_a_workbook_Art20()
    {
        await AssessZhengzhouAsync(excellent: Erqi, approve: false);
        var decision = new RecordExtraSalaryRequest { AssessingCode = Zhengzhou, Year = 2026, UnitCodes = { Erqi }, Document = "郑办〔2026〕88号", DecidedOn = "2026-11-30" };
        await Refused(() => Assessments(Zhengzhou).RecordExtraSalaryAsync(decision).ResponseAsync, StatusCode.FailedPrecondition); // not approved yet
        await Assessments(Zhengzhou, PinganRoles.CommissionLeader).ApproveAssessmentAsync(new ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var failed = new RecordExtraSalaryRequest(decision) { UnitCodes = { Zhongyuan } };
        Assert.Equal(["unit_codes[1]"], Fields(await Refused(() => Assessments(Zhengzhou).RecordExtraSalaryAsync(failed).ResponseAsync, StatusCode.InvalidArgument)));
        await Refused(() => Assessments(Zhengzhou).GetExtraSalaryListAsync(new GetExtraSalaryListRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.FailedPrecondition);

        var round = await Assessments(Zhengzhou).RecordExtraSalaryAsync(decision);
        Assert.Equal([Erqi], round.ExtraSalaryUnits);
        Assert.Equal("郑办〔2026〕88号", round.ExtraSalaryDocument);
        var body = await Assessments(Zhengzhou).GetExtraSalaryListAsync(new GetExtraSalaryListRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body.ContentType);
        var rows = ReadRows(body.Data.ToByteArray());
        Assert.Contains("郑州市2026年度", rows[0][0]);
        Assert.Equal(["序号", "单位代码", "单位名称", "考核等次", "考核得分", "增发", "决定文号"], rows[2]);
        Assert.Equal(["1", Erqi, "二七区", "优秀", "一个月全额工资", "郑办〔2026〕88号"], rows[3].Where((_, i) => i != 4));
        Assert.Equal(45m, decimal.Parse(rows[3][4], System.Globalization.CultureInfo.InvariantCulture)); // a number, as scored
        Assert.Equal(5, rows.Count); // title, decision, header, one unit, footer
        // The list is the city's record: 二七区 does not read it.
        await Refused(() => Assessments(Erqi).GetExtraSalaryListAsync(new GetExtraSalaryListRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task The_commission_recommends_only_the_leaders_it_manages_in_writing_Art29()
    {
        var secretary = await AppointAsync("王强", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, Zhengzhou + "-PC");
        var deputy = await AppointAsync("赵敏", Erqi + "-PC", RegistryApi.LeadershipRole.InCharge, Province + "-PC", portfolio: "政法");
        var request = new RecommendPromotionRequest
        {
            RecommendingCode = Zhengzhou, UnitCode = Erqi, Title = NationalTitle.NationalAdvancedCounty, CommendedYear = 2026, CommendationDocument = "中综治〔2026〕5号",
            Recipients = { Zhengzhou + "-PC" },
        };
        await Refused(() => Recognition(Zhengzhou).RecommendPromotionAsync(request).ResponseAsync, StatusCode.PermissionDenied); // the commission, through its leader
        var city = new RecommendPromotionRequest(request) { Title = NationalTitle.NationalExcellentCity };
        Assert.Equal(["unit_code"], Fields(await Refused(() => Recognition(Zhengzhou, PinganRoles.CommissionLeader).RecommendPromotionAsync(city).ResponseAsync, StatusCode.InvalidArgument)));

        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(PromotionRecommended));
        var issued = await Recognition(Zhengzhou, PinganRoles.CommissionLeader).RecommendPromotionAsync(request);
        var recommended = issued.Leaders.Single(l => l.LeftOutBecause.Length == 0);
        Assert.Equal((secretary, "王强", "PRINCIPAL"), (recommended.LeaderId, recommended.Name, recommended.Role));
        // 赵敏 is the province's cadre: the province's commission recommends her, not Zhengzhou's (reading 16).
        Assert.Contains(Province, issued.Leaders.Single(l => l.LeaderId == deputy).LeftOutBecause);
        await tap.WaitForAsync<PromotionRecommended>(e => e.UnitCode == Erqi && e.LeaderIds.SequenceEqual(new[] { Guid.Parse(secretary) }));

        var letter = System.Text.Encoding.UTF8.GetString((await Recognition(Zhengzhou).GetPromotionRecommendationDocumentAsync(
            new GetPromotionRecommendationRequest { RecommendationId = issued.RecommendationId })).Data.ToByteArray());
        Assert.Contains("王强", letter);
        Assert.Contains("第二十九条", letter);
        Assert.DoesNotContain("赵敏", letter);
        await Refused(() => Recognition(Kaifeng).GetPromotionRecommendationDocumentAsync(new GetPromotionRecommendationRequest { RecommendationId = issued.RecommendationId }).ResponseAsync,
            StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task The_province_records_its_fund_awards_and_each_level_reads_its_own_Art28()
    {
        var award = new RecordFundAwardRequest { Year = 2026, UnitCode = Erqi, Amount = "500000", Purpose = "基层综治中心规范化建设", Document = "豫综治〔2026〕9号" };
        await Refused(() => Recognition(Zhengzhou).RecordFundAwardAsync(award).ResponseAsync, StatusCode.PermissionDenied); // 省财政: the province's
        var bad = new RecordFundAwardRequest(award) { Amount = "12.345" };
        Assert.Equal(["amount"], Fields(await Refused(() => Recognition(Province).RecordFundAwardAsync(bad).ResponseAsync, StatusCode.InvalidArgument)));
        await Recognition(Province).RecordFundAwardAsync(award);
        await Recognition(Province).RecordFundAwardAsync(new RecordFundAwardRequest(award) { UnitCode = Zhongyuan, Amount = "125000.50" });
        await Recognition(Province).RecordFundAwardAsync(new RecordFundAwardRequest(award) { UnitCode = Kaifeng, Amount = "300000" });
        var zhengzhou = await Recognition(Zhengzhou).ListFundAwardsAsync(new ListFundAwardsRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal(("625000.50", 2), (zhengzhou.Total, zhengzhou.Awards.Count));
        Assert.Equal("300000.00", (await Recognition(Kaifeng).ListFundAwardsAsync(new ListFundAwardsRequest { UnitCode = Kaifeng, Year = 2026 })).Total);
        await Refused(() => Recognition(Erqi).ListFundAwardsAsync(new ListFundAwardsRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    /// <summary>The workbook's cells, row by row, as a reader opening it sees them.</summary>
    private static List<string[]> ReadRows(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return [.. sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => c.DataType?.Value == CellValues.InlineString ? c.InnerText : c.CellValue?.Text ?? "").ToArray())];
    }
}
