using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Archives.Api;
using Pingan.Sanctions.Api;
using Pingan.Testing;
using static Pingan.Security.PinganRoles;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.EndToEnd;

/// <summary>
/// The accountability year through the public APIs of the whole platform, each step by the role that would take it
/// and months passing on the business clock. 中原区 (Zhengzhou) has a mass incident on 10 May 2026; its party secretary
/// 王刚 is a Zhengzhou cadre (中共郑州市委); the province reads "相应的上一级" one level above the notice (reading 1,
/// notice-relative): Zhengzhou notices, the province admonishes and lists, Zhengzhou follows up and checks first.
/// </summary>
public sealed class AccountabilityYearTests : PlatformTest
{
    private const string ZhongyuanPc = Zhongyuan + "-PC", ZhongyuanGov = Zhongyuan + "-GOV", ZhengzhouPc = Zhengzhou + "-PC";

    private async Task<RegistryApi.Term> AppointAsync(string name, string unit, RegistryApi.LeadershipRole role, string starts, string portfolio = "") =>
        await new RegistryApi.Leadership.LeadershipClient(await AsAsync(Registry, Province, OrganisationLiaison)).AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
        {
            CorrectionReason = "补录历史任职记录", Name = name, UnitCode = unit, Role = role, Portfolio = portfolio, StartsOn = starts, CadreAuthorityCode = ZhengzhouPc,
            Title = role == RegistryApi.LeadershipRole.Principal ? "书记" : "副区长",
        });

    private async Task<Cases.CasesClient> CasesAsync(string jurisdiction, string role = CommissionOffice) => new(await AsAsync(Sanctions, jurisdiction, role));

    private async Task<Consultation> ConsultAsync(string leader, string asOf) =>
        await new Consultations.ConsultationsClient(await AsAsync(Archives, Zhengzhou, OrganisationLiaison))
            .ConsultAsync(new ConsultRequest { LeaderId = leader, AsOf = asOf, Purpose = ConsultationPurpose.Promotion, Reference = "郑组干〔2026〕31号" });

    /// <summary>The province reads "相应的上一级" one level above the notice from 12 May (reading 1): Zhengzhou notices, the province admonishes and lists.</summary>
    private async Task ProvinceListsAboveTheNoticeAsync() =>
        await new Pingan.Rules.Api.RegulationRules.RegulationRulesClient(await AsAsync(Sanctions, Province, CommissionOffice)).SetRuleAsync(new Pingan.Rules.Api.SetRuleRequest
        {
            Name = Pingan.Sanctions.Cases.SanctionsRules.Competence, Reading = Pingan.Sanctions.Cases.SanctionsRules.NoticeRelative, EffectiveFrom = "2026-05-12",
            Reason = "省平安办〔2026〕5号",
        });

    /// <summary>The province's five-department joint meeting on the case, proposing the listing (Art. 35); answers the meeting's id.</summary>
    private static async Task<string> JointMeetingAsync(Cases.CasesClient province, string caseId, string heldOn)
    {
        var meeting = new RecordJointMeetingRequest { CaseId = caseId, HeldOn = heldOn, ProposesListing = true, Minutes = "五部门联席会议纪要" };
        meeting.Attendees.AddRange(Enum.GetValues<Department>().Skip(1).Select(d => new Attendee
        {
            Department = d, Name = $"{d} 代表",
            UnitCode = d switch
            {
                Department.Discipline or Department.Supervision => Province + "-CDI",
                Department.Organisation => Province + "-ORG",
                Department.Personnel => Province + "-HRSS",
                _ => "",
            },
        }));
        return (await province.RecordJointMeetingAsync(meeting)).JointMeetings.Last().JointMeetingId;
    }

    private Task<int> SweepAsync() => Sanctions.Services.GetRequiredService<Pingan.Sanctions.Cases.DeadlineSweep>().SweepAsync(CancellationToken.None);

    private Task<long> ArchivesCountAsync(string sql) => Pingan.Testing.Sql.ScalarAsync(SiblingOf("archives"), sql);

    /// <summary>The province's organisation facts, as its office and the organisation department record them.</summary>
    private async Task RecordOrganisationAsync()
    {
        await ImportUnitsAsync(
            Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
            Unit(ZhongyuanPc, "中共郑州市中原区委员会", "party_committee", Zhongyuan), Unit(ZhongyuanGov, "郑州市中原区人民政府", "government", Zhongyuan),
            Unit(Erqi, "二七区", "county", Zhengzhou), Unit(Erqi + "-PC", "中共郑州市二七区委员会", "party_committee", Erqi), Unit(Kaifeng, "开封市", "city", Province),
            Unit(Province + "-PC", "中共河南省委员会", "party_committee", Province), Unit(Kaifeng + "-PC", "中共开封市委员会", "party_committee", Kaifeng), Unit(ZhengzhouPc, "中共郑州市委员会", "party_committee", Zhengzhou),
            Unit(Zhengzhou + "-PSB", "郑州市公安局", "department", Zhengzhou), Unit(Province + "-CDI", "河南省纪委监委", "department", Province),
            Unit(Province + "-ORG", "中共河南省委组织部", "department", Province), Unit(Province + "-HRSS", "河南省人力资源和社会保障厅", "department", Province));
        var commissions = new RegistryApi.Commissions.CommissionsClient(await AsAsync(Registry, Province, CommissionOffice));
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "郑州市综治委", EstablishedOn = "2018-01-01" });
        await commissions.AddMemberUnitAsync(new RegistryApi.MemberUnitRequest { JurisdictionCode = Zhengzhou, UnitCode = Zhengzhou + "-PSB", EffectiveOn = "2019-01-01" });
    }

    [Fact]
    public async Task A_mass_incident_escalates_to_a_listing_that_disqualifies_the_principal_and_the_one_appointed_during_it_until_the_province_lifts_it_Art23_Art33_Art34_Art35_Art36()
    {
        await RecordOrganisationAsync();
        var wangGang = await AppointAsync("王刚", ZhongyuanPc, RegistryApi.LeadershipRole.Principal, "2021-06-01");
        await AppointAsync("赵强", ZhongyuanGov, RegistryApi.LeadershipRole.Principal, "2022-01-01");
        await AppointAsync("孙丽", ZhongyuanGov, RegistryApi.LeadershipRole.InCharge, "2023-03-01", portfolio: "政法");
        var follower = await AppointAsync("周卫东", ZhengzhouPc, RegistryApi.LeadershipRole.InCharge, "2025-01-01", portfolio: "政法");

        // The province reads "相应的上一级" one level above the notice, from tomorrow (reading 1).
        await ProvinceListsAboveTheNoticeAsync();

        // May: the incident, the case, the notice (Art. 31(4), 33).
        Today("2026-05-13");
        var zhengzhou = await CasesAsync(Zhengzhou);
        var opened = await zhengzhou.OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Zhongyuan, Clause = 4, Source = Source.Incident, Severity = Severity.Serious, IncidentOn = "2026-05-10", Summary = "中原区发生一起群体性事件,处置不力",
        });
        Today("2026-05-20");
        await zhengzhou.ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = opened.CaseId, Stage = Stage.Notice, Verification = "经核实,情况属实" });
        var notice = await (await CasesAsync(Zhengzhou, CommissionLeader)).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-05-20" });
        Assert.Equal("2026-07-20", notice.Deadlines.Single(d => d.Kind == "RectificationEnds").DueOn); // two months (Art. 33)

        // No accepted rectification: the sweep proposes the admonishment once the grace after the period has passed (reading 7).
        var day = new DateOnly(2026, 7, 21);
        for (; day <= new DateOnly(2026, 8, 31); day = day.AddDays(1))
        {
            Today(day.ToString("yyyy-MM-dd"));
            await SweepAsync();
            if ((await zhengzhou.GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).EscalationProposed) break;
        }
        Assert.True(day <= new DateOnly(2026, 8, 31), "the admonishment was proposed after the notice's period");

        // September: the province admonishes; the interview; measures due in 10 working days across the National Day holiday (Art. 34).
        Today("2026-09-24");
        var province = await CasesAsync(Province);
        await province.ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = opened.CaseId, Stage = Stage.Admonishment, Verification = "逾期未完成整改" });
        await (await CasesAsync(Province, CommissionLeader)).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-09-24" });
        Today("2026-09-28");
        var interviewed = await province.RecordInterviewAsync(new RecordInterviewRequest { CaseId = opened.CaseId, HeldOn = "2026-09-28", Interviewer = "省平安办主任", Record = "约谈记录" });
        Assert.Equal("2026-10-16", interviewed.Deadlines.First(d => d.Kind == "MeasuresDue").DueOn);

        // October: no measures by the day; an aggravating circumstance recorded; the five departments meet; the province lists (Art. 35, 40).
        Today("2026-10-19");
        await SweepAsync();
        await province.RecordCircumstanceAsync(new RecordCircumstanceRequest
            { CaseId = opened.CaseId, Circumstance = Circumstance.OtherAggravating, Description = "约谈后逾期不报整改措施", Evidence = "省平安办督办记录" });
        var meetingId = await JointMeetingAsync(province, opened.CaseId, "2026-10-19");
        Today("2026-10-20");
        await province.ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Listing, Verification = "联席会议研究", DirectEntryReasons = "约谈后拒不整改,情节从重", JointMeetingId = meetingId });
        var listed = await (await CasesAsync(Province, CommissionLeader)).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-10-20" });
        Assert.Equal(Stage.Listing, listed.Stage);

        // 王刚 is transferred at the end of October; 陈亮 takes the post during the listing.
        Today("2026-11-01");
        var leadership = new RegistryApi.Leadership.LeadershipClient(await AsAsync(Registry, Province, OrganisationLiaison));
        await leadership.EndTermAsync(new RegistryApi.EndTermRequest { TermId = wangGang.TermId, EndsOn = "2026-10-31", Reason = "调任" });
        var chenLiang = await AppointAsync("陈亮", ZhongyuanPc, RegistryApi.LeadershipRole.Principal, "2026-11-01");
        Today("2026-11-05");
        await Eventually.HoldsAsync(async () => await ArchivesCountAsync("SELECT count(*) FROM disqualifications WHERE starts_on IS NOT NULL") == 1
            && await ArchivesCountAsync($"SELECT count(*) FROM terms WHERE term_id = '{chenLiang.TermId}'") == 1
            && await ArchivesCountAsync($"SELECT count(*) FROM terms WHERE term_id = '{wangGang.TermId}' AND ends_on IS NOT NULL") == 1,
            TimeSpan.FromSeconds(60), "the listing and the handover in the archives");

        // Zhengzhou's organisation department consults before a promotion (Art. 23): both are disqualified (Art. 35 ¶4).
        var successor = await ConsultAsync(chenLiang.LeaderId, "2026-11-05");
        Assert.Equal(("LISTED", Zhongyuan, "2026-10-20"), (successor.Disqualifications.Single().Reason, successor.Disqualifications.Single().UnitCode, successor.Disqualifications.Single().From));
        Assert.Equal([opened.CaseId], successor.OpenCases.Select(c => c.CaseId));
        var predecessor = await ConsultAsync(wangGang.LeaderId, "2026-11-05");
        Assert.Equal(["LISTED_RESPONSIBLE"], predecessor.Disqualifications.Select(d => d.Reason));
        // His archive holds the ladder and his interview.
        var archive = await new Pingan.Archives.Api.Archives.ArchivesClient(await AsAsync(Archives, Zhengzhou, CommissionOffice))
            .GetArchiveAsync(new GetArchiveRequest { LeaderId = wangGang.LeaderId });
        Assert.Equal(["NOTICE", "ADMONISHMENT", "INTERVIEWED", "LISTING"], archive.Years.Single(y => y.Year == 2026).Sanctions.Select(s => s.Kind));

        // Art. 36: Zhengzhou names its follow-up leader; 中原区 reports its measures and applies; Zhengzhou checks first, the province lifts.
        await zhengzhou.NameFollowUpLeaderAsync(new NameFollowUpLeaderRequest { CaseId = opened.CaseId, LeaderId = follower.LeaderId });
        var subject = await CasesAsync(Zhongyuan);
        await subject.SubmitReportAsync(new SubmitReportRequest { CaseId = opened.CaseId, Kind = ReportKind.Measures, Text = "整改措施:成立专班,逐项整改" });
        Today("2026-11-18");
        await subject.ApplyForAcceptanceAsync(new ApplyForAcceptanceRequest { CaseId = opened.CaseId, Statement = "整改完成,申请验收" });
        await zhengzhou.CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "整改到位,建议解除" });
        Today("2026-11-20");
        Assert.Equal("CLOSED", (await province.CheckAcceptanceAsync(new CheckAcceptanceRequest { CaseId = opened.CaseId, Passed = true, Findings = "验收合格,解除挂牌督办" })).Status);
        await Eventually.HoldsAsync(async () => await ArchivesCountAsync("SELECT count(*) FROM disqualifications WHERE ends_on IS NOT NULL") == 1,
            TimeSpan.FromSeconds(60), "the lifting in the archives");

        // From the day after the lifting neither is disqualified; the days before keep their answer.
        Today("2026-11-21");
        Assert.False((await ConsultAsync(chenLiang.LeaderId, "2026-11-21")).Disqualified);
        Assert.False((await ConsultAsync(wangGang.LeaderId, "2026-11-21")).Disqualified);
        Assert.True((await ConsultAsync(chenLiang.LeaderId, "2026-11-10")).Disqualified);
        // Kaifeng's organisation department may not ask about Zhengzhou's cadre.
        await Refused(async () => await new Consultations.ConsultationsClient(await AsAsync(Archives, Kaifeng, OrganisationLiaison))
            .ConsultAsync(new ConsultRequest { LeaderId = chenLiang.LeaderId, AsOf = "2026-11-21", Purpose = ConsultationPurpose.Promotion }), StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_covert_inspection_finding_an_Art31_situation_opens_a_case_and_enters_the_archive_of_the_county_principal_Art18_Art22_Art31()
    {
        await RecordOrganisationAsync();
        var secretary = await AppointAsync("刘洋", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01");
        Today("2026-09-21");
        // Zhengzhou's office plans a covert inspection of 二七区 (Art. 18 暗访) with its inspector; to the inspected unit it does not exist until it completes.
        var inspector = $"e2e-{Inspector}-{Zhengzhou}";
        var office = new Pingan.Inspections.Api.Inspections.InspectionsClient(await AsAsync(Inspections, Zhengzhou, CommissionOffice));
        var plan = await office.PlanInspectionAsync(new Pingan.Inspections.Api.PlanInspectionRequest
        {
            Form = Pingan.Inspections.Api.Form.Covert, Year = 2026, Title = "2026年第三季度暗访", StartsOn = "2026-09-21", EndsOn = "2026-09-30", TargetCodes = { Erqi },
            Team = { new Pingan.Inspections.Api.TeamMember { Subject = inspector, Name = "马静", UnitCode = Zhengzhou, Leads = true } },
        });
        await Refused(async () => await new Pingan.Inspections.Api.Inspections.InspectionsClient(await AsAsync(Inspections, Erqi, CommissionOffice))
            .GetInspectionAsync(new Pingan.Inspections.Api.GetInspectionRequest { InspectionId = plan.InspectionId }), StatusCode.NotFound);
        Today("2026-09-22");
        var finding = (await new Pingan.Inspections.Api.Inspections.InspectionsClient(await AsAsync(Inspections, Zhengzhou, Inspector)).RecordFindingAsync(
            new Pingan.Inspections.Api.RecordFindingRequest
            {
                InspectionId = plan.InspectionId, TargetCode = Erqi, Concern = new Pingan.Inspections.Api.Concern { Kind = Pingan.Inspections.Api.ConcernKind.Art31Clause, Clause = 2 },
                Severity = Pingan.Inspections.Api.FindingSeverity.Serious, Description = "夜间治安巡防形同虚设,治安秩序混乱", ObservedOn = "2026-09-22",
                RectificationDemand = "限期整治", RectificationWorkingDays = 10,
            })).Findings[0];
        await office.CompleteInspectionAsync(new Pingan.Inspections.Api.CompleteInspectionRequest { InspectionId = plan.InspectionId });
        await office.ReferFindingAsync(new Pingan.Inspections.Api.ReferFindingRequest
            { InspectionId = plan.InspectionId, FindingId = finding.FindingId, Clause = 2, Severity = "SERIOUS", Reasons = "治安秩序严重混乱(第三十一条第(二)项)" });

        // The sanctions service registers it for Zhengzhou's office to verify (Art. 31, 33), through the broker.
        var cases = await CasesAsync(Zhengzhou);
        Case? opened = null;
        await Eventually.HoldsAsync(async () =>
        {
            opened = (await cases.ListCasesAsync(new ListCasesRequest { UnitCode = Erqi })).Cases.FirstOrDefault();
            return opened is not null;
        }, TimeSpan.FromSeconds(60), "the case registered from the referred finding");
        Assert.Equal((Source.InspectionFinding, 2, "REGISTERED", "2026-09-22"), (opened!.Source, opened.Clause, opened.Status, opened.IncidentOn));

        // The finding is in the archive Zhengzhou keeps for 二七区's secretary (Art. 22), and the open case stands in a consultation (Art. 23).
        await Eventually.HoldsAsync(async () => await ArchivesCountAsync("SELECT count(*) FROM unit_records WHERE kind = 'INSPECTION_FINDING'") == 1
            && await ArchivesCountAsync("SELECT count(*) FROM cases WHERE opened_on IS NOT NULL") == 1, TimeSpan.FromSeconds(60), "the finding and the case in the archives");
        var archive = await new Pingan.Archives.Api.Archives.ArchivesClient(await AsAsync(Archives, Zhengzhou, CommissionOffice))
            .GetArchiveAsync(new GetArchiveRequest { LeaderId = secretary.LeaderId });
        Assert.Equal(["2026-09-22"], archive.Years.Single(y => y.Year == 2026).DutyRecords.Where(r => r.Kind == "INSPECTION_FINDING").Select(r => r.On));
        Assert.Equal([opened.CaseId], (await ConsultAsync(secretary.LeaderId, "2026-09-22")).OpenCases.Select(c => c.CaseId));
    }

    /// <summary>A principal's signing key on their own device (the platform only ever sees the public key), enrolled by the office of their level.</summary>
    private async Task<Pingan.Signing.Sm2PrivateKey> EnrolAsync(RegistryApi.Term term, string office)
    {
        var device = new Pingan.Signing.Sm2PrivateKey(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var keys = new Pingan.Letters.Api.SigningKeys.SigningKeysClient(await AsAsync(Letters, office, OrganisationLiaison));
        var challenge = await keys.CreateEnrolmentChallengeAsync(new Pingan.Letters.Api.CreateEnrolmentChallengeRequest { LeaderId = term.LeaderId });
        await keys.RegisterSigningKeyAsync(new Pingan.Letters.Api.RegisterSigningKeyRequest
        {
            LeaderId = term.LeaderId, PublicKey = device.PublicKey, ChallengeId = challenge.ChallengeId,
            Proof = Google.Protobuf.ByteString.CopyFrom(device.Sign(challenge.Data.ToByteArray())),
        });
        return device;
    }

    /// <summary>A side of a letter signed on the leader's device over the letter's canonical form, submitted by their office.</summary>
    private async Task SignAsync(string letterId, Pingan.Letters.Api.Side side, RegistryApi.Term leader, Pingan.Signing.Sm2PrivateKey device, string office, string on)
    {
        var letters = new Pingan.Letters.Api.Letters.LettersClient(await AsAsync(Letters, office, CommissionOffice));
        var form = await letters.GetCanonicalFormAsync(new Pingan.Letters.Api.GetCanonicalFormRequest { LetterId = letterId });
        await letters.SignLetterAsync(new Pingan.Letters.Api.SignLetterRequest
            { LetterId = letterId, Side = side, LeaderId = leader.LeaderId, SignedOn = on, Signature = Google.Protobuf.ByteString.CopyFrom(device.Sign(form.Data.ToByteArray())) });
    }

    [Fact]
    public async Task The_province_issues_cities_cascade_and_on_1_April_the_platform_lists_who_has_not_signed_Art13()
    {
        Today("2026-02-10");
        await RecordOrganisationAsync();
        var provinceSecretary = await AppointAsync("李建国", Province + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01");
        var zhengzhouSecretary = await AppointAsync("张伟", ZhengzhouPc, RegistryApi.LeadershipRole.Principal, "2024-01-01");
        var zhongyuanSecretary = await AppointAsync("王刚", ZhongyuanPc, RegistryApi.LeadershipRole.Principal, "2021-06-01");
        await AppointAsync("刘洋", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01");
        var (provinceKey, zhengzhouKey, zhongyuanKey) =
            (await EnrolAsync(provinceSecretary, Province), await EnrolAsync(zhengzhouSecretary, Zhengzhou), await EnrolAsync(zhongyuanSecretary, Zhongyuan));

        // The province's office drafts and issues the year's letters (Art. 9-13); Zhengzhou's leader signs with the province's.
        var templates = new Pingan.Letters.Api.Templates.TemplatesClient(await AsAsync(Letters, Province, CommissionOffice));
        Pingan.Letters.Api.CreateTemplateRequest Draft(string issuer)
        {
            var draft = new Pingan.Letters.Api.CreateTemplateRequest
                { Year = 2026, IssuerCode = issuer, Title = "2026年度平安建设目标管理责任书", KeyTasks = { "矛盾纠纷排查化解", "社会治安防控体系建设" } };
            draft.Targets.Add(new Pingan.Letters.Api.TargetDraft { Code = "1", Indicator = "矛盾纠纷化解率", TargetValue = "95", UnitOfMeasure = "%", EvidenceRequired = "工作台账", Weight = "100" });
            return draft;
        }
        var provinceLetters = new Pingan.Letters.Api.Letters.LettersClient(await AsAsync(Letters, Province, CommissionOffice));
        var issued = await provinceLetters.IssueLettersAsync(new Pingan.Letters.Api.IssueLettersRequest { TemplateId = (await templates.CreateTemplateAsync(Draft(Province))).TemplateId });
        var toZhengzhou = issued.Letters.Single(l => l.ReceiverCode == Zhengzhou).LetterId;
        Assert.Contains(issued.Letters, l => l.ReceiverCode == Kaifeng);
        Today("2026-02-12");
        await SignAsync(toZhengzhou, Pingan.Letters.Api.Side.Issuer, provinceSecretary, provinceKey, Province, "2026-02-12");
        await SignAsync(toZhengzhou, Pingan.Letters.Api.Side.Receiver, zhengzhouSecretary, zhengzhouKey, Zhengzhou, "2026-02-12");

        // Zhengzhou cascades to its counties; 中原区 signs, 二七区 does not.
        Today("2026-02-20");
        var cityTemplate = await new Pingan.Letters.Api.Templates.TemplatesClient(await AsAsync(Letters, Zhengzhou, CommissionOffice)).CreateTemplateAsync(Draft(Zhengzhou));
        var cascaded = await new Pingan.Letters.Api.Letters.LettersClient(await AsAsync(Letters, Zhengzhou, CommissionOffice))
            .IssueLettersAsync(new Pingan.Letters.Api.IssueLettersRequest { TemplateId = cityTemplate.TemplateId });
        var toZhongyuan = cascaded.Letters.Single(l => l.ReceiverCode == Zhongyuan).LetterId;
        Assert.Contains(cascaded.Letters, l => l.ReceiverCode == Erqi);
        Today("2026-03-02");
        await SignAsync(toZhongyuan, Pingan.Letters.Api.Side.Issuer, zhengzhouSecretary, zhengzhouKey, Zhengzhou, "2026-03-02");
        await SignAsync(toZhongyuan, Pingan.Letters.Api.Side.Receiver, zhongyuanSecretary, zhongyuanKey, Zhongyuan, "2026-03-02");

        // 1 April (Art. 13 "一般在每年第一季度签订"): the province's office reads who has not signed in its whole cascade.
        Today("2026-04-01");
        var progress = await provinceLetters.GetSigningProgressAsync(new Pingan.Letters.Api.GetSigningProgressRequest { UnitCode = Province, Year = 2026 });
        var unsigned = progress.Unsigned.Select(u => u.ReceiverCode).ToList();
        Assert.Contains(Kaifeng, unsigned);
        Assert.Contains(Erqi, unsigned);
        Assert.DoesNotContain(Zhengzhou, unsigned);
        Assert.DoesNotContain(Zhongyuan, unsigned);
        Assert.All(progress.Unsigned, u => Assert.True(u.Overdue));
        Assert.Equal(progress.Letters - progress.Signed, progress.Unsigned.Count);
        // Zhengzhou's office sees its own cascade only.
        var city = await new Pingan.Letters.Api.Letters.LettersClient(await AsAsync(Letters, Zhengzhou, CommissionOffice))
            .GetSigningProgressAsync(new Pingan.Letters.Api.GetSigningProgressRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.DoesNotContain(Kaifeng, city.Unsigned.Select(u => u.ReceiverCode));
        Assert.Contains(Erqi, city.Unsigned.Select(u => u.ReceiverCode));

        // The signing enters the archive Zhengzhou keeps for 中原区's secretary (Art. 22).
        await Eventually.HoldsAsync(async () => await ArchivesCountAsync("SELECT count(*) FROM unit_records WHERE kind = 'LETTER_SIGNED'") >= 2,
            TimeSpan.FromSeconds(60), "the signed letters in the archives");
        var archive = await new Pingan.Archives.Api.Archives.ArchivesClient(await AsAsync(Archives, Zhengzhou, CommissionOffice))
            .GetArchiveAsync(new GetArchiveRequest { LeaderId = zhongyuanSecretary.LeaderId });
        Assert.Equal(1, archive.Years.Single(y => y.Year == 2026).Duties.LettersSigned);
    }

    [Fact]
    public async Task At_year_end_the_listed_county_is_not_excellent_the_excellent_one_is_paid_and_commended_the_archives_graded_and_the_failed_unit_verified_Art20_Art22_Art27_Art31_Art35()
    {
        await RecordOrganisationAsync();
        var zhongyuanSecretary = await AppointAsync("王刚", ZhongyuanPc, RegistryApi.LeadershipRole.Principal, "2021-06-01");
        var erqiSecretary = await AppointAsync("刘洋", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01");

        // May: an especially serious case; the five departments meet; the province lists 中原区 directly (Art. 35; reading 1 notice-relative).
        await ProvinceListsAboveTheNoticeAsync();
        Today("2026-05-13");
        var opened = await (await CasesAsync(Zhengzhou)).OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Zhongyuan, Clause = 3, Source = Source.Incident, Severity = Severity.EspeciallySerious, IncidentOn = "2026-05-10", Summary = "中原区发生重大刑事案件",
        });
        var province = await CasesAsync(Province);
        var meetingId = await JointMeetingAsync(province, opened.CaseId, "2026-05-13");
        await province.ProposeMeasureAsync(new ProposeMeasureRequest
            { CaseId = opened.CaseId, Stage = Stage.Listing, Verification = "调查组核实", DirectEntryReasons = "特别严重", JointMeetingId = meetingId });
        await (await CasesAsync(Province, CommissionLeader)).DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-05-13" });

        // December: Zhengzhou assesses its counties (Art. 20); the listing has reached the assessments service.
        Today("2026-12-01");
        await Eventually.HoldsAsync(async () => await Pingan.Testing.Sql.ScalarAsync(SiblingOf("assessments"), "SELECT count(*) FROM disqualifications WHERE starts_on IS NOT NULL") == 1,
            TimeSpan.FromSeconds(60), "the listing in the assessments service");
        var assessments = new Pingan.Assessments.Api.Assessments.AssessmentsClient(await AsAsync(Assessments, Zhengzhou, CommissionOffice));
        await assessments.OpenAssessmentAsync(new Pingan.Assessments.Api.OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var ranking = await assessments.ScoreAssessmentAsync(new Pingan.Assessments.Api.ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.True(ranking.Units.Single(u => u.UnitCode == Zhongyuan).Listed);
        // The listed county cannot be 优秀 (Art. 35 ¶4, reading 20); 二七区 is graded 优秀 on the assessment team's findings.
        await Refused(async () => await assessments.AdjustGradeAsync(new Pingan.Assessments.Api.AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Zhongyuan, Grade = Pingan.Assessments.Api.Grade.Excellent, Reasons = "工作量大" }), StatusCode.FailedPrecondition);
        await assessments.AdjustGradeAsync(new Pingan.Assessments.Api.AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Erqi, Grade = Pingan.Assessments.Api.Grade.Excellent, Reasons = "考核组实地核查,工作成效突出" });
        await new Pingan.Assessments.Api.Assessments.AssessmentsClient(await AsAsync(Assessments, Zhengzhou, CommissionLeader))
            .ApproveAssessmentAsync(new Pingan.Assessments.Api.ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        await assessments.PublishAssessmentAsync(new Pingan.Assessments.Api.PublishAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026, Distribution = { Zhongyuan, Erqi } });

        // The 优秀 unit's extra month (Art. 20), decided and listed for the payroll.
        await assessments.RecordExtraSalaryAsync(new Pingan.Assessments.Api.RecordExtraSalaryRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCodes = { Erqi }, Document = "郑平安〔2026〕40号", DecidedOn = "2026-12-01" });
        var list = await assessments.GetExtraSalaryListAsync(new Pingan.Assessments.Api.GetExtraSalaryListRequest { AssessingCode = Zhengzhou, Year = 2026 });
        using (var stream = new MemoryStream(list.Data.ToByteArray()))
        using (var workbook = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(stream, false))
        {
            var cells = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c => c.InnerText).ToList();
            Assert.Contains("二七区", cells);
            Assert.DoesNotContain("中原区", cells);
        }

        // Commendations (Art. 24, 27): proposed from the results, studied by the five departments, decided by the leader.
        var commendations = new Pingan.Assessments.Api.Commendations.CommendationsClient(await AsAsync(Assessments, Zhengzhou, CommissionOffice));
        var proposed = await commendations.ProposeCommendationAsync(new Pingan.Assessments.Api.ProposeCommendationRequest
        {
            CommendingCode = Zhengzhou, Year = 2026, Kind = Pingan.Assessments.Api.CommendationKind.AdvancedUnit, UnitCode = Erqi, Title = "全市平安建设工作先进单位",
            Citation = "全年未发生重大案事件",
        });
        await Refused(async () => await commendations.ProposeCommendationAsync(new Pingan.Assessments.Api.ProposeCommendationRequest
        {
            CommendingCode = Zhengzhou, Year = 2026, Kind = Pingan.Assessments.Api.CommendationKind.AdvancedUnit, UnitCode = Zhongyuan, Title = "全市平安建设工作先进单位",
            Citation = "工作量大",
        }), StatusCode.FailedPrecondition);
        var study = new Pingan.Assessments.Api.StudyCommendationsRequest { CommendingCode = Zhengzhou, Year = 2026, HeldOn = "2026-12-01", Minutes = "五部门联席会议研究年度评比表彰" };
        study.Attendees.AddRange(Enum.GetValues<Pingan.Assessments.Api.JointMeetingDepartment>().Skip(1)
            .Select((d, i) => new Pingan.Assessments.Api.CommendationAttendee { Department = d, Name = $"代表{i + 1}" }));
        study.Opinions.Add(new Pingan.Assessments.Api.StudyOpinion { CommendationId = proposed.CommendationId, Endorses = true });
        await commendations.StudyCommendationsAsync(study);
        await new Pingan.Assessments.Api.Commendations.CommendationsClient(await AsAsync(Assessments, Zhengzhou, CommissionLeader)).DecideCommendationAsync(
            new Pingan.Assessments.Api.DecideCommendationRequest { CommendingCode = Zhengzhou, Year = 2026, CommendationId = proposed.CommendationId, Approve = true });

        // 中原区's 不合格 opens a case by itself for Zhengzhou to verify (Art. 31(8)).
        var cases = await CasesAsync(Zhengzhou);
        await Eventually.HoldsAsync(async () => (await cases.ListCasesAsync(new ListCasesRequest { UnitCode = Zhongyuan })).Cases
            .Any(c => c.Source == Source.FailedAssessment && c.Clause == 8), TimeSpan.FromSeconds(60), "the failed assessment's case");

        // The archives hold the year (Art. 22), and Zhengzhou's office grades its two secretaries.
        await Eventually.HoldsAsync(async () => await ArchivesCountAsync("SELECT count(*) FROM unit_records WHERE kind IN ('ASSESSMENT', 'COMMENDATION')") >= 3,
            TimeSpan.FromSeconds(60), "the results and the commendation in the archives");
        var archives = new Pingan.Archives.Api.Archives.ArchivesClient(await AsAsync(Archives, Zhengzhou, CommissionOffice));
        await archives.SetYearlyGradeAsync(new SetYearlyGradeRequest { LeaderId = erqiSecretary.LeaderId, Year = 2026, KeeperCode = Zhengzhou, Grade = ArchiveGrade.Excellent, Reasons = "考核优秀,获评先进单位" });
        await archives.SetYearlyGradeAsync(new SetYearlyGradeRequest { LeaderId = zhongyuanSecretary.LeaderId, Year = 2026, KeeperCode = Zhengzhou, Grade = ArchiveGrade.Fail, Reasons = "挂牌督办,考核不合格" });
        var erqiYear = (await archives.GetArchiveAsync(new GetArchiveRequest { LeaderId = erqiSecretary.LeaderId })).Years.Single(y => y.Year == 2026);
        Assert.Equal(["COMMENDATION"], erqiYear.Rewards.Select(r => r.Kind));
        Assert.Contains("优秀", erqiYear.Assessments.Single().Summary);
        Assert.Equal(ArchiveGrade.Excellent, erqiYear.Grades.Single().Grade);
        var zhongyuanYear = (await archives.GetArchiveAsync(new GetArchiveRequest { LeaderId = zhongyuanSecretary.LeaderId })).Years.Single(y => y.Year == 2026);
        Assert.Equal(["LISTING"], zhongyuanYear.Sanctions.Select(r => r.Kind));
        Assert.Contains("不合格", zhongyuanYear.Assessments.Single().Summary);
        // And the consultation before any promotion says so.
        var consulted = await ConsultAsync(zhongyuanSecretary.LeaderId, "2026-12-01");
        Assert.Equal((true, ArchiveGrade.Fail), (consulted.Disqualified, consulted.Grades.Single().Grade));
    }
}
