using Pingan.Persistence;
using Pingan.Registry.Contracts;

namespace Pingan.Registry.Leadership;

/// <summary>A person on a leadership team. Only what accountability needs: a name and the personnel system's id.</summary>
public sealed class Leader
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? ExternalId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// One leader in one role of one unit for a period. A term is never rewritten: it is recorded, and
/// later given the last day it ran; a role change ends it and opens another.
/// </summary>
public sealed class Term : IVersioned
{
    public Guid Id { get; set; }
    public Guid LeaderId { get; set; }
    public required string UnitCode { get; set; }
    public LeadershipRole Role { get; set; }

    /// <summary>"" for a Principal; the field of work otherwise (政法, 教育...).</summary>
    public string Portfolio { get; set; } = "";
    public string? Title { get; set; }
    public DateOnly StartsOn { get; set; }

    /// <summary>The last day of the term (inclusive); null while it runs.</summary>
    public DateOnly? EndsOn { get; set; }
    public string? EndReason { get; set; }
    public string? CadreAuthorityCode { get; set; }

    /// <summary>The appointment's id in the organisation or personnel department's system.</summary>
    public string? ExternalId { get; set; }
    public Guid? PreviousTermId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public uint Version { get; set; }

    /// <summary>Principal, and InCharge per portfolio, have one holder at a time; DualDuty has many.</summary>
    public static bool IsSingleHolder(LeadershipRole role) => role is LeadershipRole.Principal or LeadershipRole.InCharge;

    public bool IsActiveOn(DateOnly day) => StartsOn <= day && (EndsOn is null || EndsOn >= day);

    public bool Overlaps(DateOnly startsOn, DateOnly? endsOn) =>
        StartsOn <= (endsOn ?? DateOnly.MaxValue) && startsOn <= (EndsOn ?? DateOnly.MaxValue);
}
