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
        RuleFor(r => r.TargetsMetFrom).Must(v => v is > 0 and <= 100 && Points.InTenths(v)).When(r => r.HasTargetsMetFrom)
            .WithMessage("must be a percent above 0 and at most 100, in tenths at most (left out: 60)");
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

public sealed class ProposeCommendationValidator : AbstractValidator<ProposeCommendationRequest>
{
    public ProposeCommendationValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Kind).Must(k => k != CommendationKind.Unspecified && Enum.IsDefined(k)).WithMessage("must be ADVANCED_UNIT or ADVANCED_INDIVIDUAL");
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
                .WithMessage("must be the person's id in the personnel system (1-64 characters) when leader_id is empty");
        }).Otherwise(() =>
        {
            RuleFor(r => r.PersonName).Empty().WithMessage("must be empty for an advanced unit");
            RuleFor(r => r.LeaderId).Empty().WithMessage("must be empty for an advanced unit");
            RuleFor(r => r.ExternalPersonId).Empty().WithMessage("must be empty for an advanced unit");
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
        RuleFor(r => r.Attendees).Must(a => a.Count is > 0 and <= 50).WithMessage("must list 1-50 attendees")
            .Must(a => FiveDepartments.All(d => a.Any(x => x.Department == d)))
            .WithMessage(r => "must include each of the five departments of Art. 24 (COMMISSION, DISCIPLINE, ORGANISATION, PERSONNEL, SUPERVISION); missing " +
                string.Join(", ", FiveDepartments.Where(d => r.Attendees.All(x => x.Department != d)).Select(d => d.ToString())));
        RuleForEach(r => r.Attendees).ChildRules(a =>
        {
            a.RuleFor(x => x.Department).Must(d => d != JointMeetingDepartment.Unspecified && Enum.IsDefined(d)).WithMessage("must be one of the five departments, or INVITED");
            a.RuleFor(x => x.Name).Text(100);
        });
        RuleFor(r => r.Opinions).Must(o => o.Count is > 0 and <= 500).WithMessage("must give the meeting's opinion of 1-500 proposals")
            .Must(o => o.Select(x => x.CommendationId).Distinct().Count() == o.Count).WithMessage("must name each proposal once");
        RuleForEach(r => r.Opinions).ChildRules(o =>
        {
            o.RuleFor(x => x.CommendationId).Id();
            o.RuleFor(x => x.Remarks).OptionalText(2000).Must((x, remarks) => x.Endorses || remarks.Trim().Length > 0)
                .WithMessage("must say why the meeting does not endorse the proposal");
        });
    }
}

public sealed class DecideCommendationValidator : AbstractValidator<DecideCommendationRequest>
{
    public DecideCommendationValidator()
    {
        RuleFor(r => r.CommendingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.CommendationId).Id();
        RuleFor(r => r.Reasons).OptionalText(2000).Must((r, reasons) => r.Approve || reasons.Trim().Length > 0).WithMessage("must say why the proposal is rejected");
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
        RuleFor(r => r.On).Must(d => d.Length == 0 || DateOnly.TryParseExact(d, "yyyy-MM-dd", out _)).WithMessage("must be a date YYYY-MM-DD, or empty for today");
        RuleFor(r => r.LeaderId).OptionalId();
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).WithMessage("must be a year between 2000 and 2100, or 0 for the day's year");
    }
}

public sealed class RecordExtraSalaryValidator : AbstractValidator<RecordExtraSalaryRequest>
{
    public RecordExtraSalaryValidator()
    {
        RuleFor(r => r.AssessingCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.UnitCodes).Must(u => u.Count <= 5000).WithMessage("may name 5000 units at most");
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
        RuleFor(r => r.Title).Must(t => t != NationalTitle.Unspecified && Enum.IsDefined(t)).WithMessage("must be NATIONAL_EXCELLENT_CITY or NATIONAL_ADVANCED_COUNTY (Art. 29)");
        RuleFor(r => r.CommendedYear).Year();
        RuleFor(r => r.CommendationDocument).Text(200);
        RuleFor(r => r.Recipients).Must(r => r.Count is > 0 and <= 20).WithMessage("must name the organisation and personnel departments (1-20 units)");
        RuleForEach(r => r.Recipients).UnitCode();
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ListPromotionRecommendationsValidator : AbstractValidator<ListPromotionRecommendationsRequest>
{
    public ListPromotionRecommendationsValidator()
    {
        RuleFor(r => r.RecommendingCode).UnitCode();
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).WithMessage("must be a year between 2000 and 2100, or 0 for every year");
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
            .WithMessage("must be an amount in yuan above 0 with at most two decimals (\"500000\" or \"125000.50\")");
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
