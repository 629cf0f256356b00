namespace Pingan.Sanctions.Cases;

/// <summary>The ladder (Art. 32-37), lowest first.</summary>
public enum Stage { None = 0, Notice = 1, Admonishment = 2, Listing = 3, Veto = 4 }

/// <summary>How grave the matter is, which decides the highest stage a case may enter at directly (Art. 34, 35, 37).</summary>
public enum Severity { Ordinary = 1, Serious = 2, EspeciallySerious = 3, VetoGrade = 4 }

public enum CaseStatus { Registered, Proposed, Active, AcceptanceRequested, AcceptancePrechecked, Closed, Dismissed, VetoReferred }

/// <summary>A case of accountability enforcement against a locality or unit (Art. 31-41).</summary>
public sealed class SanctionCase
{
    public Guid Id { get; set; }
    public required string SubjectCode { get; set; }
    public required string SubjectName { get; set; }
    /// <summary>The Art. 31 clause, 1-9.</summary>
    public int Clause { get; set; }
    public required string Source { get; set; }
    public Severity Severity { get; set; }
    public DateOnly IncidentOn { get; set; }
    public required string Summary { get; set; }
    public string? ReportedBy { get; set; }
    /// <summary>What the case came from in another service, e.g. "inspection/{id}/findings/{id}" (one case per source).</summary>
    public string? SourceReference { get; set; }
    /// <summary>Where that source's evidence is read (paths of the producing service's API).</summary>
    public string[] EvidenceLinks { get; set; } = [];

    /// <summary>The commission the subject answers to: it notices (Art. 33) and, for a listing one level higher up, pre-checks acceptance (Art. 36).</summary>
    public required string ResponsibleCode { get; set; }
    /// <summary>
    /// The commission that admonishes and lists (Art. 34-35 "相应的上一级"): by reading 1 as of the opening day, the one
    /// the subject answers to (subject-relative, the default) or the one above it (notice-relative); the province's for a
    /// yearly selection (Art. 35 ¶2). The responsible one when that is the province.
    /// </summary>
    public required string UpperCode { get; set; }

    /// <summary>The subject and every unit it answers to, up to the province, as on the day the case opened: who may list it.</summary>
    public string[] SubjectChain { get; set; } = [];

    public CaseStatus Status { get; set; }
    public Stage Stage { get; set; }
    public Stage ProposedStage { get; set; }
    /// <summary>The status to return to when the commission rejects a proposal.</summary>
    public CaseStatus StatusBeforeProposal { get; set; }
    /// <summary>Each approved stage is a round; its deadlines and reports carry the number.</summary>
    public int Round { get; set; }
    public DateOnly? DecidedOn { get; set; }
    public DateOnly? InterviewHeldOn { get; set; }
    public DateOnly? RectificationEndsOn { get; set; }
    /// <summary>
    /// For a listing: who follows it up, names its follow-up leader and pre-checks its acceptance (Art. 36), fixed when the
    /// listing is approved. The level between the subject and the listing commission (the city of a county the province
    /// lists); for a unit of a provincial department's system the province lists, that department (reading 5, "省直单位 …
    /// 本系统单位"); null when the listing commission is the subject's own.
    /// </summary>
    public string? FollowUpCode { get; set; }
    /// <summary>For a listing: the leader <see cref="FollowUpCode"/> names to follow it up (Art. 36), by registry id and name.</summary>
    public Guid? FollowUpLeaderId { get; set; }
    public string? FollowUpLeaderName { get; set; }
    public bool EscalationProposed { get; set; }
    /// <summary>
    /// Art. 35 "验收合格的解除挂牌督办" (reading 2): a listing holds until a passed acceptance lifts it, also after the case
    /// moved on to the veto (Art. 37), whose consequences come on top.
    /// </summary>
    public bool ListingInForce { get; set; }
    /// <summary>For a listing still in force after the veto: where its acceptance stands (requested, pre-checked), null before an application.</summary>
    public CaseStatus? ListingAcceptance { get; set; }
    public string? EscalationReason { get; set; }

