using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using Pingan.Assessments.Api;
using Pingan.Assessments.Schemes;
using Pingan.ServiceDefaults;

namespace Pingan.Assessments;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

public sealed class GetSchemeValidator : AbstractValidator<GetSchemeRequest>
{
    public GetSchemeValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed partial class SetSchemeValidator : AbstractValidator<SetSchemeRequest>
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IndicatorCode();

    public SetSchemeValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.Indicators).Must(i => i.Count is > 0 and <= 60).Says("须含 1 至 60 项考核指标", "must hold 1-60 indicators");
        // Art. 19, 20: the weights share 100 points over the three parts, each part with at least one indicator.
        RuleFor(r => r.Indicators)
            .Must(i => i.Sum(x => (decimal)Math.Round(x.Weight, 1)) == 100)
            .Says(r => $"权重合计应为 100，现为 {WeightSum(r)}", r => $"weights must sum to 100, not {WeightSum(r)}")
            .Must(i => new[] { Part.OverallWork, Part.LetterCompletion, Part.LeadershipSystem }.All(p => i.Any(x => x.Part == p)))
            .Says("须涵盖第二十条规定的三部分：OVERALL_WORK、LETTER_COMPLETION 和 LEADERSHIP_SYSTEM", "must cover the three parts of Art. 20: OVERALL_WORK, LETTER_COMPLETION and LEADERSHIP_SYSTEM")
            .Must(i => i.Select(x => x.Code).Distinct(StringComparer.Ordinal).Count() == i.Count).Says("考核指标编号不得重复", "must have distinct codes");
        RuleForEach(r => r.Indicators).ChildRules(i =>
        {
            i.RuleFor(x => x.Code).Must(c => IndicatorCode().IsMatch(c)).Says("必须是 1-40 个小写字母、数字或连字符", "must be 1-40 lower-case letters, digits or hyphens");
            i.RuleFor(x => x.Title).Text(200);
            i.RuleFor(x => x.Part).Must(p => p != Part.Unspecified && Enum.IsDefined(p)).Says("必须是 OVERALL_WORK、LETTER_COMPLETION 或 LEADERSHIP_SYSTEM", "must be OVERALL_WORK, LETTER_COMPLETION or LEADERSHIP_SYSTEM");
            i.RuleFor(x => x.Weight).Must(w => w is > 0 and <= 100 && Points.InTenths(w)).Says("必须大于 0 且不超过 100，最多 1 位小数", "must be above 0 and at most 100, in tenths at most");
            i.RuleFor(x => x.Source).Must(s => s != Source.Unspecified && Enum.IsDefined(s)).Says("必须是平台可计分的来源", "must be a source the platform scores");
            i.RuleFor(x => x.Parameters).Must((x, p) => !ScoringMethods.Parameters.TryGetValue(x.Source, out var wanted) || wanted.Order(StringComparer.Ordinal).SequenceEqual(p.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                .Says(x => ScoringMethods.Parameters.TryGetValue(x.Source, out var wanted)
                        ? wanted.Length == 0 ? $"{x.Source} 不设参数，须为空" : $"{x.Source} 的参数须恰好为 {string.Join("、", wanted)}"
                        : "",
                    x => ScoringMethods.Parameters.TryGetValue(x.Source, out var wanted)
                        ? wanted.Length == 0 ? $"must be empty for {x.Source}" : $"must be exactly {string.Join(", ", wanted)} for {x.Source}"
                        : "")
                .Must((x, p) => p.All(kv => kv.Value >= 0 && Points.InTenths(kv.Value) && (kv.Key != "full_at" || kv.Value is > 0 and <= 100) && kv.Value <= Math.Max(x.Weight, 100)))
                .Says("必须是不小于 0 的分值（full_at 为百分比，大于 0 且不超过 100），最多 1 位小数", "must be points (or a percent for full_at, above 0 and at most 100), at least 0, in tenths at most");
        });
        // Exactly three grades (Art. 20): 优秀 from excellent_from, 合格 from pass_from, 不合格 below.
        RuleFor(r => r.ExcellentFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).Says("必须大于 0 且不超过 100，最多 1 位小数", "must be above 0 and at most 100, in tenths at most");
        RuleFor(r => r.PassFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).Says("必须大于 0 且不超过 100，最多 1 位小数", "must be above 0 and at most 100, in tenths at most")
            .Must((r, v) => v < r.ExcellentFrom).Says(r => $"必须低于 excellent_from（{r.ExcellentFrom.ToString(CultureInfo.InvariantCulture)}）：各等次分数段不得重叠", r => $"must be below excellent_from ({r.ExcellentFrom.ToString(CultureInfo.InvariantCulture)}): the grades may not overlap");
        RuleFor(r => r.TargetsMetFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).When(r => r.HasTargetsMetFrom)
            .Says("必须是大于 0 且不超过 100 的百分比，最多 1 位小数（不填则为 60）", "must be a percent above 0 and at most 100, in tenths at most (left out: 60)");
        RuleFor(r => r.VetoEffect).Must(Enum.IsDefined).Says("必须是 NOT_EXCELLENT 或 FAIL_GRADE（未指定时为 NOT_EXCELLENT）", "must be NOT_EXCELLENT or FAIL_GRADE (unspecified: NOT_EXCELLENT)");
    }

    private static string WeightSum(SetSchemeRequest r) => r.Indicators.Sum(x => Math.Round(x.Weight, 1)).ToString(CultureInfo.InvariantCulture);
}

