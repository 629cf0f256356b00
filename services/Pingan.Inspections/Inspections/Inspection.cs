using Pingan.Evidence;

namespace Pingan.Inspections.Inspections;

/// <summary>The five forms of Art. 18 (督促检查), exactly.</summary>
public enum Form { Special = 1, Covert = 2, Patrol = 3, SemiAnnual = 4, Annual = 5 }

public enum InspectionStatus { Planned = 1, UnderWay = 2, Completed = 3, Closed = 4 }

public enum FindingSeverity { General = 1, Serious = 2, Grave = 3 }

public enum ConcernKind { Indicator = 1, LetterTarget = 2, Art31Clause = 3, WorkItem = 4 }

public enum RectificationStatus { NotDemanded = 1, Pending = 2, Demanded = 3, Reported = 4, Rejected = 5, Verified = 6 }

/// <summary>
/// One inspection, the aggregate: its plan, team, targets, visits and findings change under its row lock. Three arrays
/// answer the list and visibility questions in SQL: <see cref="ScopeChain"/> (every unit the inspection is of or by,
/// with all they answer to), <see cref="TargetCodes"/> and <see cref="TeamSubjects"/>.
/// </summary>
public sealed class Inspection
{
    public Guid Id { get; set; }
    public Form Form { get; set; }
    public int Year { get; set; }
    public required string Title { get; set; }
    public string WorkItem { get; set; } = "";
    /// <summary>The jurisdiction whose commission inspects (its office planned it).</summary>
    public required string InspectingCode { get; set; }
    public required string InspectingName { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public InspectionStatus Status { get; set; }
    /// <summary>暗访: invisible to the inspected and to every jurisdiction holding them until <see cref="CompletedAt"/>.</summary>
    public bool Covert { get; set; }
    public string[] TargetCodes { get; set; } = [];
    /// <summary>The targets' accountability chains and the inspecting body's, merged: "of or by a unit within X" is ScopeChain ∋ X.</summary>
    public string[] ScopeChain { get; set; } = [];
    public string[] TeamSubjects { get; set; } = [];
    public List<InspectionTarget> Targets { get; set; } = [];
    public List<TeamMember> Team { get; set; } = [];
    public List<Visit> Visits { get; set; } = [];
    public List<Finding> Findings { get; set; } = [];
    public DateTimeOffset PlannedAt { get; set; }
    public required string PlannedBy { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string Summary { get; set; } = "";
    /// <summary>Counts the changes: a change that gathered registry facts before the lock checks nothing moved meanwhile.</summary>
    public int Version { get; set; }

    /// <summary>Hidden from the inspected: covert and not yet completed.</summary>
    public bool Secret => Covert && CompletedAt is null;
}

public sealed class InspectionTarget
{
    public Guid InspectionId { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public int Position { get; set; }
}

public sealed class TeamMember
{
    public Guid InspectionId { get; set; }
    public int Position { get; set; }
    public string Subject { get; set; } = "";
    public required string Name { get; set; }
    public required string UnitCode { get; set; }
    public Guid? LeaderId { get; set; }
    public string CommissionPosition { get; set; } = "";
    public bool Leads { get; set; }
}

public sealed class Visit
{
    public Guid Id { get; set; }
    public Guid InspectionId { get; set; }
    public required string TargetCode { get; set; }
    public DateOnly VisitedOn { get; set; }
    public string Note { get; set; } = "";
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A finding about one target and the rectification it demands (整改), through to its verification.</summary>
public sealed class Finding
{
    public Guid Id { get; set; }
    public Guid InspectionId { get; set; }
    public required string TargetCode { get; set; }
    public ConcernKind ConcernKind { get; set; }
    public string ConcernReference { get; set; } = "";
    public int? Clause { get; set; }
    public FindingSeverity Severity { get; set; }
    public required string Description { get; set; }
    public DateOnly ObservedOn { get; set; }
    public Guid[] EvidenceIds { get; set; } = [];
    public RectificationStatus Rectification { get; set; }
    public string Demand { get; set; } = "";
    public int WorkingDays { get; set; }
    public DateOnly? IssuedOn { get; set; }
    public DateOnly? DueOn { get; set; }
    public string Report { get; set; } = "";
    public Guid[] ReportEvidenceIds { get; set; } = [];
    public DateTimeOffset? ReportedAt { get; set; }
    public string Verdict { get; set; } = "";
    public DateTimeOffset? VerifiedAt { get; set; }
    /// <summary>When the sweep found it overdue and raised the event (once per demand round).</summary>
    public DateTimeOffset? OverdueSince { get; set; }
    public int? ReferredClause { get; set; }
    public DateTimeOffset? ReferredAt { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>Still owed by the unit: demanded and neither verified nor waiting for verification.</summary>
    public bool Owed => Rectification is RectificationStatus.Demanded or RectificationStatus.Rejected;
}

/// <summary>A photo or document of an inspection, about one of its targets, with when and where it was captured.</summary>
public sealed class InspectionEvidence : StoredEvidence
{
    public Guid InspectionId { get; set; }
    public required string UnitCode { get; set; }
    public DateTimeOffset? CapturedAt { get; set; }
    public string CapturedPlace { get; set; } = "";
}
