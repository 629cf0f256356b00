using System.Globalization;
using Pingan.Assessments.Api;
using Pingan.Assessments.Inputs;
using Pingan.Assessments.Schemes;
using Pingan.Assessments.Surveys;

namespace Pingan.Assessments.Scoring;

/// <summary>
/// A unit's score under a frozen scheme (Art. 19, 20): a pure function of the scheme and the unit's inputs, in decimal
/// arithmetic rounded to hundredths, so a year re-scored gives the same result byte for byte.
/// </summary>
public static class Scorer
{
    private static readonly string[] StageOrder = ["notice", "admonishment", "listing", "veto"];

    /// <param name="listings">The listings of the unit in force on some day of the year (reading 20), by reference.</param>
    public static UnitResult Score(AssessmentScheme scheme, string unitCode, string unitName, IReadOnlyList<AssessmentInput> inputs, SecuritySurvey? survey,
        IReadOnlyList<string>? listings = null)
    {
        var result = new UnitResult { UnitCode = unitCode, UnitName = unitName };
        decimal total = 0;
        foreach (var indicator in scheme.Indicators())
        {
            var (points, explanation, references) = indicator.Source switch
            {
                Source.LettersCompletion => Rate(indicator, LetterCompletion(scheme.AssessingCode, unitCode, inputs), new("the letter's year-end completion", "责任书年终完成率")),
                Source.DutyCompliance => Rate(indicator, DutyCompliance(inputs), new("reporting duties on time", "按时报送率")),
                Source.SecuritySurvey => Rate(indicator, survey is null ? null
                    : ((decimal)SurveyRate.Of(survey.SampleSize, survey.Satisfied).Rate, [$"survey/{survey.Id}"],
                        new($"{survey.Satisfied} of {survey.SampleSize} felt safe", $"{survey.SampleSize} 人中 {survey.Satisfied} 人感到安全")), new("the sense of security", "群众安全感")),
                Source.InspectionFindings => Deduction(indicator, inputs.Where(i => i.Source == Source.InspectionFindings).Select(i => (i.Kind, i.Reference)), new("finding", "督查问题")),
                Source.Incidents => Deduction(indicator, inputs.Where(i => i.Source == Source.Incidents).Select(i => (i.Kind, i.Reference)), new("incident", "案事件")),
                Source.SanctionCases => Deduction(indicator, HighestStages(inputs), new("case", "责任追究案件")),
                _ => Assessor(indicator, inputs.FirstOrDefault(i => i.Source == Source.Assessor && i.Kind == indicator.Code)),
            };
            total += points;
            var line = new IndicatorResult
            {
                Code = indicator.Code, Part = indicator.Part, Source = indicator.Source, Weight = (double)indicator.Weight, Explanation = explanation.En,
                ExplanationZh = explanation.Zh, Points = (double)points,
            };
            line.References.AddRange(references);
            result.Indicators.Add(line);
        }
        result.Total = (double)total;
        // Reading 15 (Art. 31(8)): the letter from the assessing level completed below the scheme's line.
        result.TargetsUnmet = LetterCompletion(scheme.AssessingCode, unitCode, inputs) is { } letter && letter.Item1 < scheme.TargetsMetFrom;
        result.Vetoed = inputs.Any(i => i.Source == Source.SanctionCases && i.Kind == "veto");
        var grade = total >= scheme.ExcellentFrom ? Grade.Excellent : total >= scheme.PassFrom ? Grade.Pass : Grade.Fail;
        // Art. 37 and 豫办〔2009〕23号: a veto's effect on the grade is the scheme's setting.
        if (result.Vetoed) grade = scheme.VetoEffect == VetoEffect.FailGrade ? Grade.Fail : grade == Grade.Excellent ? Grade.Pass : grade;
        // Reading 20 (Art. 35 ¶4 "挂牌督办期间,取消该地方、单位评选综合性荣誉称号的资格"): listed in the year, not 优秀.
        result.Listed = listings is { Count: > 0 } || inputs.Any(i => i.Source == Source.SanctionCases && i.Kind == "listing");
        if (result.Listed && grade == Grade.Excellent) grade = Grade.Pass;
        result.ProposedGrade = grade;
        return result;
    }

    /// <summary>An explanation in both languages: the English the API has always given, and the Chinese a person reads.</summary>
    private readonly record struct Words(string En, string Zh);