public sealed class OpenAssessmentValidator : AbstractValidator<OpenAssessmentRequest>
{
    public OpenAssessmentValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class RecordAssessorScoreValidator : AbstractValidator<RecordAssessorScoreRequest>
{
    public RecordAssessorScoreValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.IndicatorCode).Text(40);
        RuleFor(r => r.Points).Must(p => p >= 0 && Points.InTenths(p)).Says("必须不小于 0，最多 1 位小数", "must be 0 or more, in tenths at most");
        RuleFor(r => r.Reasons).Text(2000);
        RuleFor(r => r.Evidence).Must(e => e.Count is > 0 and <= 20).Says("须列明 1 至 20 项佐证材料：评分以佐证材料为依据", "must name 1-20 pieces of evidence: a score rests on them");
        RuleForEach(r => r.Evidence).Must(e => e.Trim().Length is > 0 and <= 200).Says("必填，最多 200 个字", "must be 1-200 characters");
    }
}

public sealed class AdjustGradeValidator : AbstractValidator<AdjustGradeRequest>
{
    public AdjustGradeValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Grade).Must(g => g != Grade.Unspecified && Enum.IsDefined(g)).Says("必须是 EXCELLENT、PASS 或 FAIL（第二十条）", "must be EXCELLENT, PASS or FAIL (Art. 20)");
        RuleFor(r => r.Reasons).Text(2000);
    }
}

public sealed class ApproveAssessmentValidator : AbstractValidator<ApproveAssessmentRequest>
{
    public ApproveAssessmentValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class PublishAssessmentValidator : AbstractValidator<PublishAssessmentRequest>
{
    public PublishAssessmentValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Distribution).Must(d => d.Count <= 500).Says("最多列 500 个接收单位", "may name 500 recipients at most");
        RuleForEach(r => r.Distribution).UnitCode();
    }
}

