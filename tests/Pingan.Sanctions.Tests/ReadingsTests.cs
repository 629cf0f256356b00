using Grpc.Core;
using Pingan.Audit;
using Pingan.Rules.Api;
using Pingan.Sanctions.Api;
using SanctionsRules = Pingan.Sanctions.Cases.SanctionsRules;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// Issue 12: where the articles read more than one way, the reading is a dated rule the province sets from a later
/// day, and each act is judged by the reading in force on its own day (docs/regulation/).
/// </summary>
public sealed class ReadingsTests : SanctionsTest
{
    private const string Method = "/pingan.rules.v1.RegulationRules/SetRule";

    /// <summary>Art. 34 "整改期满后可书面申请综治办检查验收": the unit applies after the period, so escalation waits (reading 7).</summary>
    [Fact]
    public async Task Escalation_is_proposed_only_when_no_application_arrives_within_10_working_days_after_the_period_Art34_Reading7()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(EscalationProposed));
        var applies = await OpenAgainstZhongyuanAsync();
        var silent = await OpenAgainstZhongyuanAsync();
        Today("2026-05-20");
        foreach (var c in new[] { applies, silent }) await ImposeAsync(c.CaseId, Stage.Notice, Zhengzhou, "2026-05-20"); // two months: to 20 July

        Today("2026-07-21");
        Assert.Equal(4, await SweepAsync()); // each case's reminder (13 July) and end
        foreach (var c in new[] { applies, silent })
        {
            var graced = await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = c.CaseId });
            Assert.False(graced.EscalationProposed);
            // 21-24, 27-31 July, 3 August: ten working days to apply.
            Assert.Equal(["RectificationEnds 2026-07-20 GRACE", "AcceptanceGraceEnds 2026-08-03 PENDING"], graced.Deadlines.Select(d => $"{d.Kind} {d.DueOn} {d.State}"));
        }

        Today("2026-07-28");
        var subject = CasesOf(Zhongyuan);
        await subject.SubmitReportAsync(new SubmitReportRequest { CaseId = applies.CaseId, Kind = ReportKind.Measures, Text = "整改措施及落实情况" });
        await subject.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = applies.CaseId, Statement = "整改已完成,申请验收" });

        Today("2026-08-03");
        Assert.Equal(0, await SweepAsync()); // the grace's last day is still the unit's
        Today("2026-08-04");
        Assert.Equal(2, await SweepAsync());
        var raised = await tap.WaitForAsync<EscalationProposed>(e => e.CaseId == Guid.Parse(silent.CaseId));
        Assert.Contains("no application for acceptance arrived by 2026-08-03", raised.Reason);
        var waiting = await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = applies.CaseId });
        Assert.Equal(("ACCEPTANCE_REQUESTED", false), (waiting.Status, waiting.EscalationProposed));
        Assert.Equal("AWAITINGCHECK", waiting.Deadlines.Last().State);
        Assert.DoesNotContain(tap.Received<EscalationProposed>(), e => e.CaseId == Guid.Parse(applies.CaseId));
        var file = await CasesOf(Zhengzhou).GetCaseFileAsync(new GetCaseFileRequest { CaseId = silent.CaseId });
        Assert.Equal(["AcceptanceGraceStarted", "EscalationProposed"], file.Steps.Skip(3).Select(s => s.Action));
    }

    [Fact]
    public async Task The_province_chooses_a_reading_from_a_later_day_and_each_act_keeps_the_reading_of_its_own_day_Issue12()
    {
        var listed = (await RulesOf(Longting, PinganRoles.Inspector).ListRulesAsync(new ListRulesRequest())).Rules.Single(r => r.Name == SanctionsRules.AcceptanceGrace);
        Assert.Equal(("10", "10", 0), (listed.DefaultReading, listed.InForce, listed.Schedule.Count));
        Assert.Contains("Art. 34", listed.Articles);

        // Only the province's commission office chooses; a city's office or the province's leader may not.
        var choice = new SetRuleRequest { Name = SanctionsRules.AcceptanceGrace, Reading = "5", EffectiveFrom = "2026-07-21", Reason = "省平安办〔2026〕12号" };
        await Refused(() => RulesOf(Zhengzhou).SetRuleAsync(choice).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => RulesOf(Province, PinganRoles.CommissionLeader).SetRuleAsync(choice).ResponseAsync, StatusCode.PermissionDenied);
        // A reading the rule does not have, a day already begun, no reason: one answer naming each field, nothing stored.
        var bad = await Refused(() => RulesOf(Province).SetRuleAsync(new SetRuleRequest
            { Name = SanctionsRules.AcceptanceGrace, Reading = "ten", EffectiveFrom = "2026-05-12", Reason = " " }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["reading", "effective_from", "reason"], Fields(bad));
        Assert.Contains("acts already taken keep the reading", GrpcAssert.Violation(bad, "effective_from"));
        await Refused(() => RulesOf(Province).SetRuleAsync(new SetRuleRequest { Name = "no.such-rule", Reading = "1", EffectiveFrom = "2026-07-21", Reason = "x" }).ResponseAsync,
            StatusCode.NotFound);
        Assert.Empty((await RulesOf(Province).ListRulesAsync(new ListRulesRequest())).Rules.Single(r => r.Name == SanctionsRules.AcceptanceGrace).Schedule);

        var set = await RulesOf(Province).SetRuleAsync(choice);
        Assert.Equal(("5", "2026-07-21", "省平安办〔2026〕12号"), (set.InForce, set.Schedule.Single().EffectiveFrom, set.Schedule.Single().Reason));
        Assert.Equal("10", (await RulesOf(Province).ListRulesAsync(new ListRulesRequest { AsOf = "2026-07-20" })).Rules.Single(r => r.Name == SanctionsRules.AcceptanceGrace).InForce);
        Assert.Equal("5", (await RulesOf(Province).ListRulesAsync(new ListRulesRequest { AsOf = "2026-07-21" })).Rules.Single(r => r.Name == SanctionsRules.AcceptanceGrace).InForce);
        var audited = await new Pingan.Audit.Api.AuditLog.AuditLogClient(As(Province, PinganRoles.Auditor)).ListEntriesAsync(new Pingan.Audit.Api.ListEntriesRequest { Action = Method });
        Assert.Equal([Outcomes.Succeeded, Outcomes.Refused, Outcomes.Refused, Outcomes.Denied, Outcomes.Denied], audited.Entries.Select(e => e.Outcome));
        Assert.Equal($"rule/{SanctionsRules.AcceptanceGrace}", audited.Entries[0].Target);

        // A period that ended on 20 July keeps ten days; one that ended on 21 July, when five applied, gets five.
        var before = await OpenAgainstZhongyuanAsync();
        var after = await OpenAgainstZhongyuanAsync();
        Today("2026-05-20");
        await ImposeAsync(before.CaseId, Stage.Notice, Zhengzhou, "2026-05-20");
        Today("2026-05-21");
        await ImposeAsync(after.CaseId, Stage.Notice, Zhengzhou, "2026-05-21");
        Today("2026-07-22");
        await SweepAsync();
        string GraceEnds(Case c) => c.Deadlines.Single(d => d.Kind == "AcceptanceGraceEnds").DueOn;
        Assert.Equal("2026-08-03", GraceEnds(await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = before.CaseId })));
        Assert.Equal("2026-07-28", GraceEnds(await CasesOf(Zhengzhou).GetCaseAsync(new GetCaseRequest { CaseId = after.CaseId }))); // 22-24, 27, 28 July
    }

    /// <summary>Art. 35 "验收合格的解除挂牌督办", Art. 37: only a passed acceptance lifts a listing; the veto comes on top (reading 2).</summary>
    [Fact]
    public async Task A_veto_does_not_lift_a_listing_and_the_disqualification_lasts_until_acceptance_Art35_Art37_Reading2()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(DisqualificationStarted), typeof(DisqualificationEnded), typeof(MeasureDecided));
        // Where the province lists 中原区 itself (reading 1 notice-relative), so that Zhengzhou's pre-check (Art. 36) is walked too.
        await ProvinceChoosesAsync(SanctionsRules.Competence, SanctionsRules.NoticeRelative);
        Today("2026-05-13");
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.EspeciallySerious);
        await CasesOf(Zhengzhou).RecordCircumstanceAsync(new RecordCircumstanceRequest
            { CaseId = opened.CaseId, Circumstance = Circumstance.Falsification, Description = "瞒报伤亡人数", Evidence = "市公安局核查报告" });
        Today("2026-05-14");
        var meeting = await CasesOf(Province).RecordJointMeetingAsync(new RecordJointMeetingRequest
        {
            CaseId = opened.CaseId, HeldOn = "2026-05-14", ProposesListing = true, Minutes = "建议挂牌督办",
            Attendees = { Enum.GetValues<Department>().Skip(1).Select(d => new Attendee { Department = d, Name = "代表", UnitCode = d == Department.Commission ? "" : Zhengzhou + "-PSB" }) },
        });
        var meetingId = System.Text.Json.JsonDocument.Parse((await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Steps.Last().Detail)
            .RootElement.GetProperty("meeting").GetString()!;
        Today("2026-05-15");
        var listed = await ImposeAsync(opened.CaseId, Stage.Listing, Province, "2026-05-15", reasons: "特别严重", meeting: meetingId);
        Assert.True(listed.ListingInForce);
        await tap.WaitForAsync<DisqualificationStarted>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Today("2026-05-18");
        await CasesOf(Zhongyuan).SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Measures, Text = "整改措施" });
        await CasesOf(Zhengzhou).NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = await AppointInChargeAsync("周卫东", Zhengzhou + "-PC") });

        // The falsification found later takes the case to the veto (Art. 37, Art. 40): the listing still holds.
        Today("2026-06-01");
        var vetoed = await ImposeAsync(opened.CaseId, Stage.Veto, Province, "2026-06-01", reasons: "瞒报伤亡,从重");
        Assert.Equal(("VETO_REFERRED", true), (vetoed.Status, vetoed.ListingInForce));
        await tap.WaitForAsync<MeasureDecided>(e => e.CaseId == Guid.Parse(opened.CaseId) && e.Stage == "Veto");

        // The unit applies for the listing's acceptance; the city checks first (Art. 36), then the province lifts it.
        Today("2026-11-17");
        var applied = await CasesOf(Zhongyuan).ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "整改期满,申请验收" });
        Assert.Equal(("VETO_REFERRED", "ACCEPTANCE_REQUESTED"), (applied.Status, applied.ListingAcceptance));
        await Refused(() => CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "合格" }).ResponseAsync,
            StatusCode.PermissionDenied);
        var prechecked = await CasesOf(Zhengzhou).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "整改到位" });
        Assert.Equal("ACCEPTANCE_PRECHECKED", prechecked.ListingAcceptance);
        Today("2026-11-20");
        var lifted = await CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "验收合格" });
        Assert.Equal(("VETO_REFERRED", false, ""), (lifted.Status, lifted.ListingInForce, lifted.ListingAcceptance));
        var ended = await tap.WaitForAsync<DisqualificationEnded>(e => e.CaseId == Guid.Parse(opened.CaseId));
        Assert.Equal(new DateOnly(2026, 11, 20), ended.EndsOn); // not 1 June, the veto's day
        Assert.Single(tap.Received<DisqualificationEnded>(), e => e.CaseId == Guid.Parse(opened.CaseId));
        await Refused(() => CasesOf(Zhongyuan).ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "再次" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        var file = await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId });
        Assert.Equal(["AppliedForAcceptance", "AcceptancePrechecked", "ListingLifted"], file.Steps.TakeLast(3).Select(s => s.Action));
    }

    /// <summary>
    /// Art. 34 "相应的上一级综治办", Art. 35 "相应的上一级综治委", by default one level above the subject (reading 1): Zhengzhou
    /// notices, admonishes and lists 中原区. Art. 36 keeps working: the province lists counties by its yearly selection
    /// (Art. 35 ¶2), and the city names the follow-up leader and checks first.
    /// </summary>
    [Fact]
    public async Task By_default_the_city_admonishes_its_county_and_the_province_lists_counties_by_its_yearly_selection_with_the_city_checking_first_Art34_Art36_Reading1()
    {
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        var byProvince = await Refused(() => CasesOf(Province).ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Admonishment, Verification = "核实", DirectEntryReasons = "危害严重" }).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Contains($"office of {Zhengzhou}", byProvince.Status.Detail);
        var admonished = await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-05-12", reasons: "危害严重");
        Assert.Equal((Stage.Admonishment, Zhengzhou), (admonished.Stage, admonished.BodyCode));
        var opening = (await CasesOf(Zhengzhou).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Steps.First().Detail;
        Assert.Contains("competence.admonish-and-list: subject-relative", opening);
        // No level between the subject and the commission that would list it: nobody to name a follow-up leader.
        await Refused(() => CasesOf(Zhengzhou).NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = ChenLiang }).ResponseAsync,
            StatusCode.FailedPrecondition);

        // The province's yearly selection lists 中原区; Zhengzhou names its follow-up leader and checks first.
        var batch = await CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "命案、盗抢案件高发")));
        var listingId = batch.Cases.Single().CaseId;
        Today("2026-05-15");
        var listed = await CasesOf(Province, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest { CaseId = listingId, Approve = true, DecidedOn = "2026-05-15" });
        Assert.Equal((Stage.Listing, Province), (listed.Stage, listed.BodyCode));
        Assert.Equal(Zhengzhou, listed.FollowUpCode);
        var followed = await CasesOf(Zhengzhou).NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = listingId, LeaderId = await AppointInChargeAsync("周卫东", Zhengzhou + "-PC") });
        Assert.Equal("周卫东", followed.FollowUpLeader);
        await CasesOf(Zhongyuan).SubmitReportAsync(new SubmitReportRequest { CaseId = listingId, Kind = ReportKind.Measures, Text = "整改措施" });
        Today("2026-11-17");
        await CasesOf(Zhongyuan).ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = listingId, Statement = "整改期满,申请验收" });
        await Refused(() => CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = listingId, Passed = true, Findings = "合格" }).ResponseAsync,
            StatusCode.PermissionDenied);
        Assert.Equal("ACCEPTANCE_PRECHECKED", (await CasesOf(Zhengzhou).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = listingId, Passed = true, Findings = "整改到位" })).Status);
        Assert.Equal("CLOSED", (await CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = listingId, Passed = true, Findings = "验收合格" })).Status);
    }

    /// <summary>
    /// Art. 36 "省辖市、省直单位收到省综治委对辖区县(市、区)或本系统单位的挂牌督办决定后,应当明确1名领导干部为责任人 … 由所在省辖市综治委或省直有关单位先行检查验收"
    /// (reading 5): when the province lists a unit of a provincial department's system, that department follows it up and
    /// checks first, not the city the unit sits in; and its follow-up leader must be named before acceptance is applied for.
    /// </summary>
    [Fact]
    public async Task A_provincial_department_follows_up_a_listing_of_its_system_and_names_its_leader_before_acceptance_Art36_Reading5()
    {
        const string ProvinceTax = Province + "-TAX", ZhengzhouTax = Zhengzhou + "-TAX";
        var imported = await new Pingan.Registry.Api.Integration.IntegrationClient(As(Province, PinganRoles.CommissionOffice, Registry)).ImportUnitsAsync(new Pingan.Registry.Api.ImportUnitsRequest
        {
            Units =
            {
                new Pingan.Registry.Api.UnitRecord { Code = ProvinceTax, Name = "国家税务总局河南省税务局", Kind = "department", ParentCode = Province, EffectiveOn = "2023-01-01" },
                new Pingan.Registry.Api.UnitRecord
                    { Code = ZhengzhouTax, Name = "国家税务总局郑州市税务局", Kind = "department", ParentCode = Zhengzhou, VerticalSuperiorCode = ProvinceTax, EffectiveOn = "2023-01-01" },
            },
        });
        Assert.True(imported.Applied, string.Join("; ", imported.Rows.Select(r => r.Error)));
        var taxLeader = await AppointInChargeAsync("李明", ProvinceTax);
        var department = CasesOf(ProvinceTax, PinganRoles.MemberUnitLiaison);
        var subject = CasesOf(ZhengzhouTax, PinganRoles.MemberUnitLiaison);

        // Where the province lists the city's units (reading 1 notice-relative), Zhengzhou notices and the province lists.
        await ProvinceChoosesAsync(SanctionsRules.Competence, SanctionsRules.NoticeRelative);
        Today("2026-05-13");
        var opened = await CasesOf(Zhengzhou).OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = ZhengzhouTax, Clause = 4, Source = Source.Incident, Severity = Api.Severity.EspeciallySerious, IncidentOn = "2026-05-10", Summary = "办税服务厅聚集事件处置失当",
        });
        Today("2026-05-14");
        await CasesOf(Province).RecordJointMeetingAsync(new RecordJointMeetingRequest
        {
            CaseId = opened.CaseId, HeldOn = "2026-05-14", ProposesListing = true, Minutes = "建议挂牌督办",
            Attendees = { Enum.GetValues<Department>().Skip(1).Select(d => new Attendee { Department = d, Name = "代表", UnitCode = d == Department.Commission ? "" : Zhengzhou + "-PSB" }) },
        });
        var meetingId = System.Text.Json.JsonDocument.Parse((await CasesOf(Province).GetCaseFileAsync(new GetCaseFileRequest { CaseId = opened.CaseId })).Steps.Last().Detail)
            .RootElement.GetProperty("meeting").GetString()!;
        Today("2026-05-15");
        var listed = await ImposeAsync(opened.CaseId, Stage.Listing, Province, "2026-05-15", reasons: "特别严重", meeting: meetingId);
        Assert.Equal((Province, ProvinceTax), (listed.BodyCode, listed.FollowUpCode));

        // The city the unit sits in does not follow it up; the department does.
        await Refused(() => CasesOf(Zhengzhou).NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = taxLeader }).ResponseAsync,
            StatusCode.PermissionDenied);
        await subject.SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Measures, Text = "整改措施" });
        Today("2026-11-17");
        // "应当": no application before the follow-up leader is named, and nothing changes.
        var early = await Refused(() => subject.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "申请验收" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        Assert.Contains("has not named the leader who follows this listing up", early.Status.Detail);
        Assert.Equal("ACTIVE", (await CasesOf(Province).GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Status);
        Assert.Equal("李明", (await department.NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = taxLeader })).FollowUpLeader);

        await subject.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "整改期满,申请验收" });
        foreach (var checker in new[] { CasesOf(Zhengzhou), CasesOf(Province) })
            await Refused(() => checker.CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "合格" }).ResponseAsync,
                StatusCode.PermissionDenied);
        Assert.Equal("ACCEPTANCE_PRECHECKED", (await department.CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "整改到位" })).Status);
        // The department checks first; lifting stays the listing commission's office's.
        await Refused(() => department.CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "解除" }).ResponseAsync,
            StatusCode.PermissionDenied);
        Assert.Equal("CLOSED", (await CasesOf(Province).CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "验收合格" })).Status);
    }

    /// <summary>
    /// Art. 34 "社会治安综合治理工作分管领导干部" (reading 6): the leader in charge who is interviewed is the one the registry
    /// records for comprehensive management (孙丽, 政法), not every in-charge leader of the unit (李强, 公安).
    /// </summary>
    [Fact]
    public async Task The_in_charge_leader_interviewed_is_the_one_for_comprehensive_management_Art34_Reading6()
    {
        var publicSecurity = await new Pingan.Registry.Api.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry)).AppointLeaderAsync(
            new Pingan.Registry.Api.AppointLeaderRequest
            {
                CorrectionReason = "补录历史任职记录", Name = "李强", UnitCode = Zhongyuan + "-GOV", Role = Pingan.Registry.Api.LeadershipRole.InCharge, Portfolio = "公安",
                Title = "副区长、公安分局局长", StartsOn = "2024-01-01",
            });
        Assert.False(publicSecurity.ComprehensiveManagement);
        var opened = await OpenAgainstZhongyuanAsync(Api.Severity.Serious);
        await ImposeAsync(opened.CaseId, Stage.Admonishment, Zhengzhou, "2026-05-12", reasons: "危害严重");
        var interviewed = await CasesOf(Zhengzhou).RecordInterviewAsync(new RecordInterviewRequest
            { CaseId = opened.CaseId, HeldOn = "2026-05-12", Interviewer = "市平安办主任", Record = "约谈记录" });
        Assert.Equal(["IN_CHARGE 孙丽", "PRINCIPAL 王刚", "PRINCIPAL 赵强"], interviewed.Interviewees.Select(i => $"{i.Role} {i.Name}").Order(StringComparer.Ordinal));
    }
}