    public DateTimeOffset OpenedAt { get; set; }
    public int Steps { get; set; }
    public List<Interviewee> Interviewees { get; set; } = [];
    public List<CaseDeadline> Deadlines { get; set; } = [];
    public List<Referral> Referrals { get; set; } = [];
    public List<CaseCircumstance> Circumstances { get; set; } = [];
    public List<DistributionEntry> Distribution { get; set; } = [];
    public List<JointMeeting> JointMeetings { get; set; } = [];
    /// <summary>The province's yearly selection for listing the case came from (Art. 35, second paragraph).</summary>
    public Guid? BatchId { get; set; }
    /// <summary>The joint meeting whose proposal a listing awaiting decision rests on (Art. 35).</summary>
    public Guid? ProposalMeetingId { get; set; }
    /// <summary>The clauses the proposal awaiting decision applies; on approval they become <see cref="DecisionTrace"/>.</summary>
    public string[] ProposalTrace { get; set; } = [];
    /// <summary>The clauses the latest approved decision applied.</summary>
    public string[] DecisionTrace { get; set; } = [];

    /// <summary>The commission competent for a stage (Art. 33: the responsible level; Art. 34-37: one level up).</summary>
    public string BodyFor(Stage stage) => stage <= Stage.Notice ? ResponsibleCode : UpperCode;

    /// <summary>Whether a listing is followed up, and its acceptance checked first, by a level of its own (Art. 36).</summary>
    public bool HasPrecheck => FollowUpCode is not null;

    /// <summary>The statuses of a case that is over (queries use this list; <see cref="IsOver"/> asks it of one case).</summary>
    public static readonly CaseStatus[] Ended = [CaseStatus.Closed, CaseStatus.Dismissed, CaseStatus.VetoReferred];

    /// <summary>The unique index that allows one open listing (proposed or decided) per unit (issue 12).</summary>
    public const string OneOpenListing = "ux_cases_one_open_listing";

    /// <summary>Whether a failed write broke the one-open-listing rule (a concurrent batch or proposal won).</summary>
    public static bool BrokeOneOpenListing(Exception e) =>
        Pingan.Persistence.UniqueIndex.Violated(e, OneOpenListing);

    public bool IsOver => Ended.Contains(Status);
}

/// <summary>A leader interviewed in an admonishment, as the registry had them on the incident date (Art. 34).</summary>
public sealed class Interviewee
{
    public Guid CaseId { get; set; }
    public int Round { get; set; }
    public Guid LeaderId { get; set; }
    public required string Name { get; set; }
    public required string UnitCode { get; set; }
    /// <summary>Principal, InCharge (in office on the interview day), PrincipalAtIncident, InChargeAtIncident (on the incident day only) or Other.</summary>
    public required string Role { get; set; }
}

/// <summary>One entry of the case file (Art. 32 "建立工作档案"): who did what, when, under which article.</summary>
public sealed class CaseStep
{
    public Guid CaseId { get; set; }
    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Article { get; set; }
    public CaseStatus StatusAfter { get; set; }
    public required string Detail { get; set; }

    /// <summary>The case's next entry, by whoever acted (a person, the deadline sweep, a department's system).</summary>
    public static CaseStep Next(SanctionCase c, DateTimeOffset at, string actor, string action, string article, object detail) => new()
    {
        CaseId = c.Id, Sequence = ++c.Steps, At = at, Actor = actor, Action = action, Article = article, StatusAfter = c.Status,
        Detail = System.Text.Json.JsonSerializer.Serialize(detail, CaseMapping.Json),
    };
}

/// <summary>The five-department joint meeting on a listing (Art. 24, 35).</summary>
public sealed class JointMeeting
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public DateOnly HeldOn { get; set; }
    public string[] Departments { get; set; } = [];
    public required string Attendees { get; set; }
    public bool ProposesListing { get; set; }
    public required string Minutes { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A report of the subject: its rectification measures or a progress report.</summary>
public sealed class CaseReport
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public int Round { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public DateOnly SubmittedOn { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public required string SubmittedBy { get; set; }
}
