namespace Pingan.Sanctions.Cases;

/// <summary>The personnel and disciplinary measures the departments take under their own authority (Art. 32, 39).</summary>
public enum ReferralMeasure { Resignation = 1, OrderedResignation = 2, Removal = 3, Discipline = 4, Criminal = 5 }

/// <summary>
/// A case referred to the discipline-inspection or the organisation department's system (Art. 32, 39): delivered
/// with its id as the idempotency key, retried until the department acknowledges it, its outcome recorded when the
/// department reports it.
/// </summary>
public sealed class Referral
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public ReferralMeasure Measure { get; set; }
    /// <summary>discipline (纪检监察机关) or organisation (组织人事部门).</summary>
    public required string Department { get; set; }
    public required string Leaders { get; set; }
    public required string Grounds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    /// <summary>The department's own reference for it.</summary>
    public string? Reference { get; set; }
    public string? Outcome { get; set; }
    public DateOnly? OutcomeOn { get; set; }

    public static string DepartmentFor(ReferralMeasure measure) =>
        measure is ReferralMeasure.Discipline or ReferralMeasure.Criminal ? "discipline" : "organisation";
}
