using Pingan.Assessments.Api;

namespace Pingan.Assessments.Commendations;

/// <summary>
/// An advanced unit or individual of a year (Art. 26, 27), as the commending level's office proposed it, the joint
/// meeting studied it (Art. 24) and the commission's leader decided it.
/// </summary>
public sealed class Commendation
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string CommendingCode { get; set; }
    public CommendationKind Kind { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public string PersonName { get; set; } = "";
    public Guid? LeaderId { get; set; }
    public string ExternalPersonId { get; set; } = "";
    public required string Title { get; set; }
    public required string Citation { get; set; }
    public CommendationStatus Status { get; set; }
    /// <summary>The unit's grade in its approved assessment of the year (Art. 27), when proposed.</summary>
    public Grade Grade { get; set; }
    public required string ProposedBy { get; set; }
    public DateTimeOffset ProposedAt { get; set; }
    public Guid? MeetingId { get; set; }
    public bool Endorsed { get; set; }
    public string StudyRemarks { get; set; } = "";
    public string DecidedBy { get; set; } = "";
    public DateTimeOffset? DecidedAt { get; set; }
    public string DecisionReasons { get; set; } = "";

    /// <summary>Who the honour is for: the unit, or the person by leader id or personnel id (one open proposal each).</summary>
    public string Nominee => Kind == CommendationKind.AdvancedUnit ? $"unit/{UnitCode}" : LeaderId is { } id ? $"leader/{id}" : $"person/{ExternalPersonId}";
}

/// <summary>A sitting of the five-department joint meeting on the year's commendations (Art. 24).</summary>
public sealed class CommendationMeeting
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string CommendingCode { get; set; }
    public DateOnly HeldOn { get; set; }
    /// <summary>The attendees as JSON: department and name each.</summary>
    public required string AttendeesJson { get; set; }
    public required string Minutes { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
