using FluentValidation;
using Pingan.Sanctions.Api;
using Pingan.ServiceDefaults;
using Severity = Pingan.Sanctions.Api.Severity;

namespace Pingan.Sanctions;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

public sealed class OpenCaseValidator : AbstractValidator<OpenCaseRequest>
{
    public OpenCaseValidator()
    {
        RuleFor(r => r.SubjectCode).UnitCode();
        RuleFor(r => r.Clause).InclusiveBetween(1, 9).Says("必须是第三十一条所列第 1 至 9 项之一", "must be the Art. 31 clause, 1 to 9");
        RuleFor(r => r.Source).Must(s => s is Source.WrittenReport or Source.Incident or Source.InspectionFinding or Source.FailedAssessment)
            .Says("必须是 WRITTEN_REPORT、INCIDENT、INSPECTION_FINDING 或 FAILED_ASSESSMENT（年度集中确定另有接口）",
                "must be WRITTEN_REPORT, INCIDENT, INSPECTION_FINDING or FAILED_ASSESSMENT (the yearly selection has its own call)");
        RuleFor(r => r.Severity).Must(s => s != Severity.Unspecified && Enum.IsDefined(s)).Says("必须是 ORDINARY、SERIOUS、ESPECIALLY_SERIOUS 或 VETO_GRADE", "must be ORDINARY, SERIOUS, ESPECIALLY_SERIOUS or VETO_GRADE");
        RuleFor(r => r.IncidentOn).Day();
        RuleFor(r => r.Summary).Text(4000);
        RuleFor(r => r.ReportedBy).OptionalText(200);
        RuleFor(r => r.RequestId).RequestId();
        // Art. 38: a written report names who made it.
        RuleFor(r => r.ReportedBy).Must(b => b.Trim().Length > 0).Says("须写明书面报告人（第三十八条）", "must name who reported it in writing (Art. 38)")
            .When(r => r.Source == Source.WrittenReport);
    }
}

public sealed class GetCaseValidator : AbstractValidator<GetCaseRequest>
{
    public GetCaseValidator() => RuleFor(r => r.CaseId).Id();
}

public sealed class GetCaseFileValidator : AbstractValidator<GetCaseFileRequest>
{
    public GetCaseFileValidator() => RuleFor(r => r.CaseId).Id();
}

public sealed class ListCasesValidator : AbstractValidator<ListCasesRequest>
{
    public ListCasesValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.PageSize).InclusiveBetween(0, 500).Says("必须是 1 至 500（0 表示 100）", "must be 1-500 (0 for 100)");
        RuleFor(r => r.PageToken).Must(PageToken.IsValid).Says("必须是此前某页返回的 next_page_token", "must be a next_page_token of an earlier page");
    }
}

public sealed class ProposeMeasureValidator : AbstractValidator<ProposeMeasureRequest>
{
    public ProposeMeasureValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Stage).Must(s => s != Stage.Unspecified && Enum.IsDefined(s)).Says("必须是 NOTICE、ADMONISHMENT、LISTING 或 VETO", "must be NOTICE, ADMONISHMENT, LISTING or VETO");
        RuleFor(r => r.Verification).Text(4000);
        RuleFor(r => r.DirectEntryReasons).OptionalText(2000);
        RuleFor(r => r.JointMeetingId).OptionalId();
    }
}

public sealed class DecideProposalValidator : AbstractValidator<DecideProposalRequest>
{
    public DecideProposalValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.DecidedOn).Day();
        RuleFor(r => r.Reasons).OptionalText(2000);
        RuleFor(r => r.Reasons).Must(r => r.Trim().Length > 0).Says("须说明不予批准该建议的理由", "must say why the proposal is rejected").When(r => !r.Approve);
    }
}

public sealed class RecordJointMeetingValidator : AbstractValidator<RecordJointMeetingRequest>
{
    public RecordJointMeetingValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.HeldOn).Day();
        RuleFor(r => r.Attendees).Must(a => a.Count is > 0 and <= 50).Says("须列出 1 至 50 名参会人员", "must list 1-50 attendees");
        RuleForEach(r => r.Attendees).SetValidator(new AttendeeValidator());
        RuleFor(r => r.Minutes).Text(4000);
    }
}

public sealed class RecordInterviewValidator : AbstractValidator<RecordInterviewRequest>
{
    public RecordInterviewValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.HeldOn).Day();
        RuleFor(r => r.Interviewer).Text(100);
        RuleForEach(r => r.OtherLeaderIds).Id();
        RuleFor(r => r.Record).Text(8000);
    }
}

public sealed class SubmitReportValidator : AbstractValidator<SubmitReportRequest>
{
    public SubmitReportValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Kind).Must(k => k is ReportKind.Measures or ReportKind.Progress).Says("必须是 MEASURES 或 PROGRESS", "must be MEASURES or PROGRESS");
        RuleFor(r => r.Text).Text(8000);
    }
}

