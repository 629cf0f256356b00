namespace Pingan.Inspections.Incidents;

/// <summary>An incident report (Art. 7(4), 31(3)-(5)) in writing (Art. 38), with who reported it, whether they had to, and how soon.</summary>
public sealed class IncidentReport
{
    public Guid Id { get; set; }
    public int Category { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string PlaceCode { get; set; }
    public required string PlaceName { get; set; }
    /// <summary>The place and everything it answers to: "within a unit" for lists.</summary>
    public string[] PlaceChain { get; set; } = [];
    public int Severity { get; set; }
    public required string Summary { get; set; }
    public string? ReporterUnitCode { get; set; }
    public required string ReporterName { get; set; }
    /// <summary>Art. 38: "Must" (a member unit of a commission or leading group) or "May".</summary>
    public required string Duty { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    public bool Late { get; set; }
    public int? ReferredClause { get; set; }
    public DateTimeOffset? ReferredAt { get; set; }
    public required string RecordedBy { get; set; }
}