public sealed class ScoreAssessmentValidator : AbstractValidator<ScoreAssessmentRequest>
{
    public ScoreAssessmentValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class GetAssessmentValidator : AbstractValidator<GetAssessmentRequest>
{
    public GetAssessmentValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class GetRankingValidator : AbstractValidator<GetRankingRequest>
{
    public GetRankingValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class ListInputsValidator : AbstractValidator<ListInputsRequest>
{
    public ListInputsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class RecordSurveyValidator : AbstractValidator<RecordSurveyRequest>
{
    public RecordSurveyValidator()
    {
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.SampleSize).InclusiveBetween(1, 10_000_000).Says("样本量至少为 1 人", "must be 1 or more people asked");
        RuleFor(r => r.Satisfied).Must((r, s) => s >= 0 && s <= r.SampleSize).Says(r => $"必须是 0 至 {r.SampleSize} 之间的数：不得超过样本量（sample_size）", r => $"must be 0-{r.SampleSize}: no more than were asked (sample_size)");
        RuleFor(r => r.ConductedBy).Text(200);
        RuleFor(r => r.ConductedOn).Day();
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ListSurveysValidator : AbstractValidator<ListSurveysRequest>
{
    public ListSurveysValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class ProposeCommendationValidator : AbstractValidator<ProposeCommendationRequest>
{
    public ProposeCommendationValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Kind).Must(k => k != CommendationKind.Unspecified && Enum.IsDefined(k)).Says("必须是 ADVANCED_UNIT 或 ADVANCED_INDIVIDUAL", "must be ADVANCED_UNIT or ADVANCED_INDIVIDUAL");
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Title).Text(200);
        RuleFor(r => r.Citation).Text(4000);
        RuleFor(r => r.RequestId).RequestId();
        // An individual is named, and identified by the registry's leader id or the personnel system's person id.
        When(r => r.Kind == CommendationKind.AdvancedIndividual, () =>
        {
            RuleFor(r => r.PersonName).Text(100);
            RuleFor(r => r.LeaderId).OptionalId();
            RuleFor(r => r.ExternalPersonId).Must((r, id) => r.LeaderId.Length > 0 || id.Trim().Length is > 0 and <= 64)
                .Says("leader_id 为空时，须填写该人员在人事系统中的编号（1-64 个字符）", "must be the person's id in the personnel system (1-64 characters) when leader_id is empty");
        }).Otherwise(() =>
        {
            RuleFor(r => r.PersonName).Empty().Says("表彰先进单位时须为空", "must be empty for an advanced unit");
            RuleFor(r => r.LeaderId).Empty().Says("表彰先进单位时须为空", "must be empty for an advanced unit");
            RuleFor(r => r.ExternalPersonId).Empty().Says("表彰先进单位时须为空", "must be empty for an advanced unit");
        });
    }
}

public sealed class StudyCommendationsValidator : AbstractValidator<StudyCommendationsRequest>
{
    /// <summary>Art. 24: 综治、纪检、组织、人事、监察.</summary>
    private static readonly JointMeetingDepartment[] FiveDepartments =
        [JointMeetingDepartment.DeptCommission, JointMeetingDepartment.DeptDiscipline, JointMeetingDepartment.DeptOrganisation, JointMeetingDepartment.DeptPersonnel, JointMeetingDepartment.DeptSupervision];

    public StudyCommendationsValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.HeldOn).Day();
        RuleFor(r => r.Minutes).Text(8000);
        RuleFor(r => r.Attendees).Must(a => a.Count is > 0 and <= 50).Says("须列出 1 至 50 名出席人员", "must list 1-50 attendees")
            .Must(a => FiveDepartments.All(d => a.Any(x => x.Department == d)))
            .Says(r => "须包括第二十四条规定的五个部门（DEPT_COMMISSION、DEPT_DISCIPLINE、DEPT_ORGANISATION、DEPT_PERSONNEL、DEPT_SUPERVISION）；缺少：" + Missing(r, "、"),
                r => "must include each of the five departments of Art. 24 (DEPT_COMMISSION, DEPT_DISCIPLINE, DEPT_ORGANISATION, DEPT_PERSONNEL, DEPT_SUPERVISION); missing " + Missing(r, ", "));
        RuleForEach(r => r.Attendees).ChildRules(a =>
        {
            a.RuleFor(x => x.Department).Must(d => d != JointMeetingDepartment.Unspecified && Enum.IsDefined(d)).Says("必须是五个部门之一，或 INVITED", "must be one of the five departments, or INVITED");
            a.RuleFor(x => x.Name).Text(100);
        });
        RuleFor(r => r.Opinions).Must(o => o.Count is > 0 and <= 500).Says("须载明联席会议对 1 至 500 项建议的意见", "must give the meeting's opinion of 1-500 proposals")
            .Must(o => o.Select(x => x.CommendationId).Distinct().Count() == o.Count).Says("各项建议不得重复列出", "must name each proposal once");
        RuleForEach(r => r.Opinions).ChildRules(o =>
        {
            o.RuleFor(x => x.CommendationId).Id();
            o.RuleFor(x => x.Remarks).OptionalText(2000).Must((x, remarks) => x.Endorses || remarks.Trim().Length > 0)
                .Says("联席会议不同意该建议的，须说明理由", "must say why the meeting does not endorse the proposal");
        });
    }

    /// <summary>The five departments of Art. 24 the meeting's attendees leave out, joined by <paramref name="separator"/>.</summary>
    private static string Missing(StudyCommendationsRequest r, string separator) =>
        string.Join(separator, FiveDepartments.Where(d => r.Attendees.All(x => x.Department != d)).Select(d => "DEPT_" + d.ToString()["Dept".Length..].ToUpperInvariant()));
}

public sealed class DecideCommendationValidator : AbstractValidator<DecideCommendationRequest>
{
    public DecideCommendationValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.CommendationId).Id();
        RuleFor(r => r.Reasons).OptionalText(2000).Must((r, reasons) => r.Approve || reasons.Trim().Length > 0).Says("不批准该建议的，须说明理由", "must say why the proposal is rejected");
    }
}

