namespace Pingan.Sanctions.Contracts;

/// <summary>A case was opened against a locality or unit under an Art. 31 clause.</summary>
public sealed record CaseOpened(Guid CaseId, string SubjectCode, int Clause, string Source, string Severity, DateOnly IncidentOn, DateTimeOffset OpenedAt);

/// <summary>The competent office verified the case and proposed a stage to its commission.</summary>
public sealed record MeasureProposed(Guid CaseId, string SubjectCode, string Stage, string BodyCode, bool DirectEntry, DateTimeOffset ProposedAt);

/// <summary>
/// The commission approved a stage: it is in force from DecidedOn and the subject rectifies by RectificationEndsOn
/// (for an admonishment, counted from the interview; then this is empty until it is held).
/// </summary>
public sealed record MeasureDecided(Guid CaseId, string SubjectCode, string Stage, string BodyCode, DateOnly DecidedOn, DateOnly? RectificationEndsOn);

/// <summary>
/// While listed (Art. 35), the unit may not be chosen for comprehensive honours, and its leaders not for awards or
/// promotion: for the archives and assessments services. The disqualification is the window from StartsOn to the
/// EndsOn of <see cref="DisqualificationEnded"/> (open until then) for the unit, and reading 4 ("挂牌督办期间"): it
/// covers whoever holds the unit's principal or comprehensive-management in-charge role on any day of the window,
/// each for the days they hold it. Consumers resolve them per day from the registry
/// (RegistryLeaders.AnswerableDuringAsync, or the registry's LeaderAppointed/LeaderLeft events); LeaderIds only
/// names those known at the decision (on the incident date and the decision date), not the whole set.
/// </summary>
public sealed record DisqualificationStarted(Guid CaseId, string UnitCode, DateOnly StartsOn, string Reason, IReadOnlyList<Guid> LeaderIds);

public sealed record DisqualificationEnded(Guid CaseId, string UnitCode, DateOnly EndsOn);

/// <summary>A deadline of a case is near (Kind names it), for whoever notifies the subject.</summary>
public sealed record CaseDeadlineReminder(Guid CaseId, string SubjectCode, string Kind, DateOnly DueOn);

/// <summary>A report the subject owed (measures or progress) was not in by its day.</summary>
public sealed record CaseReportOverdue(Guid CaseId, string SubjectCode, string Kind, DateOnly DueOn);

/// <summary>
/// A stage's period ended without accepted rectification: the competent office is asked to verify and propose the
/// next stage (Art. 34-35 "仍未按期完成整改目标"). Nothing escalates until its commission approves.
/// </summary>
public sealed record EscalationProposed(Guid CaseId, string SubjectCode, string FromStage, string ToStage, string BodyCode, string Reason, DateOnly RaisedOn);

/// <summary>
/// The leaders interviewed (约谈) for an admonishment or a listing (Art. 34, reading 3), for their performance archives
/// (Art. 22 "受…奖惩情况"): those in office on the interview day, those who held the roles on the incident day, and
/// any other leader the office named.
/// </summary>
public sealed record LeadersInterviewed(Guid CaseId, string SubjectCode, string Stage, DateOnly HeldOn, IReadOnlyList<Guid> LeaderIds);

/// <summary>The case ended: rectified and accepted, dismissed, or referred to the veto rules.</summary>
public sealed record CaseClosed(Guid CaseId, string SubjectCode, string Stage, string Outcome, DateTimeOffset ClosedAt);

/// <summary>The case was referred to a department's system for a personnel or disciplinary measure (Art. 32, 39).</summary>
public sealed record CaseReferred(Guid CaseId, Guid ReferralId, string SubjectCode, string Measure, string Department, IReadOnlyList<Guid> LeaderIds, DateTimeOffset ReferredAt);

/// <summary>The department's system took the referral, under its own reference.</summary>
public sealed record ReferralAcknowledged(Guid CaseId, Guid ReferralId, string Department, string Reference, DateTimeOffset AcknowledgedAt);

/// <summary>The department reported its decision on the referral.</summary>
public sealed record ReferralOutcomeRecorded(Guid CaseId, Guid ReferralId, string Measure, string Outcome, DateOnly DecidedOn);
