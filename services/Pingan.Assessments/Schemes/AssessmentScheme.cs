using System.Text.Json;
using Pingan.Assessments.Api;

namespace Pingan.Assessments.Schemes;

/// <summary>One indicator of a scheme: its part of Art. 20, its weight in points and how its input is scored.</summary>
public sealed record IndicatorDefinition(string Code, string Title, Part Part, decimal Weight, Source Source, SortedDictionary<string, decimal> Parameters);

/// <summary>
/// The scheme a level assesses by in a year (Art. 19): indicators whose weights sum to 100 over the three parts of
/// Art. 20, the thresholds of the three grades, and what a veto does to the grade. Stored as set; frozen when the
/// year's assessment opens, so a past year is always scored under its own scheme.
/// </summary>
public sealed class AssessmentScheme
{
    public int Year { get; set; }
    public required string AssessingCode { get; set; }
    /// <summary>The indicators as JSON, in the order set (the stored form is what a re-scoring reads).</summary>
    public required string IndicatorsJson { get; set; }
    public decimal ExcellentFrom { get; set; }
    public decimal PassFrom { get; set; }
    public VetoEffect VetoEffect { get; set; }
    /// <summary>Reading 15: a letter's year-end completion below it (percent) is the year's targets not completed (Art. 31(8)).</summary>
    public decimal TargetsMetFrom { get; set; } = DefaultScheme.TargetsMetFrom;
    public required string Reason { get; set; }
    public DateTimeOffset SetAt { get; set; }
    public required string SetBy { get; set; }
    public DateTimeOffset? FrozenAt { get; set; }
    public string FrozenBy { get; set; } = "";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<IndicatorDefinition> Indicators() => JsonSerializer.Deserialize<List<IndicatorDefinition>>(IndicatorsJson, Json) ?? [];

    public static string Serialize(IEnumerable<IndicatorDefinition> indicators) => JsonSerializer.Serialize(indicators.ToList(), Json);
}

/// <summary>
/// Weights, thresholds, parameters and assessors' points are kept in tenths (numeric): what was set is what is scored,
/// on every machine. A request's figure finer than that is refused, never rounded silently.
/// </summary>
public static class Points
{
    public static bool InTenths(double value) => Math.Abs(value * 10 - Math.Round(value * 10)) < 1e-9;

    public static decimal Tenths(double value) => Math.Round((decimal)value, 1, MidpointRounding.AwayFromZero);
}

/// <summary>
/// What each source's method takes (docs/regulation/assessment-scheme.md): a rate is scored against full_at (percent);
/// a deduction takes points per kind; an assessor's score takes nothing.
/// </summary>
public static class ScoringMethods
{
    public static readonly IReadOnlyDictionary<Source, string[]> Parameters = new Dictionary<Source, string[]>
    {
        [Source.LettersCompletion] = ["full_at"],
        [Source.DutyCompliance] = ["full_at"],
        [Source.SecuritySurvey] = ["full_at"],
        [Source.InspectionFindings] = ["general", "serious", "grave"],
        [Source.SanctionCases] = ["notice", "admonishment", "listing", "veto"],
        [Source.Incidents] = ["general", "serious", "grave"],
        [Source.Assessor] = [],
    };

    public static bool IsRate(Source source) => source is Source.LettersCompletion or Source.DutyCompliance or Source.SecuritySurvey;
}

/// <summary>
/// The platform's default scheme, for a level and year whose office set none (reading 12,
/// docs/regulation/assessment-scheme.md): Art. 19 leaves the indicators to each level, so these are a starting point
/// the office replaces, never a rule.
/// </summary>
public static class DefaultScheme
{
    public const decimal ExcellentFrom = 90, PassFrom = 60, TargetsMetFrom = 60;

    public static IReadOnlyList<IndicatorDefinition> Indicators { get; } =
    [
        new("incidents", "力争不发生重大案事件 (Art. 7(4))", Part.OverallWork, 15, Source.Incidents, P(("general", 1), ("serious", 3), ("grave", 8))),
        new("security-survey", "公众安全感达到90%以上 (Art. 7(4))", Part.OverallWork, 15, Source.SecuritySurvey, P(("full_at", 90))),
        new("overall-assessor", "平安建设整体工作 (考核组评分)", Part.OverallWork, 10, Source.Assessor, P()),
        new("letter-completion", "目标管理责任书完成情况 (Art. 11-13)", Part.LetterCompletion, 30, Source.LettersCompletion, P(("full_at", 100))),
        new("reporting-duties", "按时报告工作 (Art. 9, 14-17, 24, 25)", Part.LeadershipSystem, 10, Source.DutyCompliance, P(("full_at", 100))),
        new("inspection-findings", "督导检查发现问题 (Art. 18)", Part.LeadershipSystem, 10, Source.InspectionFindings, P(("general", 1), ("serious", 2), ("grave", 5))),
        new("accountability", "责任督导和追究 (Art. 31-37)", Part.LeadershipSystem, 10, Source.SanctionCases, P(("notice", 3), ("admonishment", 6), ("listing", 10), ("veto", 10))),
    ];

    private static SortedDictionary<string, decimal> P(params (string Key, decimal Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value), StringComparer.Ordinal);
}
