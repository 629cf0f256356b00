using System.Text;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Audit;
using Pingan.Identity;
using Pingan.Registry;
using Pingan.Registry.Api;
using Pingan.Registry.Persistence;
using Pingan.Testing;
using static Pingan.Security.PinganRoles;

namespace Pingan.Security.Tests;

/// <summary>
/// Walks every gRPC method every service maps (issue 4): without a token, from another jurisdiction, and with a
/// role that may not do it, each call is refused and nothing changes. The methods come from the running
/// services' endpoints, so a method added later fails here until it has a sample request below. Every sample
/// is also sent by a province account holding every role, which must get past the guard: a refusal for a wrong
/// reason (a sample naming nothing) would otherwise pass.
/// </summary>
public sealed class EveryMethodTests : InfrastructureTest
{
    // The outsider is 中原区 (Zhengzhou); every sample targets 开封 (Kaifeng) and its 龙亭区.
    private const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000";
    private const string Kaifeng = "410200000000", Longting = "410202000000", KaifengPsb = "410200000000-PSB";
    private static readonly string[] AllRoles =
        [CommissionOffice, CommissionLeader, MemberUnitLiaison, Inspector, DisciplineLiaison, OrganisationLiaison, PersonnelLiaison, Auditor, Operator];
    private static readonly string[] ReadOnlyRoles = [CommissionLeader, MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor];