    private static (decimal, Words, string[]) Rate(IndicatorDefinition indicator, (decimal Rate, string[] References, Words What)? input, Words name)
    {
        var fullAt = indicator.Parameters["full_at"];
        if (input is not { } i) return (0m, new($"no figure for {name.En}: 0 points", $"无{name.Zh}数据：0 分"), []);
        var points = Round(indicator.Weight * Math.Min(1m, i.Rate / fullAt));
        return (points, new(
            $"{name.En} {F(i.Rate)}% ({i.What.En}), full marks from {F(fullAt)}%: {F(indicator.Weight)} x min(1, {F(i.Rate)} / {F(fullAt)}) = {F(points)}",
            $"{name.Zh} {F(i.Rate)}%（{i.What.Zh}），{F(fullAt)}% 起得满分：{F(indicator.Weight)} × min(1, {F(i.Rate)} / {F(fullAt)}) = {F(points)}"), i.References);
    }

    private static (decimal, Words, string[]) Deduction(IndicatorDefinition indicator, IEnumerable<(string Kind, string Reference)> facts, Words what)
    {
        var list = facts.ToList();
        var counts = list.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Kind: g.Key, Count: g.Count(), Each: indicator.Parameters.GetValueOrDefault(g.Key))).ToList();
        var deducted = counts.Sum(c => c.Count * c.Each);
        var points = Math.Max(0m, Round(indicator.Weight - deducted));
        var explanation = counts.Count == 0
            ? new Words($"no {what.En} in the year: {F(indicator.Weight)}", $"本年度无{what.Zh}：{F(indicator.Weight)}")
            : new Words($"{string.Join(", ", counts.Select(c => $"{c.Count} {c.Kind} {what.En}{(c.Count == 1 ? "" : "s")} x {F(c.Each)}"))}: {F(indicator.Weight)} - {F(deducted)} = {F(points)}",
                $"{string.Join("，", counts.Select(c => $"{KindZh(c.Kind)}{what.Zh} {c.Count} 件 × {F(c.Each)}"))}：{F(indicator.Weight)} - {F(deducted)} = {F(points)}");
        return (points, explanation, [.. list.Select(f => f.Reference).Order(StringComparer.Ordinal)]);
    }

    private static (decimal, Words, string[]) Assessor(IndicatorDefinition indicator, AssessmentInput? score) => score is null
        ? (0m, new("awaiting the assessors' score (0 until recorded)", "待考核组评分（评分前计 0 分）"), [])
        : (Math.Min(score.Value, indicator.Weight), new($"the assessors' score {F(score.Value)} of {F(indicator.Weight)}: {score.Detail}",
            $"考核组评分 {F(score.Value)}（满分 {F(indicator.Weight)}）：{score.Detail}"), [score.Reference]);

    /// <summary>The kinds the producers send (a finding's or incident's severity, a case's stage), as a person names them.</summary>
    private static string KindZh(string kind) => kind switch
    {
        "general" => "一般", "serious" => "严重", "grave" => "重大",
        "notice" => "通报", "admonishment" => "约谈", "listing" => "挂牌督办", "veto" => "一票否决",
        _ => kind,
    };

    /// <summary>The letter from the assessing level to the unit; another issuer's (a vertical system's) does not count here.</summary>
    private static (decimal, string[], Words)? LetterCompletion(string assessingCode, string unitCode, IReadOnlyList<AssessmentInput> inputs) =>
        inputs.FirstOrDefault(i => i.Source == Source.LettersCompletion && i.Reference.EndsWith($"/{assessingCode}/{unitCode}", StringComparison.Ordinal)) is { } letter
            ? (letter.Value, [letter.Reference], letter.Kind == "signed" ? new Words("signed by both sides", "双方已签署") : new Words("not signed by both sides", "双方未全部签署"))
            : null;

    private static (decimal, string[], Words)? DutyCompliance(IReadOnlyList<AssessmentInput> inputs)
    {
        var duties = inputs.Where(i => i.Source == Source.DutyCompliance).ToList();
        if (duties.Count == 0) return (100m, [], new("no duty fell due", "无到期的报告任务"));
        var onTime = duties.Count(d => d.Kind == "on-time");
        int late = duties.Count(d => d.Kind == "late"), missed = duties.Count(d => d.Kind == "missed");
        return (Round(100m * onTime / duties.Count), [.. duties.Select(d => d.Reference).Order(StringComparer.Ordinal)],
            new($"{onTime} of {duties.Count} on time, {late} late, {missed} missed", $"{duties.Count} 项中按时 {onTime} 项，迟报 {late} 项，未报 {missed} 项"));
    }

    /// <summary>Each case counts once, at the highest stage it reached in the year.</summary>
    private static IEnumerable<(string Kind, string Reference)> HighestStages(IReadOnlyList<AssessmentInput> inputs) =>
        inputs.Where(i => i.Source == Source.SanctionCases)
            .GroupBy(i => i.Reference[..i.Reference.LastIndexOf('/')])
            .Select(g => g.MaxBy(i => Array.IndexOf(StageOrder, i.Kind))!)
            .Select(i => (i.Kind, i.Reference));

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string F(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
