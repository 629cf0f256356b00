namespace Pingan.Inspections.Contracts;

// The inspections service's integration events. A covert inspection's events are all published when it completes,
// never before (issue 13): its planning, its findings and the completion leave in that one transaction.

/// <summary>An inspection was planned (for a covert one: published at its completion).</summary>
public sealed record InspectionPlanned(Guid InspectionId, string Form, int Year, string InspectingCode, IReadOnlyList<string> TargetCodes, DateOnly StartsOn, DateOnly EndsOn);

/// <summary>
/// A finding about a target (for the assessments and archives services: inspection findings of the year). For a
/// covert inspection, published at completion.
/// </summary>
public sealed record FindingRecorded(Guid InspectionId, Guid FindingId, string Form, int Year, string InspectingCode, string TargetCode,
    string Severity, string ConcernKind, string ConcernReference, int? Clause, DateOnly ObservedOn, bool RectificationDemanded);

/// <summary>The field work ended. The annual inspection's completion is what the year's assessment waits for.</summary>
public sealed record InspectionCompleted(Guid InspectionId, string Form, int Year, string InspectingCode, IReadOnlyList<string> TargetCodes,
    int Findings, DateTimeOffset CompletedAt);

/// <summary>A rectification was not reported (or not accepted) by its due day: the finding is red.</summary>
public sealed record RectificationOverdue(Guid InspectionId, Guid FindingId, string TargetCode, DateOnly DueOn);

/// <summary>The team verified a reported rectification: accepted, or rejected for the unit to report again.</summary>
public sealed record RectificationVerified(Guid InspectionId, Guid FindingId, string TargetCode, bool Accepted, DateOnly DueOn, bool OnTime, DateTimeOffset VerifiedAt);

/// <summary>Every rectification the inspection demanded was verified.</summary>
public sealed record InspectionClosed(Guid InspectionId, string Form, int Year, string InspectingCode, DateTimeOffset ClosedAt);

/// <summary>
/// A finding that is an Art. 31 situation, referred to accountability (Art. 31, 38): the sanctions service opens a
/// case (source INSPECTION_FINDING) for the competent office to verify. It carries the target's accountability chain
/// as the registry gave it when referred, the reference of the finding and links to its evidence, so the consumer
/// needs no call back. Severity is in the sanctions service's terms (ORDINARY ... VETO_GRADE).
/// </summary>
public sealed record FindingReferred(Guid InspectionId, Guid FindingId, string TargetCode, string TargetName, IReadOnlyList<string> TargetChain,
    string InspectingCode, int Clause, string Severity, string Summary, DateOnly ObservedOn, string Reference,
    IReadOnlyList<string> EvidenceLinks, string ReferredBy, DateTimeOffset ReferredAt);

/// <summary>A reporting duty was not submitted by its due day (Art. 9(3), 14-17, 24, 25): its light is red.</summary>
public sealed record ReportingDutyMissed(Guid DutyId, int Year, string Kind, string Article, string PartyCode, string UnitCode, string JurisdictionCode, DateOnly DueOn);

/// <summary>A reporting duty was submitted (DaysLate 0: on time), for the assessments and archives services.</summary>
public sealed record ReportingDutySubmitted(Guid DutyId, int Year, string Kind, string Article, string PartyCode, string UnitCode, string JurisdictionCode,
    DateOnly DueOn, DateOnly SubmittedOn, int DaysLate);

/// <summary>A member unit sent its commission work information (Art. 15 "工作信息随时报送"), for the assessments' counts.</summary>
public sealed record WorkInformationSubmitted(Guid InformationId, int Year, string UnitCode, string JurisdictionCode, DateTimeOffset SubmittedAt);

/// <summary>An incident report (Art. 7(4), 31(3)-(5), 38) was recorded, for the assessments' incident counts.</summary>
public sealed record IncidentReported(Guid IncidentId, string Category, string PlaceCode, string Severity, DateTimeOffset OccurredAt, DateTimeOffset ReportedAt,
    string Duty, bool Late);

/// <summary>
/// An incident referred to accountability by a commission office (Art. 31): the sanctions service opens a case (source
/// INCIDENT), as for <see cref="FindingReferred"/>.
/// </summary>
public sealed record IncidentReferred(Guid IncidentId, string PlaceCode, string PlaceName, IReadOnlyList<string> PlaceChain, int Clause, string Severity,
    string Summary, DateOnly OccurredOn, string Reference, string ReferredBy, DateTimeOffset ReferredAt);
