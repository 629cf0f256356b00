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
        RuleFor(r => r.Form).Must(f => f != Form.Unspecified && Enum.IsDefined(f)).Says("必须是 SPECIAL、COVERT、PATROL、SEMI_ANNUAL 或 ANNUAL（第十八条）", "must be SPECIAL, COVERT, PATROL, SEMI_ANNUAL or ANNUAL (Art. 18)");
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.Title).Text(200);
        RuleFor(r => r.WorkItem).OptionalText(500);
        RuleFor(r => r.WorkItem).Must(w => w.Trim().Length > 0).Says("专项督查须写明所督查的一项工作事项（第十八条）", "must name the one work item a special inspection checks (Art. 18 专项督查)")
            .When(r => r.Form == Form.Special);
        RuleFor(r => r.StartsOn).Day();
        RuleFor(r => r.EndsOn).Day();
        RuleFor(r => r.EndsOn).Must((r, end) => string.CompareOrdinal(end, r.StartsOn) >= 0).Says(r => $"不得早于 starts_on（{r.StartsOn}）", r => $"is before starts_on ({r.StartsOn})")
            .When(r => Inspections.Dates.AreDays(r.StartsOn, r.EndsOn));
        RuleFor(r => r.StartsOn).Must((r, start) => start.StartsWith(r.Year.ToString(CultureInfo.InvariantCulture) + "-", StringComparison.Ordinal))
            .Says(r => $"必须在所检查的 {r.Year} 年度内", r => $"must lie in the inspected year {r.Year}").When(r => Inspections.Dates.AreDays(r.StartsOn));
        RuleFor(r => r.TargetCodes).Must(t => t.Count is > 0 and <= 500).Says("须列出 1 至 500 个被检查单位", "must name 1-500 units to inspect");
        RuleForEach(r => r.TargetCodes).UnitCode();
        RuleFor(r => r.TargetCodes).Must(t => t.Distinct().Count() == t.Count).Says("单位不得重复列出", "names a unit twice");
        RuleFor(r => r.Team).Must(t => t.Count is > 0 and <= 50).Says("须列出 1 至 50 名检查组成员", "must list 1-50 members");
        RuleForEach(r => r.Team).SetValidator(r => new TeamMemberValidator(r.Form));
        RuleFor(r => r.Team).Must(t => t.Where(m => m.Subject.Trim().Length > 0).GroupBy(m => m.Subject.Trim()).All(g => g.Count() == 1))
            .Says("账号不得重复列出", "names an account twice");
        RuleFor(r => r.Team).Must(t => t.Count(m => m.Leads) <= 1).Says("最多只能有一名组长（leads）", "may have one leader (leads) at most");
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
            RuleFor(m => m.LeaderId).Id().Says("必须是委员会成员的登记编号（巡视由委员会成员进行，第十八条）", "must be the registry id of a commission member (a patrol is made by them, Art. 18)");
        }
        else
        {
            RuleFor(m => m.Subject).Must(s => s.Trim().Length > 0).Says("必须是检查人员的账号", "must be the inspector's account");
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
        RuleFor(r => r.Year).Must(y => y == 0 || y is >= 2000 and <= 2100).Says("必须是 2000 至 2100 之间的年份；为 0 表示全部年度", "must be 0 (every year) or a year between 2000 and 2100");
        RuleFor(r => r.Form).Must(Enum.IsDefined).Says("必须是第十八条规定的检查形式；不指定表示全部", "must be a form of Art. 18, or unspecified for all");
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).Says("必须是 1 至 500（0 表示 100）", "must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).Says("必须是此前某页返回的 next_page_token", "must be a next_page_token of an earlier page");
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
            .Says("必须为空或 RFC 3339 格式的时间（如 2026-05-12T09:30:00+08:00）", "must be empty or a time in RFC 3339 (2026-05-12T09:30:00+08:00)");
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
        RuleFor(r => r.Concern).NotNull().Says("须说明问题涉及的事项：考核指标、责任书目标、第三十一条所列情形或工作事项", "must say what the finding concerns: an indicator, a letter target, an Art. 31 clause or a work item");
        RuleFor(r => r.Concern.Kind).Must(k => k != ConcernKind.Unspecified && Enum.IsDefined(k))
            .Says("必须是 INDICATOR、LETTER_TARGET、ART31_CLAUSE 或 WORK_ITEM", "must be INDICATOR, LETTER_TARGET, ART31_CLAUSE or WORK_ITEM").OverridePropertyName("concern.kind").When(r => r.Concern is not null);
        RuleFor(r => r.Concern.Clause).InclusiveBetween(1, 9).Says("必须是第三十一条所列第 1 至 9 项之一", "must be the Art. 31 clause, 1 to 9")
            .OverridePropertyName("concern.clause").When(r => r.Concern?.Kind == ConcernKind.Art31Clause);
        RuleFor(r => r.Concern.Reference).Text(200).OverridePropertyName("concern.reference")
            .When(r => r.Concern is not null && r.Concern.Kind != ConcernKind.Art31Clause);
        RuleFor(r => r.Severity).Must(s => s != FindingSeverity.Unspecified && Enum.IsDefined(s)).Says("必须是 GENERAL、SERIOUS 或 GRAVE", "must be GENERAL, SERIOUS or GRAVE");
        RuleFor(r => r.Description).Text(4000);
        RuleFor(r => r.ObservedOn).Day();
        RuleForEach(r => r.EvidenceIds).Id();
        RuleFor(r => r.EvidenceIds).Must(e => e.Count <= 50).Says("最多引用 50 个文件", "may cite 50 files at most");
        RuleFor(r => r.RectificationWorkingDays).InclusiveBetween(0, 250).Says("必须是 1 至 250 个工作日；不要求整改时为 0", "must be 1-250 working days, or 0 when no rectification is demanded");
        RuleFor(r => r.RectificationDemand).OptionalText(2000);
        RuleFor(r => r.RectificationDemand).Must(d => d.Trim().Length > 0).Says("填写 rectification_working_days 时，须写明整改要求", "must say what is to be rectified when rectification_working_days is set")
            .When(r => r.RectificationWorkingDays > 0);
        RuleFor(r => r.RectificationWorkingDays).GreaterThan(0).Says("提出整改要求时，须写明整改期限（工作日数）", "must give the working days to rectify in when a rectification is demanded")
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
        RuleFor(r => r.EvidenceIds).Must(e => e.Count is > 0 and <= 50).Says("须引用 1 至 50 个整改佐证材料文件", "must cite 1-50 files of evidence of the rectification");
    }
}

