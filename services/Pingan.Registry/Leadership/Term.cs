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
    /// <summary>
    /// Reading 6 (Art. 10, 22, 34 "社会治安综合治理工作分管领导"): this in-charge term is the unit's one for comprehensive
    /// management and Ping'an building, the one every consumer takes as "the leader in charge"; one at a time per unit.
    /// </summary>
    public bool ComprehensiveManagement { get; set; }
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

    /// <summary>
    /// The portfolios that are comprehensive management when the source does not say (reading 6): the 政法委 secretary's
    /// 政法 and the names 综治 and 平安建设 go by; 公安, 教育 and the rest are other in-charge portfolios.
    /// </summary>
    public static readonly string[] ComprehensivePortfolios = ["政法", "综治", "平安建设", "政法综治", "综治维稳"];

    /// <summary>Whether an in-charge term of <paramref name="portfolio"/> is the comprehensive-management one, unless the source says.</summary>
    public static bool IsComprehensive(LeadershipRole role, string portfolio, bool? given) =>
        given ?? (role == LeadershipRole.InCharge && ComprehensivePortfolios.Contains(portfolio.Trim()));

    /// <summary>Principal, and InCharge per portfolio, have one holder at a time; DualDuty has many.</summary>
    public static bool IsSingleHolder(LeadershipRole role) => role is LeadershipRole.Principal or LeadershipRole.InCharge;

    public bool IsActiveOn(DateOnly day) => StartsOn <= day && (EndsOn is null || EndsOn >= day);

    public bool Overlaps(DateOnly startsOn, DateOnly? endsOn) =>
        StartsOn <= (endsOn ?? DateOnly.MaxValue) && startsOn <= (EndsOn ?? DateOnly.MaxValue);
}
