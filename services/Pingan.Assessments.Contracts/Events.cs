namespace Pingan.Assessments.Contracts;

/// <summary>
/// A unit's approved result of a level's assessment of a year, published (Art. 20-22): for the archives and the
/// leaders' evaluation. One per unit, level and year.
/// </summary>
public sealed record AssessmentPublished(int Year, string AssessingCode, string UnitCode, string UnitName, string Grade, decimal Total, bool Vetoed,
    DateTimeOffset PublishedAt);

/// <summary>
/// A unit graded 不合格 in an approved assessment: an Art. 31(8) situation, which the sanctions service registers as a
/// case (source FAILED_ASSESSMENT, clause 8) for the competent office to verify. Carries the unit's accountability
/// chain as the registry gave it, so the consumer needs no call back.
/// </summary>
public sealed record AssessmentFailed(int Year, string AssessingCode, string UnitCode, string UnitName, IReadOnlyList<string> UnitChain, decimal Total,
    string Reasons, DateOnly PublishedOn, string PublishedBy);

/// <summary>
/// An advanced unit or individual approved by the commission (Art. 26, 27), for the archives (Art. 22): the individual
/// by the registry's leader id when a leader, else the personnel system's person id.
/// </summary>
public sealed record CommendationConferred(Guid CommendationId, int Year, string CommendingCode, string Kind, string UnitCode, string UnitName,
    string PersonName, Guid? LeaderId, string ExternalPersonId, string Title, DateOnly ConferredOn);

/// <summary>
/// The commission recommended in writing that leaders of a nationally commended city or county be promoted first on
/// equal terms (Art. 29): for the archives (Art. 22) and the organisation and personnel departments.
/// </summary>
public sealed record PromotionRecommended(Guid RecommendationId, string RecommendingCode, string UnitCode, string UnitName, string Title, int CommendedYear,
    IReadOnlyList<Guid> LeaderIds, IReadOnlyList<string> Recipients, DateOnly IssuedOn);
