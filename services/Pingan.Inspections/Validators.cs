using System.Globalization;
using FluentValidation;
using Pingan.Inspections.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Inspections;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

public sealed class PlanInspectionValidator : AbstractValidator<PlanInspectionRequest>
{
    public PlanInspectionValidator()
    {
        RuleFor(r => r.Form).Must(f => f != Form.Unspecified && Enum.IsDefined(f)).WithMessage("must be SPECIAL, COVERT, PATROL, SEMI_ANNUAL or ANNUAL (Art. 18)");
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Title).Text(200);
        RuleFor(r => r.WorkItem).OptionalText(500);
        RuleFor(r => r.WorkItem).Must(w => w.Trim().Length > 0).WithMessage("must name the one work item a special inspection checks (Art. 18 专项督查)")
            .When(r => r.Form == Form.Special);
        RuleFor(r => r.StartsOn).Day();
        RuleFor(r => r.EndsOn).Day();
        RuleFor(r => r.EndsOn).Must((r, end) => string.CompareOrdinal(end, r.StartsOn) >= 0).WithMessage(r => $"is before starts_on ({r.StartsOn})")
            .When(r => Inspections.Dates.AreDays(r.StartsOn, r.EndsOn));
        RuleFor(r => r.StartsOn).Must((r, start) => start.StartsWith(r.Year.ToString(CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal))
            .WithMessage(r => $"must lie in the inspected year {r.Year}").When(r => Inspections.Dates.AreDays(r.StartsOn));
        RuleFor(r => r.TargetCodes).Must(t => t.Count is > 0 and <= 500).WithMessage("must name 1-500 units to inspect");
        RuleForEach(r => r.TargetCodes).UnitCode();
        RuleFor(r => r.TargetCodes).Must(t => t.Distinct().Count() == t.Count).WithMessage("names a unit twice");
        RuleFor(r => r.Team).Must(t => t.Count is > 0 and <= 50).WithMessage("must list 1-50 members");
        RuleForEach(r => r.Team).SetValidator(r => new TeamMemberValidator(r.Form));
        RuleFor(r => r.Team).Must(t => t.Where(m => m.Subject.Trim().Length > 0).GroupBy(m => m.Subject.Trim()).All(g => g.Count() == 1))
            .WithMessage("names an account twice");
        RuleFor(r => r.Team).Must(t => t.Count(m => m.Leads) <= 1).WithMessage("may have one leader (leads) at most");
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class TeamMemberValidator : AbstractValidator<TeamMember>
{
    public TeamMemberValidator(Form form)
    {
        RuleFor(m => m.Subject).OptionalText(200);
        if (form == Form.Patrol)
        {
            // Art. 18 巡视: members of the commission; their names and units come from the registry.
            RuleFor(m => m.LeaderId).Id().WithMessage("must be the registry id of a commission member (a patrol is made by them, Art. 18)");
        }
        else
        {
            RuleFor(m => m.Subject).Must(s => s.Trim().Length > 0).WithMessage("must be the inspector's account");
            RuleFor(m => m.Name).Text(50);
            RuleFor(m => m.UnitCode).UnitCode();
            RuleFor(m => m.LeaderId).OptionalId();
        }
    }
}

public sealed class GetInspectionValidator : AbstractValidator<GetInspectionRequest>
{
    public GetInspectionValidator() => RuleFor(r => r.InspectionId).Id();
}

public sealed class ListInspectionsValidator : AbstractValidator<ListInspectionsRequest>
{
    public ListInspectionsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).WithMessage("must be 0 (every year) or a year between 2000 and 2100");
        RuleFor(r => r.Form).Must(Enum.IsDefined).WithMessage("must be a form of Art. 18, or unspecified for all");
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).WithMessage("must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).WithMessage("must be a next_page_token of an earlier page");
    }
}

public sealed class RecordVisitValidator : AbstractValidator<RecordVisitRequest>
{
    public RecordVisitValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.TargetCode).UnitCode();
        RuleFor(r => r.VisitedOn).Day();
        RuleFor(r => r.Note).OptionalText(2000);
    }
}

