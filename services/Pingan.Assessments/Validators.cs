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
        RuleFor(r => r.Indicators).Must(i => i.Count is > 0 and <= 60).WithMessage("must hold 1-60 indicators");
        // Art. 19, 20: the weights share 100 points over the three parts, each part with at least one indicator.
        RuleFor(r => r.Indicators)
            .Must(i => i.Sum(x => (decimal)Math.Round(x.Weight, 1)) == 100)
            .WithMessage(r => $"weights must sum to 100, not {r.Indicators.Sum(x => Math.Round(x.Weight, 1)).ToString(CultureInfo.InvariantCulture)}")
            .Must(i => new[] { Part.OverallWork, Part.LetterCompletion, Part.LeadershipSystem }.All(p => i.Any(x => x.Part == p)))
            .WithMessage("must cover the three parts of Art. 20: OVERALL_WORK, LETTER_COMPLETION and LEADERSHIP_SYSTEM")
            .Must(i => i.Select(x => x.Code).Distinct(StringComparer.Ordinal).Count() == i.Count).WithMessage("must have distinct codes");
        RuleForEach(r => r.Indicators).ChildRules(i =>
        {
            i.RuleFor(x => x.Code).Must(c => IndicatorCode().IsMatch(c)).WithMessage("must be 1-40 lower-case letters, digits or hyphens");
            i.RuleFor(x => x.Title).Text(200);
            i.RuleFor(x => x.Part).Must(p => p != Part.Unspecified && Enum.IsDefined(p)).WithMessage("must be OVERALL_WORK, LETTER_COMPLETION or LEADERSHIP_SYSTEM");
            i.RuleFor(x => x.Weight).Must(w => w is > 0 and <= 100 && Points.InTenths(w)).WithMessage("must be above 0 and at most 100, in tenths at most");
            i.RuleFor(x => x.Source).Must(s => s != Source.Unspecified && Enum.IsDefined(s)).WithMessage("must be a source the platform scores");
            i.RuleFor(x => x.Parameters).Must((x, p) => !ScoringMethods.Parameters.TryGetValue(x.Source, out var wanted) || wanted.Order(StringComparer.Ordinal).SequenceEqual(p.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                .WithMessage(x => ScoringMethods.Parameters.TryGetValue(x.Source, out var wanted)
                    ? wanted.Length == 0 ? $"must be empty for {x.Source}" : $"must be exactly {string.Join(", ", wanted)} for {x.Source}"
                    : "")
                .Must((x, p) => p.All(kv => kv.Value >= 0 && Points.InTenths(kv.Value) && (kv.Key != "full_at" || kv.Value is > 0 and <= 100) && kv.Value <= Math.Max(x.Weight, 100)))
                .WithMessage("must be points (or a percent for full_at, above 0 and at most 100), at least 0, in tenths at most");
        });
        // Exactly three grades (Art. 20): 优秀 from excellent_from, 合格 from pass_from, 不合格 below.
        RuleFor(r => r.ExcellentFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).WithMessage("must be above 0 and at most 100, in tenths at most");
        RuleFor(r => r.PassFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).WithMessage("must be above 0 and at most 100, in tenths at most")
            .Must((r, v) => v < r.ExcellentFrom).WithMessage(r => $"must be below excellent_from ({r.ExcellentFrom.ToString(CultureInfo.InvariantCulture)}): the grades may not overlap");
        RuleFor(r => r.VetoEffect).Must(Enum.IsDefined).WithMessage("must be NOT_EXCELLENT or FAIL_GRADE (unspecified: NOT_EXCELLENT)");
    }
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
        RuleFor(r => r.Points).Must(p => p >= 0 && Points.InTenths(p)).WithMessage("must be 0 or more, in tenths at most");
        RuleFor(r => r.Reasons).Text(2000);
        RuleFor(r => r.Evidence).Must(e => e.Count is > 0 and <= 20).WithMessage("must name 1-20 pieces of evidence: a score rests on them");
        RuleForEach(r => r.Evidence).Must(e => e.Trim().Length is > 0 and <= 200).WithMessage("must be 1-200 characters");
    }
}

public sealed class AdjustGradeValidator : AbstractValidator<AdjustGradeRequest>
{
    public AdjustGradeValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Grade).Must(g => g != Grade.Unspecified && Enum.IsDefined(g)).WithMessage("must be EXCELLENT, PASS or FAIL (Art. 20)");
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
        RuleFor(r => r.Distribution).Must(d => d.Count <= 500).WithMessage("may name 500 recipients at most");
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
        RuleFor(r => r.SampleSize).InclusiveBetween(1, 10_000_000).WithMessage("must be 1 or more people asked");
        RuleFor(r => r.Satisfied).Must((r, s) => s >= 0 && s <= r.SampleSize).WithMessage(r => $"must be 0-{r.SampleSize}: no more than were asked (sample_size)");
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