public sealed class ApplyForAcceptanceValidator : AbstractValidator<ApplyForAcceptanceRequest>
{
    public ApplyForAcceptanceValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Statement).Text(8000);
    }
}

public sealed class CheckAcceptanceValidator : AbstractValidator<CheckAcceptanceRequest>
{
    public CheckAcceptanceValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Findings).Text(8000);
        RuleFor(r => r.AcceptanceInspectionId).Must(i => i.Length == 0 || Guid.TryParse(i, out _)).Says("必须为空或督导检查的记录编号（UUID）", "must be empty or an inspection's id (a UUID)");
    }
}

public sealed class DismissCaseValidator : AbstractValidator<DismissCaseRequest>
{
    public DismissCaseValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Reasons).Text(2000);
    }
}

public sealed class ReferCaseValidator : AbstractValidator<ReferCaseRequest>
{
    public ReferCaseValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Measure).Must(m => m != Measure.Unspecified && Enum.IsDefined(m))
            .Says("必须是 RESIGNATION、ORDERED_RESIGNATION、REMOVAL、PARTY_DISCIPLINE 或 CRIMINAL_REFERRAL",
                "must be RESIGNATION, ORDERED_RESIGNATION, REMOVAL, PARTY_DISCIPLINE or CRIMINAL_REFERRAL");
        // Art. 39: the measures concern leaders, each named.
        RuleFor(r => r.LeaderIds).Must(l => l.Count is > 0 and <= 20).Says("须列明 1 至 20 名领导，使用组织机构库中的编号", "must name 1-20 leaders, by registry id");
        RuleForEach(r => r.LeaderIds).Id();
        RuleFor(r => r.Grounds).Text(4000);
    }
}

public sealed class RecordReferralOutcomeValidator : AbstractValidator<RecordReferralOutcomeRequest>
{
    public RecordReferralOutcomeValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.ReferralId).Id();
        RuleFor(r => r.Outcome).Text(2000);
        RuleFor(r => r.DecidedOn).Day();
    }
}

public sealed class RecordCircumstanceValidator : AbstractValidator<RecordCircumstanceRequest>
{
    public RecordCircumstanceValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.Circumstance).Must(c => c != Circumstance.Unspecified && Enum.IsDefined(c))
            .Says("必须是第四十条（OBSTRUCTION、FALSIFICATION、RETALIATION、OTHER_AGGRAVATING）或第四十一条（PROMPT_REMEDY、COOPERATION、OTHER_MITIGATING）所列情节之一",
                "must be one of Art. 40 (OBSTRUCTION, FALSIFICATION, RETALIATION, OTHER_AGGRAVATING) or Art. 41 (PROMPT_REMEDY, COOPERATION, OTHER_MITIGATING)");
        RuleFor(r => r.Description).Text(2000);
        // Art. 40-41 circumstances are facts found: each comes with what shows it.
        RuleFor(r => r.Evidence).Text(4000);
    }
}

public sealed class ProposeListingBatchValidator : AbstractValidator<ProposeListingBatchRequest>
{
    public ProposeListingBatchValidator()
    {
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.HeldOn).Day();
        RuleFor(r => r.Minutes).Text(4000);
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.Attendees).Must(a => a.Count is > 0 and <= 50).Says("须列出 1 至 50 名参会人员", "must list 1-50 attendees");
        RuleForEach(r => r.Attendees).SetValidator(new AttendeeValidator());
        RuleFor(r => r.Entries).Must(e => e.Count is > 0 and <= 200).Says("须选定 1 至 200 个县（市、区）", "must select 1-200 counties");
        RuleForEach(r => r.Entries).ChildRules(e =>
        {
            e.RuleFor(x => x.SubjectCode).UnitCode();
            e.RuleFor(x => x.Clause).InclusiveBetween(1, 9).Says("必须是第三十一条所列第 1 至 9 项之一", "must be the Art. 31 clause, 1 to 9");
            e.RuleFor(x => x.Reasons).Text(4000);
        });
    }
}

public sealed class AttendeeValidator : AbstractValidator<Attendee>
{
    public AttendeeValidator()
    {
        RuleFor(x => x.Department).Must(d => d != Department.Unspecified && Enum.IsDefined(d))
            .Says("必须是 COMMISSION、DISCIPLINE、ORGANISATION、PERSONNEL 或 SUPERVISION", "must be COMMISSION, DISCIPLINE, ORGANISATION, PERSONNEL or SUPERVISION");
        RuleFor(x => x.Name).Text(50);
        RuleFor(x => x.UnitCode).Must(c => c.Length == 0 || c.Length <= 64).Says("必须是单位代码", "must be a unit code");
    }
}

public sealed class NameFollowUpLeaderValidator : AbstractValidator<NameFollowUpLeaderRequest>
{
    public NameFollowUpLeaderValidator()
    {
        RuleFor(r => r.CaseId).Id();
        RuleFor(r => r.LeaderId).Id();
    }
}
