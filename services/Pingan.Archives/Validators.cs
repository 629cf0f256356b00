using FluentValidation;
using Pingan.Archives.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Archives;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

public sealed class GetArchiveValidator : AbstractValidator<GetArchiveRequest>
{
    public GetArchiveValidator() => RuleFor(r => r.LeaderId).Id();
}

public sealed class ListArchivesValidator : AbstractValidator<ListArchivesRequest>
{
    public ListArchivesValidator()
    {
        RuleFor(r => r.KeeperCode).UnitCode().When(r => r.KeeperCode.Length > 0);
        RuleFor(r => r.NameContains).OptionalText(100);
        RuleFor(r => r.PageSize).InclusiveBetween(0, 200).Says("必须是 1 至 200（0 表示 50）", "must be 1-200 (0 for 50)");
        RuleFor(r => r.PageToken).OptionalId().Says("必须为空或上一页返回的 next_page_token", "must be empty or the next_page_token of the previous page");
    }
}

public sealed class SetYearlyGradeValidator : AbstractValidator<SetYearlyGradeRequest>
{
    public SetYearlyGradeValidator()
    {
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.KeeperCode).UnitCode();
        RuleFor(r => r.Grade).Must(g => g != ArchiveGrade.Unspecified && Enum.IsDefined(g)).Says("必须是 EXCELLENT、PASS 或 FAIL（第二十二条：优秀、合格、不合格）", "must be EXCELLENT, PASS or FAIL (Art. 22 优秀、合格、不合格)");
        // Art. 22: the grade is the office's judgement, and its reasons are part of the archive.
        RuleFor(r => r.Reasons).Text(2000);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class ConsultValidator : AbstractValidator<ConsultRequest>
{
    public ConsultValidator()
    {
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.AsOf).Day();
        RuleFor(r => r.Purpose).Must(p => p != ConsultationPurpose.Unspecified && Enum.IsDefined(p))
            .Says("必须是 APPOINTMENT_REVIEW、PROMOTION 或 COMPREHENSIVE_AWARD（第二十三条：任职考察、晋职晋级、综合性奖励）", "must be APPOINTMENT_REVIEW, PROMOTION or COMPREHENSIVE_AWARD (Art. 23 任职考察、晋职晋级、综合性奖励)");
        RuleFor(r => r.Reference).OptionalText(200);
        RuleFor(r => r.RequestId).RequestId();
    }
}

public sealed class GetConsultationValidator : AbstractValidator<GetConsultationRequest>
{
    public GetConsultationValidator() => RuleFor(r => r.ConsultationId).Id();
}

public sealed class VerifyConsultationValidator : AbstractValidator<VerifyConsultationRequest>
{
    public VerifyConsultationValidator()
    {
        RuleFor(r => r.SignedBody).Must(b => b.Length is > 0 and <= 4_000_000).Says("必须是答复中的 signed_body，保持收到时的原样", "must be the signed_body of an answer, as received");
        RuleFor(r => r.Signature).Must(s => s.Length is > 0 and <= 200 && Convert.TryFromBase64String(s, new byte[s.Length], out _))
            .Says("必须是答复的签名（DER 格式，base64 编码）", "must be the signature of an answer (DER, base64)");
        RuleFor(r => r.KeyId).Text(32);
    }
}