public sealed class VerifyRectificationValidator : AbstractValidator<VerifyRectificationRequest>
{
    public VerifyRectificationValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.FindingId).Id();
        RuleFor(r => r.Verdict).OptionalText(2000);
        RuleFor(r => r.Verdict).Must(v => v.Trim().Length > 0).Says("整改未通过核验的，须说明尚存在的不足", "must say what is still missing when the rectification is not accepted").When(r => !r.Accepted);
    }
}

public sealed class ReferFindingValidator : AbstractValidator<ReferFindingRequest>
{
    public static readonly string[] Severities = ["ORDINARY", "SERIOUS", "ESPECIALLY_SERIOUS", "VETO_GRADE"];

    public ReferFindingValidator()
    {
        RuleFor(r => r.InspectionId).Id();
        RuleFor(r => r.FindingId).Id();
        RuleFor(r => r.Clause).InclusiveBetween(1, 9).Says("必须是第三十一条所列第 1 至 9 项之一", "must be the Art. 31 clause, 1 to 9");
        RuleFor(r => r.Severity).Must(Severities.Contains).Says($"必须是 {string.Join("、", Severities)} 之一", $"must be one of {string.Join(", ", Severities)}");
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
        RuleFor(r => r.Rules).Must(r => r.Count is > 0 and <= 50).Says("须含 1 至 50 项履职事项", "must hold 1-50 duties");
        RuleFor(r => r.Rules).Must(r => r.Select(x => x.Kind.Trim()).Distinct().Count() == r.Count).Says("履职事项类别（kind）不得重复", "names a kind twice");
        RuleForEach(r => r.Rules).ChildRules(rule =>
        {
            rule.RuleFor(x => x.Kind).Must(k => System.Text.RegularExpressions.Regex.IsMatch(k, "^[a-z0-9-]{1,64}$")).Says("必须是 1-64 个小写字母、数字或“-”", "must be 1-64 lower-case letters, digits or '-'");
            rule.RuleFor(x => x.Title).Text(200);
            rule.RuleFor(x => x.Article).Text(32);
            rule.RuleFor(x => x.Party).Must(p => p != DutyParty.Unspecified && Enum.IsDefined(p)).Says("须写明履职主体", "must name who the duty falls on");
            rule.RuleFor(x => x.DueDates).Must(d => d.Count is > 0 and <= 12).Says("须含 1 至 12 个报送期限日", "must hold 1-12 due days");
            rule.RuleForEach(x => x.DueDates).Must(d => DateOnly.TryParseExact("2024-" + d, "yyyy-MM-dd", out _)).Says("必须是一年中的某日，格式 MM-DD", "must be a day of the year, MM-DD");
            rule.RuleFor(x => x.ToCommissionAbove).Equal(false).When(x => x.Party is not DutyParty.Commission)
                .Says("仅适用于委员会自身的履职事项（第十七条）", "applies to a commission's own duty only (Art. 17)");
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
        RuleFor(r => r.Light).Must(Enum.IsDefined).Says("必须是 GREY、GREEN、YELLOW 或 RED；不指定表示全部", "must be GREY, GREEN, YELLOW or RED, or unspecified for all");
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).Says("必须是 1 至 500（0 表示 100）", "must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).Says("必须是此前某页返回的 next_page_token", "must be a next_page_token of an earlier page");
    }
}

public sealed class SubmitDutyValidator : AbstractValidator<SubmitDutyRequest>
{
    public SubmitDutyValidator()
    {
        RuleFor(r => r.DutyId).Id();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Text).Text(4000);
        RuleFor(r => r.Form).Must(f => f is "" or "PLENARY" or "WRITTEN").Says("必须是 PLENARY、WRITTEN 或为空", "must be PLENARY, WRITTEN or empty");
        RuleFor(r => r.Documents).Must(d => d.Count <= 5).Says("最多附 5 份文件", "may carry 5 documents at most");
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
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).Says("必须是 1 至 500（0 表示 100）", "must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).Says("必须是此前某页返回的 next_page_token", "must be a next_page_token of an earlier page");
    }
}

// ---------------------------------------------------------------- incidents

public sealed class ReportIncidentValidator : AbstractValidator<ReportIncidentRequest>
{
    public ReportIncidentValidator()
    {
        RuleFor(r => r.Category).Must(c => c != IncidentCategory.Unspecified && Enum.IsDefined(c)).Says("必须是第七条第四项或第三十一条第三至五项所列案事件类别", "must be a category of Art. 7(4) or Art. 31(3)-(5)");
        RuleFor(r => r.OccurredAt).Must(t => DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .Says("必须是 RFC 3339 格式的时间（如 2026-05-12T09:30:00+08:00）", "must be a time in RFC 3339 (2026-05-12T09:30:00+08:00)");
        RuleFor(r => r.PlaceCode).UnitCode();
        RuleFor(r => r.Severity).Must(s => s != FindingSeverity.Unspecified && Enum.IsDefined(s)).Says("必须是 GENERAL、SERIOUS 或 GRAVE", "must be GENERAL, SERIOUS or GRAVE");
        // Art. 38: in writing.
        RuleFor(r => r.Summary).Text(4000);
        RuleFor(r => r.ReporterUnitCode).UnitCode().Says("必须是单位代码；个人报告时为空", "must be a unit code, or empty for an individual's report").When(r => r.ReporterUnitCode.Length > 0);
        RuleFor(r => r.ReporterName).Text(100).Says("须填写报告人姓名（1 至 100 个字）", "must name the individual who reported it (1-100 characters)").When(r => r.ReporterUnitCode.Length == 0);
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
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).Says("必须是 1 至 500（0 表示 100）", "must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).Says("必须是此前某页返回的 next_page_token", "must be a next_page_token of an earlier page");
    }
}

public sealed class ReferIncidentValidator : AbstractValidator<ReferIncidentRequest>
{
    public ReferIncidentValidator()
    {
        RuleFor(r => r.IncidentId).Id();
        RuleFor(r => r.Clause).InclusiveBetween(1, 9).Says("必须是第三十一条所列第 1 至 9 项之一", "must be the Art. 31 clause, 1 to 9");
        RuleFor(r => r.Severity).Must(ReferFindingValidator.Severities.Contains).Says($"必须是 {string.Join("、", ReferFindingValidator.Severities)} 之一", $"must be one of {string.Join(", ", ReferFindingValidator.Severities)}");
        RuleFor(r => r.Reasons).Text(2000);
    }
}
