using FluentValidation;
using Pingan.Letters.Api;
using Pingan.Letters.Templates;
using Pingan.ServiceDefaults;

namespace Pingan.Letters;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

internal static class Rules
{
    public static IRuleBuilderOptions<T, string> Decimal<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(d => Decimals.TryParse(d, out _)).Says("必须是数字，如 95 或 0.5", "must be a decimal number such as 95 or 0.5");
}

public sealed class CreateTemplateValidator : AbstractValidator<CreateTemplateRequest>
{
    public CreateTemplateValidator()
    {
        RuleFor(r => r.Year).Year();
        RuleFor(r => r.IssuerCode).UnitCode();
        RuleFor(r => r.Title).Text(200);
        RuleFor(r => r.RequestId).RequestId();
        RuleForEach(r => r.KeyTasks).Text(500);
        RuleFor(r => r.Targets).Must(t => t.Count is > 0 and <= 200).Says("须含 1 至 200 个目标", "must hold 1-200 targets");
        RuleForEach(r => r.Targets).SetValidator(new TargetDraftValidator());
        RuleFor(r => r.Targets)
            .Must(t => t.Select(x => x.Code.Trim()).Distinct().Count() == t.Count).Says("目标编号不得重复", "target codes must be unique")
            .When(r => r.Targets.Count > 0);
        // Art. 20: completion is scored against the targets, so their weights make up the whole.
        RuleFor(r => r.Targets)
            .Must(t => t.Sum(x => Decimals.TryParse(x.Weight, out var w) ? w : 0) == 100)
            .Says(r => $"权重合计为 {WeightSum(r)}，应为 100", r => $"weights sum to {WeightSum(r)}, not 100")
            .When(r => r.Targets.Count > 0 && r.Targets.All(x => Decimals.TryParse(x.Weight, out _)));
    }

    private static string WeightSum(CreateTemplateRequest r) => Decimals.Write(r.Targets.Sum(x => Decimals.TryParse(x.Weight, out var w) ? w : 0));
}

public sealed class TargetDraftValidator : AbstractValidator<TargetDraft>
{
    public TargetDraftValidator()
    {
        RuleFor(t => t.Code).Text(20);
        RuleFor(t => t.Indicator).Text(500);
        RuleFor(t => t.TargetValue).Decimal();
        RuleFor(t => t.UnitOfMeasure).Text(50);
        RuleFor(t => t.EvidenceRequired).Text(500);
        RuleFor(t => t.Weight).Decimal();
        RuleFor(t => t.Weight).Must(w => Decimals.TryParse(w, out var v) && v > 0 && v <= 100).Says("必须大于 0 且不超过 100", "must be more than 0 and at most 100")
            .When(t => Decimals.TryParse(t.Weight, out _));
        RuleFor(t => t.ParentTargetId).OptionalId();
    }
}

public sealed class GetTemplateValidator : AbstractValidator<GetTemplateRequest>
{
    public GetTemplateValidator() => RuleFor(r => r.TemplateId).Id();
}

public sealed class ListTemplatesValidator : AbstractValidator<ListTemplatesRequest>
{
    public ListTemplatesValidator()
    {
        RuleFor(r => r.IssuerCode).UnitCode();
        RuleFor(r => r.Year).Year().When(r => r.Year != 0);
    }
}

public sealed class IssueLettersValidator : AbstractValidator<IssueLettersRequest>
{
    public IssueLettersValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.TemplateId).Id();
        RuleForEach(r => r.Adjustments).ChildRules(a =>
        {
            a.RuleFor(x => x.ReceiverCode).UnitCode();
            a.RuleFor(x => x.TargetCode).Text(20);
            a.RuleFor(x => x.TargetValue).Decimal();
        });
    }
}

public sealed class GetLetterValidator : AbstractValidator<GetLetterRequest>
{
    public GetLetterValidator() => RuleFor(r => r.LetterId).Id();
}

public sealed class ListLettersValidator : AbstractValidator<ListLettersRequest>
{
    public ListLettersValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year().When(r => r.Year != 0);
        RuleFor(r => r.Side).Must(s => s is LetterSide.Issued or LetterSide.Received).Says("必须是 ISSUED 或 RECEIVED", "must be ISSUED or RECEIVED");
    }
}

public sealed class GetCoverageValidator : AbstractValidator<GetCoverageRequest>
{
    public GetCoverageValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class GetCanonicalFormValidator : AbstractValidator<GetCanonicalFormRequest>
{
    public GetCanonicalFormValidator() => RuleFor(r => r.LetterId).Id();
}

public sealed class VerifyLetterValidator : AbstractValidator<VerifyLetterRequest>
{
    public VerifyLetterValidator() => RuleFor(r => r.LetterId).Id();
}

public sealed class SignLetterValidator : AbstractValidator<SignLetterRequest>
{
    public SignLetterValidator()
    {
        RuleFor(r => r.LetterId).Id();
        RuleFor(r => r.Side).Must(s => s is Side.Issuer or Side.Receiver).Says("必须是 ISSUER 或 RECEIVER", "must be ISSUER or RECEIVER");
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.SignedOn).Day();
        RuleFor(r => r.Signature).Must(s => s.Length is > 0 and <= 128).Says("必须是 SM2 签名（DER 编码，不超过 128 字节）", "must be an SM2 signature (DER, at most 128 bytes)");
    }
}