public sealed class ListCommendationsValidator : AbstractValidator<ListCommendationsRequest>
{
    public ListCommendationsValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class GetEligibilityValidator : AbstractValidator<GetEligibilityRequest>
{
    public GetEligibilityValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.On).Must(d => d.Length == 0 || DateOnly.TryParseExact(d, "yyyy-MM-dd", out _)).Says("必须是日期，格式 YYYY-MM-DD；为空表示今天", "must be a date YYYY-MM-DD, or empty for today");
        RuleFor(r => r.LeaderId).OptionalId();
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).Says("必须是 2000 至 2100 之间的年份；为 0 表示该日所在年度", "must be a year between 2000 and 2100, or 0 for the day's year");
    }
}

public sealed class RecordExtraSalaryValidator : AbstractValidator<RecordExtraSalaryRequest>
{
    public RecordExtraSalaryValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCodes).Must(u => u.Count <= 5000).Says("最多列 5000 个单位", "may name 5000 units at most");
        RuleForEach(r => r.UnitCodes).UnitCode();
        RuleFor(r => r.Document).Text(200);
        RuleFor(r => r.DecidedOn).Day();
    }
}

public sealed class GetExtraSalaryListValidator : AbstractValidator<GetExtraSalaryListRequest>
{
    public GetExtraSalaryListValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class RecommendPromotionValidator : AbstractValidator<RecommendPromotionRequest>
{
    public RecommendPromotionValidator()
    {
        RuleFor(r => r.RecommendingCode).UnitCode();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Title).Must(t => t != NationalTitle.Unspecified && Enum.IsDefined(t)).Says("必须是 NATIONAL_EXCELLENT_CITY 或 NATIONAL_ADVANCED_COUNTY（第二十九条）", "must be NATIONAL_EXCELLENT_CITY or NATIONAL_ADVANCED_COUNTY (Art. 29)");
        RuleFor(r => r.CommendedYear).Year();
        RuleFor(r => r.CommendationDocument).Text(200);
        RuleFor(r => r.Recipients).Must(r => r.Count is > 0 and <= 20).Says("须列明组织、人事部门（1 至 20 个单位）", "must name the organisation and personnel departments (1-20 units)");
        RuleForEach(r => r.Recipients).UnitCode();
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ListPromotionRecommendationsValidator : AbstractValidator<ListPromotionRecommendationsRequest>
{
    public ListPromotionRecommendationsValidator()
    {
        RuleFor(r => r.RecommendingCode).UnitCode();
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).Says("必须是 2000 至 2100 之间的年份；为 0 表示全部年度", "must be a year between 2000 and 2100, or 0 for every year");
    }
}

public sealed class GetPromotionRecommendationValidator : AbstractValidator<GetPromotionRecommendationRequest>
{
    public GetPromotionRecommendationValidator() => RuleFor(r => r.RecommendationId).Id();
}

public sealed partial class RecordFundAwardValidator : AbstractValidator<RecordFundAwardRequest>
{
    [GeneratedRegex(@"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
    private static partial Regex Yuan();

    public RecordFundAwardValidator()
    {
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Amount).Must(a => Yuan().IsMatch(a) && decimal.Parse(a, CultureInfo.InvariantCulture) > 0)
            .Says("必须是大于 0 的金额（元），最多两位小数（如“500000”或“125000.50”）", "must be an amount in yuan above 0 with at most two decimals (\"500000\" or \"125000.50\")");
        RuleFor(r => r.Purpose).Text(500);
        RuleFor(r => r.Document).Text(200);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ListFundAwardsValidator : AbstractValidator<ListFundAwardsRequest>
{
    public ListFundAwardsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class ListProblemsValidator : AbstractValidator<ListProblemsRequest>
{
    public ListProblemsValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}
