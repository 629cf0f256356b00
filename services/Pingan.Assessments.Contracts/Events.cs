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