public sealed class UploadEvidenceValidator : AbstractValidator<UploadEvidenceRequest>
{
    public UploadEvidenceValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.FileName).Text(200);
        RuleFor(r => r.CapturedAt).Must(t => t.Length == 0 || DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage("must be empty or a time in RFC 3339 (2026-05-12T09:30:00+08:00)");
        RuleFor(r => r.CapturedPlace).OptionalText(200);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class GetEvidenceValidator : AbstractValidator<GetEvidenceRequest>
{
    public GetEvidenceValidator() => RuleFor(r => r.EvidenceId).Id();
}

public sealed class RecordFindingValidator : AbstractValidator<RecordFindingRequest>
{
    public RecordFindingValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.TargetCode).UnitCode();
        RuleFor(r => r.Concern).NotNull().WithMessage("must say what the finding concerns: an indicator, a letter target, an Art. 31 clause or a work item");
        RuleFor(r => r.Concern.Kind).Must(k => k != ConcernKind.Unspecified && Enum.IsDefined(k))
            .WithMessage("must be INDICATOR, LETTER_TARGET, ART31_CLAUSE or WORK_ITEM").OverridePropertyName("concern.kind").When(r => r.Concern is not null);
        RuleFor(r => r.Concern.Clause).InclusiveBetween(1, 9).WithMessage("must be the Art. 31 clause, 1 to 9")
            .OverridePropertyName("concern.clause").When(r => r.Concern?.Kind == ConcernKind.Art31Clause);
        RuleFor(r => r.Concern.Reference).Text(200).OverridePropertyName("concern.reference")
            .When(r => r.Concern is not null && r.Concern.Kind != ConcernKind.Art31Clause);
        RuleFor(r => r.Severity).Must(s => s != FindingSeverity.Unspecified && Enum.IsDefined(s)).WithMessage("must be GENERAL, SERIOUS or GRAVE");
        RuleFor(r => r.Description).Text(4000);
        RuleFor(r => r.ObservedOn).Day();
        RuleForEach(r => r.EvidenceIds).Id();
        RuleFor(r => r.EvidenceIds).Must(e => e.Count <= 50).WithMessage("may cite 50 files at most");
        RuleFor(r => r.RectificationWorkingDays).InclusiveBetween(0, 250).WithMessage("must be 1-250 working days, or 0 when no rectification is demanded");
        RuleFor(r => r.RectificationDemand).OptionalText(2000);
        RuleFor(r => r.RectificationDemand).Must(d => d.Trim().Length > 0).WithMessage("must say what is to be rectified when rectification_working_days is set")
            .When(r => r.RectificationWorkingDays > 0);
        RuleFor(r => r.RectificationWorkingDays).GreaterThan(0).WithMessage("must give the working days to rectify in when a rectification is demanded")
            .When(r => r.RectificationDemand.Trim().Length > 0);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class CompleteInspectionValidator : AbstractValidator<CompleteInspectionRequest>
{
    public CompleteInspectionValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.Summary).OptionalText(4000);
    }
}

public sealed class ReportRectificationValidator : AbstractValidator<ReportRectificationRequest>
{
    public ReportRectificationValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.FindingId).Id();
        RuleFor(r => r.Report).Text(4000);
        RuleForEach(r => r.EvidenceIds).Id();
        RuleFor(r => r.EvidenceIds).Must(e => e.Count is > 0 and <= 50).WithMessage("must cite 1-50 files of evidence of the rectification");
    }
}

public sealed class VerifyRectificationValidator : AbstractValidator<VerifyRectificationRequest>
{
    public VerifyRectificationValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.FindingId).Id();
        RuleFor(r => r.Verdict).OptionalText(2000);
        RuleFor(r => r.Verdict).Must(v => v.Trim().Length > 0).WithMessage("must say what is still missing when the rectification is not accepted").When(r => !r.Accepted);
    }
}

public sealed class ReferFindingValidator : AbstractValidator<ReferFindingRequest>
{
    public static readonly string[] Severities = ["ORDINARY", "SERIOUS", "ESPECIALLY_SERIOUS", "VETO_GRADE"];

    public ReferFindingValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.FindingId).Id();
        RuleFor(r => r.Clause).InclusiveBetween(1, 9).WithMessage("must be the Art. 31 clause, 1 to 9");
        RuleFor(r => r.Severity).Must(Severities.Contains).WithMessage($"must be one of {string.Join(", ", Severities)}");
        RuleFor(r => r.Reasons).Text(2000);
    }
}

// ---------------------------------------------------------------- reporting duties

public sealed class GetDutyScheduleValidator : AbstractValidator<GetDutyScheduleRequest>
{
    public GetDutyScheduleValidator() => RuleFor(r => r.Year).Year();
}

public sealed class SetDutyScheduleValidator : AbstractValidator<SetDutyScheduleRequest>
{
    public SetDutyScheduleValidator()
    {
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.Rules).Must(r => r.Count is > 0 and <= 50).WithMessage("must hold 1-50 duties");
        RuleFor(r => r.Rules).Must(r => r.Select(x => x.Kind.Trim()).Distinct().Count() == r.Count).WithMessage("names a kind twice");
        RuleForEach(r => r.Rules).ChildRules(rule =>
        {
            rule.RuleFor(x => x.Kind).Must(k => System.Text.RegularExpressions.Regex.IsMatch(k, "^[a-z0-9-]{1,64}$")).WithMessage("must be 1-64 lower-case letters, digits or '-'");
            rule.RuleFor(x => x.Title).Text(200);
            rule.RuleFor(x => x.Article).Text(32);
            rule.RuleFor(x => x.Party).Must(p => p != DutyParty.Unspecified && Enum.IsDefined(p)).WithMessage("must name who the duty falls on");
            rule.RuleFor(x => x.DueDates).Must(d => d.Count is > 0 and <= 12).WithMessage("must hold 1-12 due days");
            rule.RuleForEach(x => x.DueDates).Must(d => DateOnly.TryParseExact("2024-" + d, "yyyy-MM-dd", out _)).WithMessage("must be a day of the year, MM-DD");
            rule.RuleFor(x => x.ToCommissionAbove).Equal(false).When(x => x.Party is not DutyParty.Commission)
                .WithMessage("applies to a commission's own duty only (Art. 17)");
        });
    }
}