    /// <summary>Changes some of the read-only roles may make: the wrong roles for them are the others.</summary>
    private static readonly Dictionary<string, string[]> WrongRolesFor = new()
    {
        // The commission approves its assessment through its leader (Art. 20).
        ["/pingan.assessments.v1.Assessments/ApproveAssessment"] = [MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        // The level's assessment team scores an assessor indicator (Art. 20).
        ["/pingan.assessments.v1.Assessments/RecordAssessorScore"] = [CommissionLeader, MemberUnitLiaison, DisciplineLiaison, Auditor],
        // The commission decides commendations and recommends promotions through its leader (Art. 26, 27, 29).
        ["/pingan.assessments.v1.Commendations/DecideCommendation"] = [MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.assessments.v1.Recognition/RecommendPromotion"] = [MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        // A leader signs for their unit (Art. 13).
        ["/pingan.letters.v1.Letters/SignLetter"] = [MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        // A member unit reports progress on its own letter (Art. 13).
        ["/pingan.letters.v1.Progress/UploadEvidence"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.letters.v1.Progress/ReportProgress"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        // Member units and inspectors report cases (Art. 38); the commission decides through its leader (Art. 33-35);
        // the subject's member-unit staff report on its rectification.
        ["/pingan.sanctions.v1.Cases/OpenCase"] = [CommissionLeader, DisciplineLiaison, Auditor],
        ["/pingan.sanctions.v1.Cases/DecideProposal"] = [MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.sanctions.v1.Cases/SubmitReport"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.sanctions.v1.Cases/ApplyForAcceptance"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        // A provincial department's own staff follow up a listing of its system and check it first (Art. 36, reading 5).
        ["/pingan.sanctions.v1.Cases/NameFollowUpLeader"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.sanctions.v1.Cases/CheckAcceptance"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        // The discipline department's system reports its decisions (Art. 39).
        ["/pingan.sanctions.v1.Cases/RecordReferralOutcome"] = [CommissionLeader, MemberUnitLiaison, Inspector, Auditor],
        // The inspected unit's staff report their rectification and its evidence (Art. 18).
        ["/pingan.inspections.v1.Inspections/ReportRectification"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
        // The organisation and personnel departments consult the archives (Art. 23).
        ["/pingan.archives.v1.Consultations/Consult"] = [CommissionOffice, CommissionLeader, MemberUnitLiaison, Inspector, DisciplineLiaison, Auditor],
        ["/pingan.inspections.v1.Inspections/UploadEvidence"] = [CommissionLeader, Inspector, DisciplineLiaison, Auditor],
    };

    /// <summary>
    /// Where even the province may not act, the control caller (who must get past the guard) is another account
    /// holding every role: 龙亭区's own for what a unit answers for itself, Kaifeng's where Kaifeng's commission is
    /// the competent body (a notice of 龙亭区, Art. 33).
    /// </summary>
    private static readonly Dictionary<string, string> ControlFor = new()
    {
        ["/pingan.letters.v1.Progress/UploadEvidence"] = Longting,
        ["/pingan.letters.v1.Progress/ReportProgress"] = Longting,
        ["/pingan.sanctions.v1.Cases/SubmitReport"] = Longting,
        ["/pingan.sanctions.v1.Cases/ApplyForAcceptance"] = Longting,
        ["/pingan.sanctions.v1.Cases/ProposeMeasure"] = Kaifeng,
        ["/pingan.sanctions.v1.Cases/DecideProposal"] = Kaifeng,
        // By default Kaifeng also admonishes and lists 龙亭区 (reading 1), so it is the one competent level for these.
        ["/pingan.sanctions.v1.Cases/DismissCase"] = Kaifeng,
        ["/pingan.sanctions.v1.Cases/RecordCircumstance"] = Kaifeng,
        // Only a side's own office submits its signature, and only the office of a leader's unit enrols their key (issue 11).
        ["/pingan.letters.v1.Letters/SignLetter"] = Longting,
        ["/pingan.letters.v1.SigningKeys/RegisterSigningKey"] = Longting,
        ["/pingan.letters.v1.SigningKeys/CreateEnrolmentChallenge"] = Longting,
        // Kaifeng's office runs its inspection of 龙亭区 (its team and office are the only insiders); 龙亭区 reports its rectification.
        ["/pingan.inspections.v1.Inspections/RecordVisit"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/UploadEvidence"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/RecordFinding"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/CompleteInspection"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/VerifyRectification"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/ReferFinding"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/ReportRectification"] = Longting,
        // Kaifeng's office records its commission's plenary (Art. 25).
        ["/pingan.inspections.v1.ReportingDuties/SubmitDuty"] = Kaifeng,
        // A member unit sends its own work information (Art. 15): Kaifeng's bureau, as the control account's unit.
        ["/pingan.inspections.v1.ReportingDuties/SubmitWorkInformation"] = Kaifeng,
        // Kaifeng's office grades the archives Kaifeng keeps (Art. 22); Kaifeng's departments consult about Kaifeng's cadres (Art. 23).
        ["/pingan.archives.v1.Archives/SetYearlyGrade"] = Kaifeng,
        ["/pingan.archives.v1.Consultations/Consult"] = Kaifeng,
    };

    /// <summary>The same for the upward samples: Kaifeng answers for itself, and the province is the competent body for a case against it.</summary>
    private static readonly Dictionary<string, string> UpwardControlFor = new()
    {
        ["/pingan.letters.v1.Progress/UploadEvidence"] = Kaifeng,
        ["/pingan.letters.v1.Progress/ReportProgress"] = Kaifeng,
        ["/pingan.sanctions.v1.Cases/SubmitReport"] = Kaifeng,
        ["/pingan.sanctions.v1.Cases/ApplyForAcceptance"] = Kaifeng,
        ["/pingan.letters.v1.Letters/SignLetter"] = Kaifeng,
        ["/pingan.letters.v1.SigningKeys/RegisterSigningKey"] = Kaifeng,
        ["/pingan.letters.v1.SigningKeys/CreateEnrolmentChallenge"] = Kaifeng,
        ["/pingan.inspections.v1.Inspections/ReportRectification"] = Kaifeng,
    };

    /// <summary>List calls answer a county with the rows it may read (checked row by row in the list test), not a refusal.</summary>
    private static readonly string[] FilteredLists = ["/pingan.letters.v1.Letters/ListLetters", "/pingan.letters.v1.Progress/ListCompletions"];

    /// <summary>Reads of no business record, open to every account with a role anywhere: how the province reads its measures (issue 12).</summary>
    private static readonly string[] OpenReads = ["/pingan.rules.v1.RegulationRules/ListRules", "/pingan.inspections.v1.ReportingDuties/GetDutySchedule",
        // The platform's published consultation keys, and checking a signature against them (Art. 23).
        "/pingan.archives.v1.Consultations/ListSigningKeys", "/pingan.archives.v1.Consultations/VerifyConsultation"];

    /// <summary>The registry changes a county must not make to itself or with a higher level's leader.</summary>
    private static readonly string[] UpwardRegistryChanges =
        ["/pingan.registry.v1.Units/UpdateUnit", "/pingan.registry.v1.Units/DissolveUnit", "/pingan.registry.v1.Leadership/AppointLeader"];

    private ServiceHost _identity = null!;
    private ServiceHost _registry = null!;
    private ServiceHost _letters = null!;
    private ServiceHost _sanctions = null!;
    private ServiceHost _inspections = null!;
    private ServiceHost _assessments = null!;
    private ServiceHost _archives = null!;
    // Archived leaders: one kept by Kaifeng (龙亭区's principal, a Kaifeng cadre), one by the province (Kaifeng's); a consultation of each level.
    private readonly string _archivedId = Guid.CreateVersion7().ToString(), _upArchivedId = Guid.CreateVersion7().ToString();
    private readonly string _consultationId = Guid.CreateVersion7().ToString(), _upConsultationId = Guid.CreateVersion7().ToString();

    /// <summary>An SM2 public key (the generator point's double): valid, and nobody's.</summary>
    private static readonly string SamplePublicKey = Convert.ToHexString(
        Org.BouncyCastle.Asn1.GM.GMNamedCurves.GetByName("sm2p256v1").G.Twice().Normalize().GetEncoded(false));
    private string _termId = "", _leaderId = "", _templateId = "", _letterId = "", _evidenceId = "", _caseId = "";
    // Above 龙亭区 (issue 11): Kaifeng's principal, the province's letter to Kaifeng with Kaifeng's evidence, a case against Kaifeng.
    private string _kaifengLeaderId = "", _upLetterId = "", _upEvidenceId = "", _upCaseId = "";
    // Kaifeng's inspection of 龙亭区 with a finding and a photo; its covert one, unfinished; the province's of Kaifeng (issue 13).
    private string _inspectionId = "", _findingId = "", _photoId = "", _covertId = "", _covertFindingId = "", _covertPhotoId = "";
    private string _upInspectionId = "", _upFindingId = "", _upPhotoId = "";
    // Kaifeng's plenary duty and a document of its half-year hearing; the same of the province (issue 13).
    private string _dutyId = "", _dutyDocumentId = "", _upDutyId = "", _upDutyDocumentId = "";
    // An individual's report of an incident in 龙亭区 registered by Kaifeng; one in Kaifeng itself registered by the province.
    private string _incidentId = "", _upIncidentId = "";
    private string _commendationId = "", _upCommendationId = "", _recommendationId = "", _upRecommendationId = "";
    private static readonly string SampleReferral = Guid.CreateVersion7().ToString();
    private static readonly Google.Api.HttpBody SamplePdf = new() { ContentType = "application/pdf", Data = ByteString.CopyFromUtf8("%PDF-1.7\n%%EOF\n") };

    /// <summary>
    /// One request per method, naming Kaifeng's units, leaders and commission; <paramref name="upward"/>, the
    /// records above 龙亭区 instead (Kaifeng's letter from the province, the case against Kaifeng, Kaifeng's leader)
    /// and the changes a county must not make to itself (its own province-direct standing, its dissolution).
    /// </summary>
    private Dictionary<string, Func<IMessage>> Samples(bool upward = false)
    {
        var (letterId, evidenceId, caseId, leaderId) = upward ? (_upLetterId, _upEvidenceId, _upCaseId, _kaifengLeaderId) : (_letterId, _evidenceId, _caseId, _leaderId);
        var subject = upward ? Kaifeng : Longting;
        var (inspectionId, findingId, photoId) = upward ? (_upInspectionId, _upFindingId, _upPhotoId) : (_inspectionId, _findingId, _photoId);
        var (listed, side) = upward ? (Province, Letters.Api.LetterSide.Issued) : (Longting, Letters.Api.LetterSide.Received);
        return new()
    {
        ["/pingan.registry.v1.Units/RegisterUnit"] = () => new RegisterUnitRequest { Code = "410202001000", Name = "北书店街道", Kind = UnitKind.Township, ParentCode = Longting },
        ["/pingan.registry.v1.Units/UpdateUnit"] = () => upward
            ? new UpdateUnitRequest { Code = Longting, ProvinceDirect = true }
            : new UpdateUnitRequest { Code = Longting, Name = "龙亭区（改）" },
        ["/pingan.registry.v1.Units/DissolveUnit"] = () => new DissolveUnitRequest { Code = Longting, Reason = "walk" },
        ["/pingan.registry.v1.Units/GetUnit"] = () => new GetUnitRequest { Code = Longting },
        ["/pingan.registry.v1.Units/ListAncestors"] = () => new ListAncestorsRequest { Code = Longting },
        ["/pingan.registry.v1.Units/ListDescendants"] = () => new ListDescendantsRequest { Code = Kaifeng },
        ["/pingan.registry.v1.Units/SearchUnits"] = () => new SearchUnitsRequest { Query = "龙亭", Within = Kaifeng },
        ["/pingan.registry.v1.Units/GetAccountabilityChain"] = () => new GetAccountabilityChainRequest { Code = Longting },
        ["/pingan.registry.v1.Units/GetCommissionForUnit"] = () => new GetCommissionForUnitRequest { Code = Longting, Relation = CommissionRelation.OneLevelUp },
        ["/pingan.registry.v1.Leadership/AppointLeader"] = () => new AppointLeaderRequest
            { CorrectionReason = "补录历史任职记录", Name = "赵三", LeaderId = upward ? _kaifengLeaderId : "", UnitCode = Longting, Role = LeadershipRole.DualDuty, Portfolio = "平安建设", StartsOn = "2025-01-01" },
        ["/pingan.registry.v1.Leadership/EndTerm"] = () => new EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = _termId, EndsOn = "2026-01-31", Reason = "walk" },
        ["/pingan.registry.v1.Leadership/ChangeRole"] = () => new ChangeRoleRequest { CorrectionReason = "补录历史任职记录", TermId = _termId, Role = LeadershipRole.InCharge, Portfolio = "政法", EffectiveOn = "2025-06-01" },
        ["/pingan.registry.v1.Leadership/ListHolders"] = () => new ListHoldersRequest { UnitCode = Longting },
        ["/pingan.registry.v1.Leadership/GetAccountability"] = () => new GetAccountabilityRequest { LeaderId = _leaderId },
        ["/pingan.registry.v1.Leadership/GetLeader"] = () => new GetLeaderRequest { LeaderId = _leaderId },
        ["/pingan.registry.v1.Commissions/EstablishCommission"] = () => new EstablishCommissionRequest { JurisdictionCode = Longting, Name = "平安龙亭建设领导小组", EstablishedOn = "2025-03-01" },
        ["/pingan.registry.v1.Commissions/GetCommission"] = () => new GetCommissionRequest { JurisdictionCode = Kaifeng },
        ["/pingan.registry.v1.Commissions/ListCommissions"] = () => new ListCommissionsRequest { WithinCode = Kaifeng },
        ["/pingan.registry.v1.Commissions/AddMemberUnit"] = () => new MemberUnitRequest { JurisdictionCode = Kaifeng, UnitCode = KaifengPsb, EffectiveOn = "2025-04-01" },
        ["/pingan.registry.v1.Commissions/RemoveMemberUnit"] = () => new MemberUnitRequest { JurisdictionCode = Kaifeng, UnitCode = KaifengPsb, EffectiveOn = "2025-05-01" },
        ["/pingan.registry.v1.Commissions/AppointCommissionMember"] = () => new CommissionMemberRequest { JurisdictionCode = Kaifeng, LeaderId = _leaderId, Position = "成员" },
        ["/pingan.registry.v1.Integration/ImportUnits"] = () => new ImportUnitsRequest { Units = { Unit("410202002000", "北道门街道", "township", Longting) } },
        ["/pingan.registry.v1.Integration/ImportUnitsCsv"] = () => Csv("code,name,parent_code,level\n410202003000,城东街道,410202000000,township\n"),
        ["/pingan.registry.v1.Integration/ImportTerms"] = () => new ImportTermsRequest { Terms = { Term("walk-1") } },
        ["/pingan.registry.v1.Integration/ImportTermsCsv"] = () => Csv("appointment_id,person_id,person_name,unit_code,role,starts_on\nwalk-2,p-2,钱四,410202000000,DualDuty,2025-01-01\n"),
        ["/pingan.registry.v1.Integration/SubmitPersonnelChanges"] = () => new PersonnelChangesRequest { Source = "walk", Changes = { new PersonnelChange { ChangeId = "c-1", Appointment = Term("walk-3") } } },
        ["/pingan.letters.v1.Templates/CreateTemplate"] = () => new Letters.Api.CreateTemplateRequest
        {
            Year = 2026, IssuerCode = Kaifeng, Title = "2026年度目标责任书",
            Targets = { new Letters.Api.TargetDraft { Code = "1", Indicator = "矛盾纠纷化解率", TargetValue = "95", UnitOfMeasure = "%", EvidenceRequired = "台账", Weight = "100" } },
        },
        ["/pingan.letters.v1.Templates/GetTemplate"] = () => new Letters.Api.GetTemplateRequest { TemplateId = _templateId },
        ["/pingan.letters.v1.Templates/ListTemplates"] = () => new Letters.Api.ListTemplatesRequest { IssuerCode = Kaifeng },
        ["/pingan.letters.v1.Letters/IssueLetters"] = () => new Letters.Api.IssueLettersRequest { TemplateId = _templateId },
        ["/pingan.letters.v1.Letters/GetLetter"] = () => new Letters.Api.GetLetterRequest { LetterId = letterId },
        ["/pingan.letters.v1.Letters/ListLetters"] = () => new Letters.Api.ListLettersRequest { UnitCode = listed, Side = side },
        ["/pingan.letters.v1.Letters/GetCoverage"] = () => new Letters.Api.GetCoverageRequest { UnitCode = Kaifeng, Year = 2026 },
        ["/pingan.letters.v1.Letters/GetCanonicalForm"] = () => new Letters.Api.GetCanonicalFormRequest { LetterId = letterId },
        ["/pingan.letters.v1.Letters/AmendLetter"] = () => new Letters.Api.AmendLetterRequest
        {
            LetterId = letterId, Reason = "调整", Changes = { new Letters.Api.TargetChange { Code = "1", TargetValue = "96" } },
        },
        ["/pingan.letters.v1.Letters/GetSigningProgress"] = () => new Letters.Api.GetSigningProgressRequest { UnitCode = Kaifeng, Year = 2026 },
        ["/pingan.letters.v1.Letters/VerifyLetter"] = () => new Letters.Api.VerifyLetterRequest { LetterId = letterId },
        // Signed by 孙五, Longting's principal, with a key never enrolled: refused for the caller first, then for the key.
        ["/pingan.letters.v1.Letters/SignLetter"] = () => new Letters.Api.SignLetterRequest
        {
            LetterId = letterId, Side = Letters.Api.Side.Receiver, LeaderId = leaderId, SignedOn = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            Signature = Google.Protobuf.ByteString.CopyFrom(new byte[70]),
        },
        ["/pingan.letters.v1.Progress/UploadEvidence"] = () => new Letters.Api.UploadEvidenceRequest { LetterId = letterId, TargetCode = "1", FileName = "台账.pdf", File = SamplePdf },
        ["/pingan.letters.v1.Progress/GetEvidence"] = () => new Letters.Api.GetEvidenceRequest { EvidenceId = evidenceId },
        ["/pingan.letters.v1.Progress/ReportProgress"] = () => new Letters.Api.ReportProgressRequest
        {
            LetterId = letterId, TargetCode = "1", AsOf = "2026-06-30", AchievedValue = "90", EvidenceIds = { evidenceId },
        },
        ["/pingan.letters.v1.Progress/GetLetterProgress"] = () => new Letters.Api.GetLetterProgressRequest { LetterId = letterId },
        ["/pingan.letters.v1.Progress/CompleteLetter"] = () => new Letters.Api.CompleteLetterRequest
        {
            LetterId = letterId, Results = { new Letters.Api.TargetResult { Code = "1", CompletionPercent = "90" } },
        },
        ["/pingan.letters.v1.Progress/ListCompletions"] = () => new Letters.Api.ListCompletionsRequest { UnitCode = listed, Side = side },
        ["/pingan.sanctions.v1.Cases/OpenCase"] = () => new Sanctions.Api.OpenCaseRequest
        {
            SubjectCode = subject, Clause = 4, Source = Sanctions.Api.Source.Incident, Severity = Sanctions.Api.Severity.Ordinary,
            IncidentOn = "2026-05-10", Summary = "群体性事件",
        },
        ["/pingan.sanctions.v1.Cases/GetCase"] = () => new Sanctions.Api.GetCaseRequest { CaseId = caseId },
        ["/pingan.sanctions.v1.Cases/GetCaseFile"] = () => new Sanctions.Api.GetCaseFileRequest { CaseId = caseId },
        ["/pingan.sanctions.v1.Cases/GetCaseFileDocument"] = () => new Sanctions.Api.GetCaseFileRequest { CaseId = caseId },
        ["/pingan.sanctions.v1.Cases/ListCases"] = () => new Sanctions.Api.ListCasesRequest { UnitCode = Kaifeng },
        ["/pingan.sanctions.v1.Cases/ProposeMeasure"] = () => new Sanctions.Api.ProposeMeasureRequest
            { CaseId = caseId, Stage = Sanctions.Api.Stage.Notice, Verification = "经核实" },
        ["/pingan.sanctions.v1.Cases/DecideProposal"] = () => new Sanctions.Api.DecideProposalRequest { CaseId = caseId, Approve = true, DecidedOn = "2026-05-20" },
        ["/pingan.sanctions.v1.Cases/RecordJointMeeting"] = () => new Sanctions.Api.RecordJointMeetingRequest
        {
            CaseId = caseId, HeldOn = "2026-05-14", Minutes = "纪要", ProposesListing = false,
            Attendees = { Enum.GetValues<Sanctions.Api.Department>().Skip(1).Select(d => new Sanctions.Api.Attendee { Department = d, Name = "代表", UnitCode = KaifengPsb }) },
        },
        ["/pingan.sanctions.v1.Cases/RecordInterview"] = () => new Sanctions.Api.RecordInterviewRequest
            { CaseId = caseId, HeldOn = "2026-05-20", Interviewer = "主任", Record = "记录" },
        ["/pingan.sanctions.v1.Cases/SubmitReport"] = () => new Sanctions.Api.SubmitReportRequest
            { CaseId = caseId, Kind = Sanctions.Api.ReportKind.Measures, Text = "整改措施" },
        ["/pingan.sanctions.v1.Cases/ApplyForAcceptance"] = () => new Sanctions.Api.ApplyForAcceptanceRequest { CaseId = caseId, Statement = "申请验收" },
        ["/pingan.sanctions.v1.Cases/CheckAcceptance"] = () => new Sanctions.Api.CheckAcceptanceRequest { CaseId = caseId, Passed = true, Findings = "合格" },
        ["/pingan.sanctions.v1.Cases/ReferCase"] = () => new Sanctions.Api.ReferCaseRequest
            { CaseId = caseId, Measure = Sanctions.Api.Measure.PartyDiscipline, LeaderIds = { leaderId }, Grounds = "负有领导责任" },
        ["/pingan.sanctions.v1.Cases/RecordReferralOutcome"] = () => new Sanctions.Api.RecordReferralOutcomeRequest
            { CaseId = caseId, ReferralId = SampleReferral, Outcome = "警告", DecidedOn = "2026-05-20" },
        ["/pingan.sanctions.v1.Cases/RecordCircumstance"] = () => new Sanctions.Api.RecordCircumstanceRequest
            { CaseId = caseId, Circumstance = Sanctions.Api.Circumstance.Cooperation, Description = "主动说明情况", Evidence = "笔录" },
        ["/pingan.sanctions.v1.Cases/ProposeListingBatch"] = () => new Sanctions.Api.ProposeListingBatchRequest
        {
            Year = 2026, HeldOn = "2026-05-12", Minutes = "纪要",
            Attendees = { Enum.GetValues<Sanctions.Api.Department>().Skip(1).Select(d => new Sanctions.Api.Attendee { Department = d, Name = "代表", UnitCode = KaifengPsb }) },
            Entries = { new Sanctions.Api.BatchEntry { SubjectCode = subject, Clause = 6, Reasons = "问题突出" } },
        },
        ["/pingan.sanctions.v1.Cases/NameFollowUpLeader"] = () => new Sanctions.Api.NameFollowUpLeaderRequest { CaseId = caseId, LeaderId = leaderId },
        ["/pingan.sanctions.v1.Cases/DismissCase"] = () => new Sanctions.Api.DismissCaseRequest { CaseId = caseId, Reasons = "不属实" },
        ["/pingan.letters.v1.SigningKeys/CreateEnrolmentChallenge"] = () => new Letters.Api.CreateEnrolmentChallengeRequest { LeaderId = leaderId },
        // A challenge nobody asked for: refused for the caller first, then for the challenge.
        ["/pingan.letters.v1.SigningKeys/RegisterSigningKey"] = () => new Letters.Api.RegisterSigningKeyRequest
            { LeaderId = leaderId, PublicKey = SamplePublicKey, ChallengeId = SampleReferral, Proof = ByteString.CopyFrom(new byte[70]) },
        ["/pingan.inspections.v1.Inspections/PlanInspection"] = () => InspectionPlan(subject),
        ["/pingan.inspections.v1.Inspections/GetInspection"] = () => new Inspections.Api.GetInspectionRequest { InspectionId = inspectionId },
        ["/pingan.inspections.v1.Inspections/ListInspections"] = () => new Inspections.Api.ListInspectionsRequest { UnitCode = upward ? Province : Kaifeng },
        ["/pingan.inspections.v1.Inspections/RecordVisit"] = () => new Inspections.Api.RecordVisitRequest { InspectionId = inspectionId, TargetCode = subject, VisitedOn = "2026-05-12" },
        ["/pingan.inspections.v1.Inspections/UploadEvidence"] = () => new Inspections.Api.UploadEvidenceRequest
            { InspectionId = inspectionId, UnitCode = subject, FileName = "现场.pdf", File = SamplePdf, CapturedPlace = "现场" },
        ["/pingan.inspections.v1.Inspections/GetEvidence"] = () => new Inspections.Api.GetEvidenceRequest { EvidenceId = photoId },
        ["/pingan.inspections.v1.Inspections/RecordFinding"] = () => InspectionFinding(inspectionId, subject),
        ["/pingan.inspections.v1.Inspections/CompleteInspection"] = () => new Inspections.Api.CompleteInspectionRequest { InspectionId = inspectionId },
        ["/pingan.inspections.v1.Inspections/ReportRectification"] = () => new Inspections.Api.ReportRectificationRequest
            { InspectionId = inspectionId, FindingId = findingId, Report = "已整改", EvidenceIds = { photoId } },
        ["/pingan.inspections.v1.Inspections/VerifyRectification"] = () => new Inspections.Api.VerifyRectificationRequest { InspectionId = inspectionId, FindingId = findingId, Accepted = true },
        ["/pingan.inspections.v1.Inspections/ReferFinding"] = () => new Inspections.Api.ReferFindingRequest
            { InspectionId = inspectionId, FindingId = findingId, Clause = 2, Severity = "ORDINARY", Reasons = "治安问题突出" },
        ["/pingan.inspections.v1.ReportingDuties/GetDutySchedule"] = () => new Inspections.Api.GetDutyScheduleRequest { Year = 2026 },
        ["/pingan.inspections.v1.ReportingDuties/SetDutySchedule"] = () => new Inspections.Api.SetDutyScheduleRequest
        {
            Year = 2030, Reason = "walk",
            Rules = { new Inspections.Api.DutyRule { Kind = "commission-plenary", Title = "全体会议", Article = "Art. 25", Party = Inspections.Api.DutyParty.Commission, DueDates = { "12-31" } } },
        },
        ["/pingan.inspections.v1.ReportingDuties/GenerateDutyCalendar"] = () => new Inspections.Api.GenerateDutyCalendarRequest { Year = 2026 },
        ["/pingan.inspections.v1.ReportingDuties/ListDuties"] = () => new Inspections.Api.ListDutiesRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.inspections.v1.ReportingDuties/SubmitDuty"] = () => new Inspections.Api.SubmitDutyRequest
            { DutyId = upward ? _upDutyId : _dutyId, UnitCode = upward ? Province : Kaifeng, Text = "全体会议纪要" },
        ["/pingan.inspections.v1.ReportingDuties/GetDutyDocument"] = () => new Inspections.Api.GetDutyDocumentRequest { DocumentId = upward ? _upDutyDocumentId : _dutyDocumentId },
        ["/pingan.inspections.v1.ReportingDuties/GetDutyLights"] = () => new Inspections.Api.GetDutyLightsRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.inspections.v1.ReportingDuties/SubmitWorkInformation"] = () => new Inspections.Api.SubmitWorkInformationRequest
            { UnitCode = (upward ? Province : Kaifeng) + "-PSB", Title = "工作信息", Text = "walk" },
        ["/pingan.inspections.v1.ReportingDuties/ListWorkInformation"] = () => new Inspections.Api.ListWorkInformationRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        // Kaifeng's scheme and assessment, and a survey of Kaifeng (recorded by the province, the level above it).
        ["/pingan.assessments.v1.Schemes/GetScheme"] = () => new Assessments.Api.GetSchemeRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Schemes/SetScheme"] = () => AssessmentScheme(Kaifeng),
        ["/pingan.assessments.v1.Assessments/OpenAssessment"] = () => new Assessments.Api.OpenAssessmentRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/ScoreAssessment"] = () => new Assessments.Api.ScoreAssessmentRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/GetAssessment"] = () => new Assessments.Api.GetAssessmentRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/GetRanking"] = () => new Assessments.Api.GetRankingRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/AdjustGrade"] = () => new Assessments.Api.AdjustGradeRequest
            { AssessingCode = Kaifeng, Year = 2026, UnitCode = Longting, Grade = Assessments.Api.Grade.Pass, Reasons = "walk" },
        ["/pingan.assessments.v1.Assessments/ApproveAssessment"] = () => new Assessments.Api.ApproveAssessmentRequest { AssessingCode = Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/PublishAssessment"] = () => new Assessments.Api.PublishAssessmentRequest { AssessingCode = Kaifeng, Year = 2026, Distribution = { Longting } },
        ["/pingan.assessments.v1.Assessments/RecordAssessorScore"] = () => new Assessments.Api.RecordAssessorScoreRequest
            { AssessingCode = Kaifeng, Year = 2026, UnitCode = Longting, IndicatorCode = "overall-assessor", Points = 8, Reasons = "walk", Evidence = { "walk" } },
        ["/pingan.assessments.v1.Surveys/RecordSurvey"] = () => new Assessments.Api.RecordSurveyRequest
            { Year = 2026, UnitCode = Kaifeng, SampleSize = 1000, Satisfied = 950, ConductedBy = "调查队", ConductedOn = "2026-11-20" },
        ["/pingan.assessments.v1.Surveys/ListSurveys"] = () => new Assessments.Api.ListSurveysRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Inputs/ListInputs"] = () => new Assessments.Api.ListInputsRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/RecordExtraSalary"] = () => new Assessments.Api.RecordExtraSalaryRequest
            { AssessingCode = upward ? Province : Kaifeng, Year = 2026, UnitCodes = { Longting }, Document = "walk", DecidedOn = "2026-11-30" },
        ["/pingan.assessments.v1.Assessments/ListProblems"] = () => new Assessments.Api.ListProblemsRequest { AssessingCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Assessments/GetExtraSalaryList"] = () => new Assessments.Api.GetExtraSalaryListRequest { AssessingCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Commendations/ProposeCommendation"] = () => new Assessments.Api.ProposeCommendationRequest
        {
            CommendingCode = upward ? Province : Kaifeng, Year = 2026, Kind = Assessments.Api.CommendationKind.AdvancedUnit, UnitCode = Longting, Title = "先进单位", Citation = "walk",
        },
        ["/pingan.assessments.v1.Commendations/StudyCommendations"] = () => new Assessments.Api.StudyCommendationsRequest
        {
            CommendingCode = upward ? Province : Kaifeng, Year = 2026, HeldOn = "2026-11-30", Minutes = "walk",
            Attendees =
            {
                new[] { Assessments.Api.JointMeetingDepartment.DeptCommission, Assessments.Api.JointMeetingDepartment.DeptDiscipline, Assessments.Api.JointMeetingDepartment.DeptOrganisation,
                    Assessments.Api.JointMeetingDepartment.DeptPersonnel, Assessments.Api.JointMeetingDepartment.DeptSupervision }
                    .Select(d => new Assessments.Api.CommendationAttendee { Department = d, Name = "walk" }),
            },
            Opinions = { new Assessments.Api.StudyOpinion { CommendationId = upward ? _upCommendationId : _commendationId, Endorses = true } },
        },
        ["/pingan.assessments.v1.Commendations/DecideCommendation"] = () => new Assessments.Api.DecideCommendationRequest
            { CommendingCode = upward ? Province : Kaifeng, Year = 2026, CommendationId = upward ? _upCommendationId : _commendationId, Reasons = "walk" },
        ["/pingan.assessments.v1.Commendations/ListCommendations"] = () => new Assessments.Api.ListCommendationsRequest { CommendingCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.assessments.v1.Commendations/GetEligibility"] = () => new Assessments.Api.GetEligibilityRequest { UnitCode = upward ? Province : Kaifeng },
        ["/pingan.assessments.v1.Recognition/RecommendPromotion"] = () => new Assessments.Api.RecommendPromotionRequest
        {
            RecommendingCode = upward ? Province : Kaifeng, UnitCode = upward ? Kaifeng : Longting, CommendedYear = 2026, CommendationDocument = "walk", Recipients = { Kaifeng },
            Title = upward ? Assessments.Api.NationalTitle.NationalExcellentCity : Assessments.Api.NationalTitle.NationalAdvancedCounty,
        },
        ["/pingan.assessments.v1.Recognition/ListPromotionRecommendations"] = () => new Assessments.Api.ListPromotionRecommendationsRequest { RecommendingCode = upward ? Province : Kaifeng },
        ["/pingan.assessments.v1.Recognition/GetPromotionRecommendationDocument"] = () => new Assessments.Api.GetPromotionRecommendationRequest
            { RecommendationId = upward ? _upRecommendationId : _recommendationId },
        ["/pingan.assessments.v1.Recognition/RecordFundAward"] = () => new Assessments.Api.RecordFundAwardRequest
            { Year = 2026, UnitCode = upward ? Kaifeng : Longting, Amount = "1000", Purpose = "walk", Document = "walk" },
        ["/pingan.assessments.v1.Recognition/ListFundAwards"] = () => new Assessments.Api.ListFundAwardsRequest { UnitCode = upward ? Province : Kaifeng, Year = 2026 },
        ["/pingan.inspections.v1.Incidents/ReportIncident"] = () => Incident(subject),
        ["/pingan.inspections.v1.Incidents/GetIncident"] = () => new Inspections.Api.GetIncidentRequest { IncidentId = upward ? _upIncidentId : _incidentId },
        ["/pingan.inspections.v1.Incidents/ListIncidents"] = () => new Inspections.Api.ListIncidentsRequest { UnitCode = upward ? Province : Kaifeng },
        ["/pingan.inspections.v1.Incidents/ReferIncident"] = () => new Inspections.Api.ReferIncidentRequest
            { IncidentId = upward ? _upIncidentId : _incidentId, Clause = 4, Severity = "ORDINARY", Reasons = "处置不力" },
        ["/pingan.archives.v1.Archives/GetArchive"] = () => new Archives.Api.GetArchiveRequest { LeaderId = upward ? _upArchivedId : _archivedId },
        ["/pingan.archives.v1.Archives/ListArchives"] = () => new Archives.Api.ListArchivesRequest { KeeperCode = upward ? Province : Kaifeng },
        ["/pingan.archives.v1.Archives/SetYearlyGrade"] = () => new Archives.Api.SetYearlyGradeRequest
            { LeaderId = upward ? _upArchivedId : _archivedId, Year = 2026, KeeperCode = upward ? Province : Kaifeng, Grade = Archives.Api.ArchiveGrade.Pass, Reasons = "walk" },
        ["/pingan.archives.v1.Consultations/Consult"] = () => new Archives.Api.ConsultRequest
            { LeaderId = upward ? _upArchivedId : _archivedId, AsOf = "2026-01-01", Purpose = Archives.Api.ConsultationPurpose.Promotion },
        ["/pingan.archives.v1.Consultations/GetConsultation"] = () => new Archives.Api.GetConsultationRequest { ConsultationId = upward ? _upConsultationId : _consultationId },
        ["/pingan.archives.v1.Consultations/GetConsultationOpinion"] = () => new Archives.Api.GetConsultationRequest { ConsultationId = upward ? _upConsultationId : _consultationId },
        ["/pingan.archives.v1.Consultations/ListSigningKeys"] = () => new Archives.Api.ListSigningKeysRequest(),
        ["/pingan.archives.v1.Consultations/VerifyConsultation"] = () => new Archives.Api.VerifyConsultationRequest
            { SignedBody = "{}", Signature = Convert.ToBase64String(new byte[70]), KeyId = "0000000000000000" },
        ["/pingan.audit.v1.AuditLog/ListEntries"] = () => new Pingan.Audit.Api.ListEntriesRequest(),
        ["/pingan.audit.v1.AuditLog/VerifyChain"] = () => new Pingan.Audit.Api.VerifyChainRequest(),
        ["/pingan.rules.v1.RegulationRules/ListRules"] = () => new Pingan.Rules.Api.ListRulesRequest(),
        ["/pingan.events.v1.EventLog/ListEvents"] = () => new Pingan.EventLog.Api.ListEventsRequest(),
        // The province's office gets past the guard to a refusal of the reading: the walk changes nothing.
        ["/pingan.rules.v1.RegulationRules/SetRule"] = () => new Pingan.Rules.Api.SetRuleRequest
            { Name = "escalation.acceptance-grace", Reading = "ten", EffectiveFrom = "2099-01-01", Reason = "walk" },
    };
    }

    /// <summary>A scheme over the three parts of Art. 20, summing to 100.</summary>
    private static Assessments.Api.SetSchemeRequest AssessmentScheme(string level)
    {
        var request = new Assessments.Api.SetSchemeRequest { AssessingCode = level, Year = 2026, ExcellentFrom = 90, PassFrom = 60, Reason = "walk" };
        foreach (var (code, part, weight, source) in new[]
        {
            ("survey", Assessments.Api.Part.OverallWork, 40.0, Assessments.Api.Source.SecuritySurvey),
            ("letters", Assessments.Api.Part.LetterCompletion, 30.0, Assessments.Api.Source.LettersCompletion),
            ("duties", Assessments.Api.Part.LeadershipSystem, 30.0, Assessments.Api.Source.DutyCompliance),
        })
            request.Indicators.Add(new Assessments.Api.Indicator { Code = code, Title = code, Part = part, Weight = weight, Source = source, Parameters = { ["full_at"] = 90 } });
        return request;
    }

    private static Inspections.Api.PlanInspectionRequest InspectionPlan(string target, Inspections.Api.Form form = Inspections.Api.Form.Special) => new()
    {
        Form = form, Year = 2026, Title = "平安建设督查", WorkItem = "矛盾纠纷排查化解", StartsOn = "2026-05-11", EndsOn = "2026-05-29", TargetCodes = { target },
        Team = { new Inspections.Api.TeamMember { Subject = "walk-inspector", Name = "督查员", UnitCode = Province } },
    };

    private static Inspections.Api.ReportIncidentRequest Incident(string place) => new()
    {
        Category = Inspections.Api.IncidentCategory.MassIncident, OccurredAt = "2026-05-10T09:00:00+08:00", PlaceCode = place,
        Severity = Inspections.Api.FindingSeverity.Serious, Summary = "群体性事件", ReporterName = "群众来信",
    };

    private static Inspections.Api.RecordFindingRequest InspectionFinding(string inspectionId, string target) => new()
    {
        InspectionId = inspectionId, TargetCode = target, Concern = new Inspections.Api.Concern { Kind = Inspections.Api.ConcernKind.Art31Clause, Clause = 2 },
        Severity = Inspections.Api.FindingSeverity.Serious, Description = "治安秩序混乱", ObservedOn = "2026-05-12", RectificationDemand = "限期整改", RectificationWorkingDays = 20,
    };

    [Fact]
    public async Task Every_method_of_every_service_refuses_no_token_another_jurisdiction_and_a_wrong_role()
    {
        var samples = Samples();
        var outsider = await TokenAsync("walk-outsider", Zhongyuan, AllRoles);
        var noRole = await TokenAsync("walk-no-role", Province);
        var readOnly = await TokenAsync("walk-read-only", Province, ReadOnlyRoles);
        var wrongRoleTokens = new Dictionary<string, string>();
        foreach (var (method, roles) in WrongRolesFor)
            wrongRoleTokens[method] = await TokenAsync("walk-wrong-" + wrongRoleTokens.Count, Province, roles);
        var everything = await TokenAsync("walk-province", Province, AllRoles);
        var controls = new Dictionary<string, string> { [Province] = everything };
        foreach (var jurisdiction in ControlFor.Values.Distinct())
            controls[jurisdiction] = await TokenAsync("walk-control-" + jurisdiction, jurisdiction, AllRoles);

        var problems = new List<string>();
        var walked = 0;
        var changesBefore = await SucceededChangesAsync();
        foreach (var host in Hosts)
        {
            foreach (var method in MethodsOf(host))
            {
                if (!samples.TryGetValue(method.FullName, out var sample))
                {
                    problems.Add($"{method.FullName}: no sample request in EveryMethodTests; add one that targets Kaifeng");
                    continue;
                }
                walked++;
                var isQuery = AuditServiceCollectionExtensions.IsQuery(method.FullName);
                Expect(problems, method, "no token", await CallAsync(host, method, sample(), null), StatusCode.Unauthenticated);
                if (FilteredLists.Contains(method.FullName))
                    ExpectEmpty(problems, method, "中原区 with every role", await CallForBytesAsync(host, method, sample(), outsider));
                else if (OpenReads.Contains(method.FullName))
                    Expect(problems, method, "中原区 with every role", await CallAsync(host, method, sample(), outsider), StatusCode.OK);
                else
                    Expect(problems, method, "中原区 with every role", await CallAsync(host, method, sample(), outsider), StatusCode.PermissionDenied);
                Expect(problems, method, isQuery ? "the province without a role" : "the province with read-only roles",
                    await CallAsync(host, method, sample(), isQuery ? noRole : wrongRoleTokens.GetValueOrDefault(method.FullName, readOnly)), StatusCode.PermissionDenied);
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The audit log (two methods) is on every service, the event log (one) on the five that publish events.
        Assert.Equal(samples.Count + 2 * (Hosts.Length - 1) + 4, walked);
        Assert.Equal(changesBefore, await SucceededChangesAsync());

        // The same requests from the province get past the guard: the refusals above were for the caller.
        foreach (var host in Hosts)
        foreach (var method in MethodsOf(host))
        {
            var status = await CallAsync(host, method, samples[method.FullName](), controls[ControlFor.GetValueOrDefault(method.FullName, Province)]);
            if (status is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.Internal or StatusCode.Unknown)
                problems.Add($"{method.FullName} as the province: {status}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Issue 11: 龙亭区's office, holding every role, reaches none of the business records of its city or the
    /// province (letters, evidence, templates, cases, case files), cannot change its own standing, dissolve itself,
    /// seat Kaifeng's leader in its party committee or enrol that leader's key; and nothing changes. The same
    /// requests from the level that may make them get past the guard.
    /// </summary>
    [Fact]
    public async Task A_county_reaches_no_business_record_above_it_changes_no_standing_of_its_own_and_binds_no_higher_leader_Issue11()
    {
        var samples = Samples(upward: true);
        var county = await TokenAsync("walk-county", Longting, AllRoles);
        var controls = new Dictionary<string, string>
        {
            [Province] = await TokenAsync("walk-up-province", Province, AllRoles),
            [Kaifeng] = await TokenAsync("walk-up-kaifeng", Kaifeng, AllRoles),
        };
        var walked = UpwardMethods().ToList();
        Assert.True(walked.Count >= 40, $"only {walked.Count} methods walked");
        var problems = new List<string>();
        var changesBefore = await SucceededChangesAsync();
        foreach (var (host, method) in walked)
        {
            if (FilteredLists.Contains(method.FullName))
                ExpectEmpty(problems, method, "龙亭区 with every role, upward", await CallForBytesAsync(host, method, samples[method.FullName](), county));
            else
                Expect(problems, method, "龙亭区 with every role, upward", await CallAsync(host, method, samples[method.FullName](), county), StatusCode.PermissionDenied);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(changesBefore, await SucceededChangesAsync());

        foreach (var (host, method) in walked)
        {
            var status = await CallAsync(host, method, samples[method.FullName](), controls[UpwardControlFor.GetValueOrDefault(method.FullName, Province)]);
            if (status is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.Internal or StatusCode.Unknown)
                problems.Add($"{method.FullName} upward, by its own level: {status}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Read upward by the units a level assesses, as organisation facts are: the standards they are assessed by (Art. 19).</summary>
    private static readonly string[] PublishedUpward = ["/pingan.assessments.v1.Schemes/GetScheme"];

    /// <summary>Every letters, sanctions, inspections, assessments and archives method (but what is published upward), and the registry's standing and leader changes.</summary>
    private IEnumerable<(ServiceHost Host, IMethod Method)> UpwardMethods() =>
        new[] { _letters, _sanctions, _inspections, _assessments, _archives }.SelectMany(host => MethodsOf(host)
                .Where(m => !m.FullName.StartsWith("/pingan.audit.", StringComparison.Ordinal) && !m.FullName.StartsWith("/pingan.rules.", StringComparison.Ordinal)
                    && !OpenReads.Contains(m.FullName) && !PublishedUpward.Contains(m.FullName))
                .Select(m => (host, m)))
            .Concat(MethodsOf(_registry).Where(m => UpwardRegistryChanges.Contains(m.FullName)).Select(m => (_registry, m)));

    /// <summary>
    /// Issue 11: a list returns the rows the caller may read one by one. Kaifeng lists the province's issued
    /// letters and gets its own, not Zhengzhou's; 龙亭区 lists them and gets none; 龙亭区 lists its cases and gets
    /// the one against itself, never the one against Kaifeng; 龙亭区 reads Kaifeng's organisation facts but not
    /// the list of Kaifeng's draft templates.
    /// </summary>
    [Fact]
    public async Task Each_list_returns_only_the_rows_the_caller_may_read_Issue11()
    {
        CallOptions As(string token) => new(new Metadata { { "Authorization", "Bearer " + token } });
        var kaifeng = As(await TokenAsync("list-kaifeng", Kaifeng, AllRoles));
        var county = As(await TokenAsync("list-county", Longting, AllRoles));
        var province = As(await TokenAsync("list-province", Province, AllRoles));
        var letters = new Letters.Api.Letters.LettersClient(_letters.Channel);
        var issued = new Letters.Api.ListLettersRequest { UnitCode = Province, Side = Letters.Api.LetterSide.Issued };

        var all = (await letters.ListLettersAsync(issued, province)).Letters;
        Assert.Equal([Zhengzhou, Kaifeng], all.Select(l => l.ReceiverCode).Order());
        Assert.Equal([_upLetterId], (await letters.ListLettersAsync(issued, kaifeng)).Letters.Select(l => l.LetterId));
        Assert.Empty((await letters.ListLettersAsync(issued, county)).Letters);
        Assert.Equal([_letterId], (await letters.ListLettersAsync(new Letters.Api.ListLettersRequest { UnitCode = Kaifeng, Side = Letters.Api.LetterSide.Issued }, county)).Letters.Select(l => l.LetterId));

        var cases = new Sanctions.Api.Cases.CasesClient(_sanctions.Channel);
        Assert.Equal([_caseId], (await cases.ListCasesAsync(new Sanctions.Api.ListCasesRequest { UnitCode = Longting }, county)).Cases.Select(c => c.CaseId));
        Assert.Equal([_caseId, _upCaseId], (await cases.ListCasesAsync(new Sanctions.Api.ListCasesRequest { UnitCode = Kaifeng }, kaifeng)).Cases.Select(c => c.CaseId).Order());
        var refused = await Assert.ThrowsAsync<RpcException>(() => cases.ListCasesAsync(new Sanctions.Api.ListCasesRequest { UnitCode = Kaifeng }, county).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);

        var units = new Units.UnitsClient(_registry.Channel);
        Assert.Equal("开封市", (await units.GetUnitAsync(new GetUnitRequest { Code = Kaifeng }, county)).Name);
        var templates = new Letters.Api.Templates.TemplatesClient(_letters.Channel);
        refused = await Assert.ThrowsAsync<RpcException>(() => templates.ListTemplatesAsync(new Letters.Api.ListTemplatesRequest { IssuerCode = Kaifeng }, county).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("read business records", refused.Status.Detail);
    }

    /// <summary>
    /// Issue 11 "change how a unit answers": 龙亭区 may rename itself but not move itself, make itself
    /// province-direct or dissolve itself; Kaifeng may not make it province-direct either (it would then answer to
    /// the province, outside Kaifeng); the province may. 中原区 (Zhengzhou's) cannot be moved under Kaifeng by Kaifeng.
    /// </summary>
    [Fact]
    public async Task A_unit_never_changes_its_own_standing_and_province_direct_is_the_provinces_Issue11()
    {
        CallOptions As(string token) => new(new Metadata { { "Authorization", "Bearer " + token } });
        var county = As(await TokenAsync("standing-county", Longting, CommissionOffice));
        var kaifeng = As(await TokenAsync("standing-kaifeng", Kaifeng, CommissionOffice));
        var province = As(await TokenAsync("standing-province", Province, CommissionOffice));
        var units = new Units.UnitsClient(_registry.Channel);
        async Task Denied(UpdateUnitRequest request, CallOptions who, string rule)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => units.UpdateUnitAsync(request, who).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
            Assert.Contains(rule, e.Status.Detail);
        }

        Assert.Equal("龙亭区（新）", (await units.UpdateUnitAsync(new UpdateUnitRequest { Code = Longting, Name = "龙亭区（新）" }, county)).Name);
        await Denied(new UpdateUnitRequest { Code = Longting, ProvinceDirect = true }, county, "change how a unit answers");
        await Denied(new UpdateUnitRequest { Code = Longting, ParentCode = Province }, county, "change how a unit answers");
        var dissolve = await Assert.ThrowsAsync<RpcException>(() => units.DissolveUnitAsync(new DissolveUnitRequest { Code = Longting, Reason = "self" }, county).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, dissolve.StatusCode);
        await Denied(new UpdateUnitRequest { Code = Longting, ProvinceDirect = true }, kaifeng, "change how a unit answers");
        await Denied(new UpdateUnitRequest { Code = Zhongyuan, ParentCode = Kaifeng }, kaifeng, "act on a unit");
        Assert.Equal([Longting, Kaifeng, Province], (await units.GetAccountabilityChainAsync(new GetAccountabilityChainRequest { Code = Longting }, province)).Codes);

        await units.UpdateUnitAsync(new UpdateUnitRequest { Code = Longting, ProvinceDirect = true }, province);
        Assert.Equal([Longting, Province], (await units.GetAccountabilityChainAsync(new GetAccountabilityChainRequest { Code = Longting }, province)).Codes);
    }

    /// <summary>
    /// Issue 11: each service is its own token audience. A token a system got for the registry alone
    /// (scope pingan.registry) reads the registry and is refused by the letters and sanctions services; one for
    /// the letters service (pingan.letters) also reaches the registry the letters service calls on it.
    /// </summary>
    [Fact]
    public async Task A_token_for_one_service_is_refused_by_the_others_Issue11()
    {
        var registryOnly = new Metadata { { "Authorization", "Bearer " + await IdentityTokens.ScopedTokenAsync(_identity, "audience-registry", Province, "pingan.registry", CommissionOffice) } };
        Assert.Equal("开封市", (await new Units.UnitsClient(_registry.Channel).GetUnitAsync(new GetUnitRequest { Code = Kaifeng }, registryOnly)).Name);
        var letters = await Assert.ThrowsAsync<RpcException>(() => new Letters.Api.Templates.TemplatesClient(_letters.Channel)
            .ListTemplatesAsync(new Letters.Api.ListTemplatesRequest { IssuerCode = Kaifeng }, registryOnly).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, letters.StatusCode);
        var sanctions = await Assert.ThrowsAsync<RpcException>(() => new Sanctions.Api.Cases.CasesClient(_sanctions.Channel)
            .ListCasesAsync(new Sanctions.Api.ListCasesRequest { UnitCode = Kaifeng }, registryOnly).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, sanctions.StatusCode);

        var lettersOnly = new Metadata { { "Authorization", "Bearer " + await IdentityTokens.ScopedTokenAsync(_identity, "audience-letters", Province, "pingan.letters", CommissionOffice) } };
        Assert.NotEmpty((await new Letters.Api.Templates.TemplatesClient(_letters.Channel).ListTemplatesAsync(new Letters.Api.ListTemplatesRequest { IssuerCode = Kaifeng }, lettersOnly)).Templates);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Sanctions.Api.Cases.CasesClient(_sanctions.Channel)
            .ListCasesAsync(new Sanctions.Api.ListCasesRequest { UnitCode = Kaifeng }, lettersOnly).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    /// <summary>Every service in services/ is started by this test: a new one must be added to it to be walked.</summary>
    [Fact]
    public void Every_service_of_the_platform_is_walked()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var services = Directory.GetDirectories(Path.Combine(root.FullName, "services"))
            .Select(d => Path.GetFileName(d)!)
            // The portal serves pages, not gRPC: it calls these services on the person's own token, so the rules walked
            // here hold for it too; its own refusals (sign-in first, a crafted URL) are walked in Pingan.Portal.Tests.
            .Where(n => n is not ("Pingan.AppHost" or "Pingan.Portal") && !n.EndsWith(".Contracts", StringComparison.Ordinal))
            .Order().ToArray();
        Assert.Equal(["Pingan.Archives", "Pingan.Assessments", "Pingan.Identity", "Pingan.Inspections", "Pingan.Letters", "Pingan.Registry", "Pingan.Sanctions"], services);
    }

    /// <summary>
    /// Issue 13: Kaifeng's covert inspection of 龙亭区, not yet completed, does not exist for 龙亭区's own office holding every
    /// role, nor for the province's (whose jurisdiction holds it): every call about it answers NotFound, exactly as for an
    /// id that never existed, and its lists do not show it. Kaifeng's office, its insider, gets past the same calls.
    /// </summary>
    [Fact]
    public async Task A_covert_inspection_does_not_exist_for_the_inspected_units_own_office_holding_every_role_Issue13()
    {
        var inspected = await TokenAsync("covert-longting", Longting, AllRoles);
        var above = await TokenAsync("covert-province", Province, AllRoles);
        var office = await TokenAsync("covert-kaifeng", Kaifeng, AllRoles);
        IMessage Covert(string method) => method switch
        {
            "GetInspection" => new Inspections.Api.GetInspectionRequest { InspectionId = _covertId },
            "RecordVisit" => new Inspections.Api.RecordVisitRequest { InspectionId = _covertId, TargetCode = Longting, VisitedOn = "2026-05-12" },
            "UploadEvidence" => new Inspections.Api.UploadEvidenceRequest { InspectionId = _covertId, UnitCode = Longting, FileName = "x.pdf", File = SamplePdf },
            "GetEvidence" => new Inspections.Api.GetEvidenceRequest { EvidenceId = _covertPhotoId },
            "RecordFinding" => InspectionFinding(_covertId, Longting),
            "CompleteInspection" => new Inspections.Api.CompleteInspectionRequest { InspectionId = _covertId },
            "ReportRectification" => new Inspections.Api.ReportRectificationRequest { InspectionId = _covertId, FindingId = _covertFindingId, Report = "已整改", EvidenceIds = { _covertPhotoId } },
            "VerifyRectification" => new Inspections.Api.VerifyRectificationRequest { InspectionId = _covertId, FindingId = _covertFindingId, Accepted = true },
            "ReferFinding" => new Inspections.Api.ReferFindingRequest { InspectionId = _covertId, FindingId = _covertFindingId, Clause = 2, Severity = "ORDINARY", Reasons = "问题" },
            _ => throw new InvalidOperationException(method),
        };
        var methods = MethodsOf(_inspections).Where(m => m.ServiceName == "pingan.inspections.v1.Inspections" && m.Name is not ("PlanInspection" or "ListInspections")).ToList();
        Assert.Equal(9, methods.Count);
        var problems = new List<string>();
        var changesBefore = await SucceededChangesAsync();
        foreach (var method in methods)
        {
            Expect(problems, method, "龙亭区 with every role", await CallAsync(_inspections, method, Covert(method.Name), inspected), StatusCode.NotFound);
            Expect(problems, method, "the province with every role", await CallAsync(_inspections, method, Covert(method.Name), above), StatusCode.NotFound);
        }
        // Their lists show Kaifeng's open inspection of 龙亭区, never the covert one.
        var client = new Inspections.Api.Inspections.InspectionsClient(_inspections.Channel);
        foreach (var (token, who) in new[] { (inspected, "龙亭区 with every role"), (above, "the province with every role") })
        {
            var listed = (await client.ListInspectionsAsync(new Inspections.Api.ListInspectionsRequest { UnitCode = Longting },
                new CallOptions(new Metadata { { "Authorization", "Bearer " + token } }))).Inspections.Select(i => i.InspectionId).ToList();
            if (!listed.SequenceEqual([_inspectionId])) problems.Add($"ListInspections by {who}: [{string.Join(", ", listed)}], expected only {_inspectionId}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(changesBefore, await SucceededChangesAsync());
        // Its insider reads it (the other calls were refused for the caller, not for the id).
        Assert.Equal(StatusCode.OK, await CallAsync(_inspections, methods.Single(m => m.Name == "GetInspection"), Covert("GetInspection"), office));
        Assert.Equal(StatusCode.OK, await CallAsync(_inspections, methods.Single(m => m.Name == "GetEvidence"), Covert("GetEvidence"), office));
    }

    private ServiceHost[] Hosts => [_identity, _registry, _letters, _sanctions, _inspections, _assessments, _archives];

    private static void Expect(List<string> problems, IMethod method, string who, StatusCode actual, StatusCode expected)
    {
        if (actual != expected) problems.Add($"{method.FullName} by {who}: {actual}, expected {expected}");
    }

    /// <summary>The unary gRPC methods a running service maps.</summary>
    private static List<IMethod> MethodsOf(ServiceHost host) =>
        [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method)
            .OfType<IMethod>()
            .Where(m => m.Type == MethodType.Unary)
            .DistinctBy(m => m.FullName)
            .OrderBy(m => m.FullName, StringComparer.Ordinal)];

    /// <summary>A list answered with no rows: an empty message is zero bytes on the wire.</summary>
    private static void ExpectEmpty(List<string> problems, IMethod method, string who, (StatusCode Status, byte[] Response) answer)
    {
        if (answer.Status != StatusCode.OK) problems.Add($"{method.FullName} by {who}: {answer.Status}, expected OK with no rows");
        else if (answer.Response.Length != 0) problems.Add($"{method.FullName} by {who}: rows the caller may not read ({answer.Response.Length} bytes)");
    }

    private static async Task<StatusCode> CallAsync(ServiceHost host, IMethod method, IMessage request, string? token) =>
        (await CallForBytesAsync(host, method, request, token)).Status;

    private static async Task<(StatusCode Status, byte[] Response)> CallForBytesAsync(ServiceHost host, IMethod method, IMessage request, string? token)
    {
        var call = new Method<IMessage, byte[]>(MethodType.Unary, method.ServiceName, method.Name,
            Marshallers.Create<IMessage>(m => m.ToByteArray(), _ => throw new NotSupportedException()),
            Marshallers.Create(b => b, b => b));
        var headers = new Metadata();
        if (token is not null) headers.Add("Authorization", "Bearer " + token);
        try
        {
            return (StatusCode.OK, await host.Channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(headers), request));
        }
        catch (RpcException e)
        {
            return (e.StatusCode, []);
        }
    }

    private Task<string> TokenAsync(string client, string jurisdiction, params string[] roles) => IdentityTokens.TokenAsync(_identity, client, jurisdiction, roles);

    private async Task<int> SucceededChangesAsync()
    {
        await using var scope = _registry.Services.CreateAsyncScope();
        var registry = await scope.ServiceProvider.GetRequiredService<RegistryDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var lettersScope = _letters.Services.CreateAsyncScope();
        registry += await lettersScope.ServiceProvider.GetRequiredService<Letters.Persistence.LettersDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var sanctionsScope = _sanctions.Services.CreateAsyncScope();
        registry += await sanctionsScope.ServiceProvider.GetRequiredService<Sanctions.Persistence.SanctionsDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var inspectionsScope = _inspections.Services.CreateAsyncScope();
        registry += await inspectionsScope.ServiceProvider.GetRequiredService<Inspections.Persistence.InspectionsDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var assessmentsScope = _assessments.Services.CreateAsyncScope();
        registry += await assessmentsScope.ServiceProvider.GetRequiredService<Assessments.Persistence.AssessmentsDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var archivesScope = _archives.Services.CreateAsyncScope();
        registry += await archivesScope.ServiceProvider.GetRequiredService<Archives.Persistence.ArchivesDb>().Set<AuditEntry>().CountAsync(e => e.Outcome == Outcomes.Succeeded);
        await using var identityScope = _identity.Services.CreateAsyncScope();
        return registry + await identityScope.ServiceProvider.GetRequiredService<Pingan.Identity.Persistence.IdentityDb>().Set<AuditEntry>()
            .CountAsync(e => e.Outcome == Outcomes.Succeeded && !e.Action.StartsWith("token/"));
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _identity = await IdentityTokens.StartIdentityAsync(Database.ConnectionString);
        _registry = await ServiceHost.StartAsync(RegistryApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:registry"] = await Database.CreateSiblingAsync("registry"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
        });

        // Kaifeng with a county, a department, a commission and a leader; Zhengzhou with 中原区 for the outsider.
        var office = await TokenAsync("walk-setup", Province, CommissionOffice);
        var invoker = _registry.Channel.CreateCallInvoker();
        var options = new CallOptions(new Metadata { { "Authorization", "Bearer " + office } });
        var report = await new Integration.IntegrationClient(invoker).ImportUnitsAsync(new ImportUnitsRequest
        {
            Units =
            {
                Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
                Unit(Kaifeng, "开封市", "city", Province), Unit(Longting, "龙亭区", "county", Kaifeng), Unit(KaifengPsb, "开封市公安局", "department", Kaifeng),
            },
        }, options);
        Assert.True(report.Applied, string.Join("; ", report.Rows.Select(r => r.Error)));
        await new Commissions.CommissionsClient(invoker).EstablishCommissionAsync(
            new EstablishCommissionRequest { JurisdictionCode = Kaifeng, Name = "开封市综治委", EstablishedOn = "2018-01-01" }, options);
        await new Commissions.CommissionsClient(invoker).AddMemberUnitAsync(
            new MemberUnitRequest { JurisdictionCode = Kaifeng, UnitCode = KaifengPsb, EffectiveOn = "2019-01-01" }, options);
        var organisation = new CallOptions(new Metadata { { "Authorization", "Bearer " + await TokenAsync("walk-setup-organisation", Province, OrganisationLiaison) } });
        var term = await new Leadership.LeadershipClient(invoker).AppointLeaderAsync(
            new AppointLeaderRequest { CorrectionReason = "补录历史任职记录", Name = "孙五", UnitCode = Longting, Role = LeadershipRole.Principal, StartsOn = "2024-01-01" }, organisation);
        (_termId, _leaderId) = (term.TermId, term.LeaderId);
        _kaifengLeaderId = (await new Leadership.LeadershipClient(invoker).AppointLeaderAsync(
            new AppointLeaderRequest { CorrectionReason = "补录历史任职记录", Name = "钱一", UnitCode = Kaifeng, Role = LeadershipRole.Principal, StartsOn = "2024-01-01" }, organisation)).LeaderId;

        _letters = await ServiceHost.StartAsync(Letters.LettersApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:letters"] = await Database.CreateSiblingAsync("letters"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Services:Registry:Grpc"] = $"http://{_registry.Channel.Target}",
        });
        var letterOptions = new CallOptions(new Metadata { { "Authorization", "Bearer " + office } });
        var templates = new Letters.Api.Templates.TemplatesClient(_letters.Channel);
        var issued = await templates.CreateTemplateAsync((Letters.Api.CreateTemplateRequest)Samples()["/pingan.letters.v1.Templates/CreateTemplate"](), letterOptions);
        var letters = await new Letters.Api.Letters.LettersClient(_letters.Channel).IssueLettersAsync(new Letters.Api.IssueLettersRequest { TemplateId = issued.TemplateId }, letterOptions);
        _letterId = letters.Letters.Single().LetterId;
        var longting = new CallOptions(new Metadata { { "Authorization", "Bearer " + await TokenAsync("walk-setup-longting", Longting, CommissionOffice) } });
        _evidenceId = (await new Letters.Api.Progress.ProgressClient(_letters.Channel).UploadEvidenceAsync(
            (Letters.Api.UploadEvidenceRequest)Samples()["/pingan.letters.v1.Progress/UploadEvidence"](), longting)).EvidenceId;
        // Above 龙亭区: the province's letters to its cities, Kaifeng's evidence on its own.
        var provinceTemplate = await templates.CreateTemplateAsync(new Letters.Api.CreateTemplateRequest
        {
            Year = 2026, IssuerCode = Province, Title = "2026年度省对市目标责任书",
            Targets = { new Letters.Api.TargetDraft { Code = "1", Indicator = "命案发案率下降", TargetValue = "5", UnitOfMeasure = "%", EvidenceRequired = "统计", Weight = "100" } },
        }, letterOptions);
        _upLetterId = (await new Letters.Api.Letters.LettersClient(_letters.Channel).IssueLettersAsync(
            new Letters.Api.IssueLettersRequest { TemplateId = provinceTemplate.TemplateId }, letterOptions)).Letters.Single(l => l.ReceiverCode == Kaifeng).LetterId;
        var kaifengOffice = new CallOptions(new Metadata { { "Authorization", "Bearer " + await TokenAsync("walk-setup-kaifeng", Kaifeng, CommissionOffice) } });
        _upEvidenceId = (await new Letters.Api.Progress.ProgressClient(_letters.Channel).UploadEvidenceAsync(
            (Letters.Api.UploadEvidenceRequest)Samples(upward: true)["/pingan.letters.v1.Progress/UploadEvidence"](), kaifengOffice)).EvidenceId;
        _sanctions = await ServiceHost.StartAsync(Sanctions.SanctionsApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:sanctions"] = await Database.CreateSiblingAsync("sanctions"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Services:Registry:Grpc"] = $"http://{_registry.Channel.Target}",
        });
        _caseId = (await new Sanctions.Api.Cases.CasesClient(_sanctions.Channel).OpenCaseAsync(
            (Sanctions.Api.OpenCaseRequest)Samples()["/pingan.sanctions.v1.Cases/OpenCase"](), letterOptions)).CaseId;
        _upCaseId = (await new Sanctions.Api.Cases.CasesClient(_sanctions.Channel).OpenCaseAsync(
            (Sanctions.Api.OpenCaseRequest)Samples(upward: true)["/pingan.sanctions.v1.Cases/OpenCase"](), letterOptions)).CaseId;
        _inspections = await ServiceHost.StartAsync(Inspections.InspectionsApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:inspections"] = await Database.CreateSiblingAsync("inspections"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Services:Registry:Grpc"] = $"http://{_registry.Channel.Target}",
            ["Inspections:Sweep:Enabled"] = "false",
        });
        _assessments = await ServiceHost.StartAsync(Assessments.AssessmentsApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:assessments"] = await Database.CreateSiblingAsync("assessments"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Services:Registry:Grpc"] = $"http://{_registry.Channel.Target}",
        });
        // The archives, with the facts they would have from the registry's events (the walk's registry published them before
        // the archives listened): the units, 龙亭区's principal managed by 中共开封市委 and Kaifeng's by the province's, and a
        // consultation answered to each level.
        var archives = await Database.CreateSiblingAsync("archives");
        _archives = await ServiceHost.StartAsync(Archives.ArchivesApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:archives"] = archives,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Archives:ConsultationKey"] = "d2Fsay1jb25zdWx0YXRpb24ta2V5LTMyLWJ5dGVzLSEhIQ==",
        });
        foreach (var (code, kind, parent) in new[] { (Province, "Province", (string?)null), (Zhengzhou, "City", Province), (Zhongyuan, "County", Zhengzhou),
                     (Kaifeng, "City", Province), (Longting, "County", Kaifeng), (Province + "-PC", "PartyCommittee", Province), (Kaifeng + "-PC", "PartyCommittee", Kaifeng) })
            await Sql.ExecuteAsync(archives, "INSERT INTO units (code, name, kind, parent_code, name_sequence, standing_sequence) VALUES ($1, $1, $2, $3, 0, 0) ON CONFLICT DO NOTHING",
                code, kind, (object?)parent ?? DBNull.Value);
        foreach (var (leader, unit, authority) in new[] { (_archivedId, Longting, Kaifeng + "-PC"), (_upArchivedId, Kaifeng, Province + "-PC") })
            await Sql.ExecuteAsync(archives, """
                INSERT INTO terms (term_id, leader_id, leader_name, unit_code, role, starts_on, cadre_authority_code, comprehensive_management)
                VALUES ($1, $2, 'walk', $3, 'Principal', DATE '2024-01-01', $4, false)
                """, Guid.NewGuid(), Guid.Parse(leader), unit, authority);
        foreach (var (id, level) in new[] { (_consultationId, Kaifeng), (_upConsultationId, Province) })
            await Sql.ExecuteAsync(archives, """
                INSERT INTO consultations (id, leader_id, as_of, purpose, reference, level_code, requested_by, answered_at, signed_body, digest, signature, key_id)
                VALUES ($1, $2, DATE '2026-01-01', 'Promotion', '', $3, 'walk', now(), $4, '', '', '')
                """, Guid.Parse(id), Guid.Parse(_archivedId), level, $"{{\"consultationId\": \"{id}\", \"archive\": {{}}}}");

        // A proposal and a recommendation of Kaifeng's about 龙亭区, and the province's about Kaifeng, for the samples that name one.
        await using (var scope = _assessments.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Assessments.Persistence.AssessmentsDb>();
            Assessments.Commendations.Commendation Proposal(string level, string unit) => new()
            {
                Id = Guid.NewGuid(), Year = 2026, CommendingCode = level, Kind = Assessments.Api.CommendationKind.AdvancedUnit, UnitCode = unit, UnitName = unit,
                Title = "先进单位", Citation = "walk", Status = Assessments.Api.CommendationStatus.Proposed, ProposedBy = "walk", ProposedAt = DateTimeOffset.UtcNow,
            };
            Assessments.Commendations.PromotionRecommendationRecord Recommendation(string level, string unit) => new()
            {
                Id = Guid.NewGuid(), RecommendingCode = level, UnitCode = unit, UnitName = unit, CommendedYear = 2026, CommendationDocument = "walk", LeadersJson = "[]",
                IssuedBy = "walk", IssuedByName = "walk", IssuedAt = DateTimeOffset.UtcNow,
            };
            var (proposal, upProposal) = (Proposal(Kaifeng, Longting), Proposal(Province, Kaifeng));
            var (recommendation, upRecommendation) = (Recommendation(Kaifeng, Longting), Recommendation(Province, Kaifeng));
            db.AddRange(proposal, upProposal, recommendation, upRecommendation);
            await db.SaveChangesAsync();
            (_commendationId, _upCommendationId, _recommendationId, _upRecommendationId) =
                (proposal.Id.ToString(), upProposal.Id.ToString(), recommendation.Id.ToString(), upRecommendation.Id.ToString());
        }
        var inspections = new Inspections.Api.Inspections.InspectionsClient(_inspections.Channel);
        async Task<(string Inspection, string Finding, string Photo)> InspectAsync(CallOptions who, string target, Inspections.Api.Form form)
        {
            var planned = await inspections.PlanInspectionAsync(InspectionPlan(target, form), who);
            var photo = await inspections.UploadEvidenceAsync(new Inspections.Api.UploadEvidenceRequest
                { InspectionId = planned.InspectionId, UnitCode = target, FileName = "现场.pdf", File = SamplePdf }, who);
            var found = await inspections.RecordFindingAsync(InspectionFinding(planned.InspectionId, target), who);
            return (planned.InspectionId, found.Findings.Single().FindingId, photo.EvidenceId);
        }
        (_inspectionId, _findingId, _photoId) = await InspectAsync(kaifengOffice, Longting, Inspections.Api.Form.Special);
        (_covertId, _covertFindingId, _covertPhotoId) = await InspectAsync(kaifengOffice, Longting, Inspections.Api.Form.Covert);
        (_upInspectionId, _upFindingId, _upPhotoId) = await InspectAsync(letterOptions, Kaifeng, Inspections.Api.Form.Special);
        // The duty calendar of Kaifeng's and the province's commissions; each submits its first half-year hearing with a document.
        await new Commissions.CommissionsClient(invoker).EstablishCommissionAsync(
            new EstablishCommissionRequest { JurisdictionCode = Province, Name = "河南省平安建设领导小组", EstablishedOn = "2019-03-01" }, options);
        var duties = new Inspections.Api.ReportingDuties.ReportingDutiesClient(_inspections.Channel);
        await duties.GenerateDutyCalendarAsync(new Inspections.Api.GenerateDutyCalendarRequest { Year = 2026 }, letterOptions);
        async Task<(string Plenary, string Document)> DutiesOfAsync(string jurisdiction, CallOptions office)
        {
            var listed = (await duties.ListDutiesAsync(new Inspections.Api.ListDutiesRequest { UnitCode = jurisdiction, Year = 2026, PageSize = 500 }, office)).Duties;
            var hearing = listed.First(d => d.Kind == "principal-hears-report" && d.PartyCode == jurisdiction);
            var submitted = await duties.SubmitDutyAsync(new Inspections.Api.SubmitDutyRequest
            {
                DutyId = hearing.DutyId, UnitCode = jurisdiction, Text = "听取汇报",
                Documents = { new Inspections.Api.UploadedDocument { FileName = "汇报.pdf", File = SamplePdf } },
            }, office);
            return (listed.Single(d => d.Kind == "commission-plenary" && d.PartyCode == jurisdiction).DutyId, submitted.Documents.Single().DocumentId);
        }
        (_dutyId, _dutyDocumentId) = await DutiesOfAsync(Kaifeng, kaifengOffice);
        var incidents = new Inspections.Api.Incidents.IncidentsClient(_inspections.Channel);
        _incidentId = (await incidents.ReportIncidentAsync(Incident(Longting), kaifengOffice)).IncidentId;
        _upIncidentId = (await incidents.ReportIncidentAsync(Incident(Kaifeng), letterOptions)).IncidentId;
        (_upDutyId, _upDutyDocumentId) = await DutiesOfAsync(Province, letterOptions);
        // A draft for the samples: issuing it from the province gets past the guard.
        _templateId = (await templates.CreateTemplateAsync(new Letters.Api.CreateTemplateRequest
        {
            Year = 2027, IssuerCode = Kaifeng, Title = "2027年度目标责任书",
            Targets = { new Letters.Api.TargetDraft { Code = "1", Indicator = "矛盾纠纷化解率", TargetValue = "95", UnitOfMeasure = "%", EvidenceRequired = "台账", Weight = "100" } },
        }, letterOptions)).TemplateId;
    }

    public override async Task DisposeAsync()
    {
        await _archives.DisposeAsync();
        await _assessments.DisposeAsync();
        await _inspections.DisposeAsync();
        await _sanctions.DisposeAsync();
        await _letters.DisposeAsync();
        await _registry.DisposeAsync();
        await _identity.DisposeAsync();
        await base.DisposeAsync();
    }

    private static UnitRecord Unit(string code, string name, string kind, string parent) =>
        new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2023-01-01" };

    private static TermRecord Term(string appointment) => new()
    {
        AppointmentId = appointment, PersonId = "p-" + appointment, PersonName = "周六", UnitCode = Longting,
        Role = LeadershipRole.DualDuty, Portfolio = "综治", StartsOn = "2025-01-01",
    };

    private static CsvImportRequest Csv(string text) =>
        new() { File = new Google.Api.HttpBody { ContentType = "text/csv", Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)) } };
}