public sealed class RegisterSigningKeyValidator : AbstractValidator<RegisterSigningKeyRequest>
{
    public RegisterSigningKeyValidator()
    {
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.PublicKey).Must(k => Pingan.Signing.Sm2.TryParsePublicKey(k, out _)).Says("必须是 SM2 公钥：以十六进制表示的非压缩点 04||X||Y", "must be an SM2 public key: the uncompressed point 04||X||Y in hex");
        RuleFor(r => r.ChallengeId).Id();
        RuleFor(r => r.Proof).Must(p => p.Length is > 0 and <= 80).Says("必须是对挑战数据的 DER 签名", "must be the DER signature over the challenge's data");
    }
}

public sealed class CreateEnrolmentChallengeValidator : AbstractValidator<CreateEnrolmentChallengeRequest>
{
    public CreateEnrolmentChallengeValidator()
    {
        RuleFor(r => r.LeaderId).Id();
    }
}

public sealed class AmendLetterValidator : AbstractValidator<AmendLetterRequest>
{
    public AmendLetterValidator()
    {
        RuleFor(r => r.LetterId).Id();
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.Changes).Must(c => c.Count is > 0 and <= 200).Says("须含 1 至 200 项修改", "must hold 1-200 changes");
        RuleForEach(r => r.Changes).ChildRules(c =>
        {
            c.RuleFor(x => x.Code).Text(20);
            c.RuleFor(x => x.TargetValue).Decimal().When(x => x.TargetValue.Length > 0);
            c.RuleFor(x => x.Weight).Must(w => Decimals.TryParse(w, out var v) && v > 0 && v <= 100)
                .Says("必须是大于 0 且不超过 100 的数", "must be a decimal more than 0 and at most 100").When(x => x.Weight.Length > 0);
            c.RuleFor(x => x.Indicator).Text(500).When(x => x.Indicator.Length > 0);
            c.RuleFor(x => x.EvidenceRequired).Text(500).When(x => x.EvidenceRequired.Length > 0);
        });
    }
}

public sealed class GetSigningProgressValidator : AbstractValidator<GetSigningProgressRequest>
{
    public GetSigningProgressValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year();
    }
}

public sealed class UploadEvidenceValidator : AbstractValidator<UploadEvidenceRequest>
{
    public UploadEvidenceValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.LetterId).Id();
        RuleFor(r => r.TargetCode).Text(20);
        RuleFor(r => r.FileName).Text(200);
        RuleFor(r => r.FileName).Must(n => n.IndexOfAny(['/', '\\', '\0']) < 0).Says("必须是文件名，不能是路径", "must be a file name, not a path");
        RuleFor(r => r.File).NotNull().Says("必须提供文件：内容类型和文件内容", "must be the file: its content type and bytes");
    }
}

public sealed class GetEvidenceValidator : AbstractValidator<GetEvidenceRequest>
{
    public GetEvidenceValidator() => RuleFor(r => r.EvidenceId).Id();
}

public sealed class ReportProgressValidator : AbstractValidator<ReportProgressRequest>
{
    public ReportProgressValidator()
    {
        RuleFor(r => r.RequestId).RequestId();
        RuleFor(r => r.LetterId).Id();
        RuleFor(r => r.TargetCode).Text(20);
        RuleFor(r => r.AsOf).Day();
        RuleFor(r => r.AchievedValue).Decimal();
        RuleFor(r => r.Note).MaximumLength(2000).Says("最多 2000 个字", "must be at most 2000 characters");
        // Art. 13: targets are checkable; a figure comes with what shows it.
        RuleFor(r => r.EvidenceIds).Must(e => e.Count is > 0 and <= 50).Says("须引用为该目标上传的 1 至 50 份佐证材料", "must cite 1-50 evidence files uploaded for this target");
        RuleForEach(r => r.EvidenceIds).Id();
    }
}

public sealed class GetLetterProgressValidator : AbstractValidator<GetLetterProgressRequest>
{
    public GetLetterProgressValidator() => RuleFor(r => r.LetterId).Id();
}

public sealed class CompleteLetterValidator : AbstractValidator<CompleteLetterRequest>
{
    public CompleteLetterValidator()
    {
        RuleFor(r => r.LetterId).Id();
        RuleFor(r => r.Results).Must(r => r.Count is > 0 and <= 200).Says("须评定 1 至 200 个目标", "must rate 1-200 targets");
        RuleForEach(r => r.Results).ChildRules(c =>
        {
            c.RuleFor(x => x.Code).Text(20);
            c.RuleFor(x => x.CompletionPercent).Must(p => Decimals.TryParse(p, out var v) && v >= 0 && v <= 100 && decimal.Round(v, 4) == v)
                .Says("必须是 0 至 100 之间的数，最多 4 位小数", "must be a decimal from 0 to 100, with at most 4 decimals");
            c.RuleFor(x => x.Note).MaximumLength(500).Says("最多 500 个字", "must be at most 500 characters");
        });
    }
}

public sealed class ListCompletionsValidator : AbstractValidator<ListCompletionsRequest>
{
    public ListCompletionsValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Year).Year().When(r => r.Year != 0);
        RuleFor(r => r.Side).Must(s => s is LetterSide.Issued or LetterSide.Received).Says("必须是 ISSUED 或 RECEIVED", "must be ISSUED or RECEIVED");
    }
}