public sealed class GenerateDutyCalendarValidator : AbstractValidator<GenerateDutyCalendarRequest>
{
    public GenerateDutyCalendarValidator() => RuleFor(r => r.Year).Year();
}

public sealed class ListDutiesValidator : AbstractValidator<ListDutiesRequest>
{
    public ListDutiesValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Light).Must(Enum.IsDefined).WithMessage("must be GREY, GREEN, YELLOW or RED, or unspecified for all");
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).WithMessage("must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).WithMessage("must be a next_page_token of an earlier page");
    }
}

public sealed class SubmitDutyValidator : AbstractValidator<SubmitDutyRequest>
{
    public SubmitDutyValidator()
    {
        RuleFor(r => r.DutyId).Id();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Text).Text(4000);
        RuleFor(r => r.Form).Must(f => f is "" or "PLENARY" or "WRITTEN").WithMessage("must be PLENARY, WRITTEN or empty");
        RuleFor(r => r.Documents).Must(d => d.Count <= 5).WithMessage("may carry 5 documents at most");
        RuleForEach(r => r.Documents).ChildRules(d => d.RuleFor(x => x.FileName).Text(200));
    }
}

public sealed class GetDutyDocumentValidator : AbstractValidator<GetDutyDocumentRequest>
{
    public GetDutyDocumentValidator() => RuleFor(r => r.DocumentId).Id();
}

public sealed class GetDutyLightsValidator : AbstractValidator<GetDutyLightsRequest>
{
    public GetDutyLightsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class SubmitWorkInformationValidator : AbstractValidator<SubmitWorkInformationRequest>
{
    public SubmitWorkInformationValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Title).Text(200);
        RuleFor(r => r.Text).Text(20000);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ListWorkInformationValidator : AbstractValidator<ListWorkInformationRequest>
{
    public ListWorkInformationValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).WithMessage("must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).WithMessage("must be a next_page_token of an earlier page");
    }
}

// ---------------------------------------------------------------- incidents

public sealed class ReportIncidentValidator : AbstractValidator<ReportIncidentRequest>
{
    public ReportIncidentValidator()
    {
        RuleFor(r => r.Category).Must(c => c != IncidentCategory.Unspecified && Enum.IsDefined(c)).WithMessage("must be a category of Art. 7(4) or Art. 31(3)-(5)");
        RuleFor(r => r.OccurredAt).Must(t => DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage("must be a time in RFC 3339 (2026-05-12T09:30:00+08:00)");
        RuleFor(r => r.PlaceCode).UnitCode();
        RuleFor(r => r.Severity).Must(s => s != FindingSeverity.Unspecified && Enum.IsDefined(s)).WithMessage("must be GENERAL, SERIOUS or GRAVE");
        // Art. 38: in writing.
        RuleFor(r => r.Summary).Text(4000);
        RuleFor(r => r.ReporterUnitCode).UnitCode().WithMessage("must be a unit code, or empty for an individual's report").When(r => r.ReporterUnitCode.Length > 0);
        RuleFor(r => r.ReporterName).Text(100).WithMessage("must name the individual who reported it (1-100 characters)").When(r => r.ReporterUnitCode.Length == 0);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class GetIncidentValidator : AbstractValidator<GetIncidentRequest>
{
    public GetIncidentValidator() => RuleFor(r => r.IncidentId).Id();
}

public sealed class ListIncidentsValidator : AbstractValidator<ListIncidentsRequest>
{
    public ListIncidentsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).WithMessage("must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).WithMessage("must be a next_page_token of an earlier page");
    }
}

public sealed class ReferIncidentValidator : AbstractValidator<ReferIncidentRequest>
{
    public ReferIncidentValidator()
    {
        RuleFor(r => r.IncidentId).Id();
        RuleFor(r => r.Clause).InclusiveBetween(1, 9).WithMessage("must be the Art. 31 clause, 1 to 9");
        RuleFor(r => r.Severity).Must(ReferFindingValidator.Severities.Contains).WithMessage($"must be one of {string.Join(", ", ReferFindingValidator.Severities)}");
        RuleFor(r => r.Reasons).Text(2000);
    }
}
