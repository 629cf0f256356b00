using FluentValidation;
using Pingan.Registry.Api;
using Pingan.Registry.Integration;
using Pingan.Registry.Units;
using Pingan.ServiceDefaults;

namespace Pingan.Registry;

// The shape of each request: checked before any handler runs, each failure named by its proto field.

internal static class Rules
{
    public static IRuleBuilderOptions<T, string> Date<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(Dates.IsEmptyOrValid).Says("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD");

    public static IRuleBuilderOptions<T, string> RequiredDate<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(d => Dates.TryParse(d, out _)).Says("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD");

    public static IRuleBuilderOptions<T, string> UnitCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(c => UnitImport.CodePattern().IsMatch(c)).Says("必须是单位代码（1-64 个字母、数字、“.”、“_”或“-”）", "must be a unit code (1-64 letters, digits, '.', '_' or '-')");

    public static IRuleBuilderOptions<T, string> OptionalUnitCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(c => c.Length == 0 || UnitImport.CodePattern().IsMatch(c)).Says("必须为空或单位代码", "must be a unit code or empty");

    public static IRuleBuilderOptions<T, string> Id<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(id => Guid.TryParse(id, out _)).Says("必须是记录编号（UUID）", "must be an id (a UUID)");

    public static IRuleBuilderOptions<T, string> Name<T>(this IRuleBuilder<T, string> rule, int max) =>
        rule.Must(n => n.Trim().Length is > 0 && n.Trim().Length <= max).Says($"必填，最多 {max} 个字", $"must be 1-{max} characters");
}

public sealed class RegisterUnitValidator : AbstractValidator<RegisterUnitRequest>
{
    public RegisterUnitValidator()
    {
        Pingan.ServiceDefaults.RequestRules.RequestId(RuleFor(r => r.RequestId));
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.Code).Must(c => UnitImport.DivisionCode().IsMatch(c))
            .When(r => r.Kind.IsDefined() && Contracts.UnitKinds.IsJurisdiction(r.Kind.ToDomain())).Says("行政区域的代码须为其 12 位行政区划代码", "a jurisdiction's code is its 12-digit division code");
        RuleFor(r => r.Name).Name(100);
        RuleFor(r => r.Kind).Must(k => k.IsDefined()).Says("必须指定单位类别", "must name a unit kind");
        RuleFor(r => r.ParentCode).OptionalUnitCode();
        RuleFor(r => r.VerticalSuperiorCode).OptionalUnitCode();
        RuleFor(r => r.EffectiveOn).Date();
    }
}

public sealed class UpdateUnitValidator : AbstractValidator<UpdateUnitRequest>
{
    public UpdateUnitValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.Name).Name(100).When(r => r.HasName);
        RuleFor(r => r.ParentCode).UnitCode().When(r => r.HasParentCode);
        RuleFor(r => r.VerticalSuperiorCode).OptionalUnitCode().When(r => r.HasVerticalSuperiorCode);
        RuleFor(r => r.EffectiveOn).Date();
        RuleFor(r => r).Must(r => r.HasName || r.HasParentCode || r.HasProvinceDirect || r.HasVerticalSuperiorCode)
            .OverridePropertyName("name").Says("请说明变更内容：name、parent_code、province_direct 或 vertical_superior_code", "say what changes: name, parent_code, province_direct or vertical_superior_code");
    }
}

public sealed class DissolveUnitValidator : AbstractValidator<DissolveUnitRequest>
{
    public DissolveUnitValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.EffectiveOn).Date();
        RuleFor(r => r.Reason).MaximumLength(500);
    }
}

public sealed class GetAccountabilityChainValidator : AbstractValidator<GetAccountabilityChainRequest>
{
    public GetAccountabilityChainValidator() => RuleFor(r => r.Code).UnitCode();
}

public sealed class GetUnitValidator : AbstractValidator<GetUnitRequest>
{
    public GetUnitValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.AsOf).Date();
    }
}

public sealed class ListAncestorsValidator : AbstractValidator<ListAncestorsRequest>
{
    public ListAncestorsValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.AsOf).Date();
    }
}

public sealed class ListDescendantsValidator : AbstractValidator<ListDescendantsRequest>
{
    public ListDescendantsValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.PageSize).InclusiveBetween(0, 1000).Says("必须是 1 至 1000（0 表示 100）", "must be 1-1000 (0 for 100)");
        RuleFor(r => r.Level).IsInEnum();
        RuleForEach(r => r.Kinds).Must(k => k.IsDefined()).Says("必须指定单位类别", "must name a unit kind");
    }
}

public sealed class SearchUnitsValidator : AbstractValidator<SearchUnitsRequest>
{
    public SearchUnitsValidator()
    {
        RuleFor(r => r.Query).Must(q => q.Trim().Length is > 0 and <= 50).Says("必填，最多 50 个字", "must be 1-50 characters");
        RuleFor(r => r.Within).OptionalUnitCode();
        RuleFor(r => r.Limit).InclusiveBetween(0, 100).Says("必须是 1 至 100（0 表示 20）", "must be 1-100 (0 for 20)");
    }
}

public sealed class GetCommissionForUnitValidator : AbstractValidator<GetCommissionForUnitRequest>
{
    public GetCommissionForUnitValidator()
    {
        RuleFor(r => r.Code).UnitCode();
        RuleFor(r => r.Relation).IsInEnum();
        RuleFor(r => r.AsOf).Date();
    }
}

public sealed class AppointLeaderValidator : AbstractValidator<AppointLeaderRequest>
{
    public AppointLeaderValidator()
    {
        RuleFor(r => r.LeaderId).Id().When(r => r.LeaderId.Length > 0);
        RuleFor(r => r.Name).Name(50).When(r => r.LeaderId.Length == 0 && r.ExternalPersonId.Length == 0)
            .Says("请指明领导：leader_id、external_person_id 或 name", "name the leader: leader_id, external_person_id or name");
        RuleFor(r => r.Name).MaximumLength(50);
        RuleFor(r => r.ExternalPersonId).MaximumLength(100);
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Role).Must(r => r != LeadershipRole.Unspecified && Enum.IsDefined(r)).Says("必须是 PRINCIPAL、IN_CHARGE 或 DUAL_DUTY", "must be PRINCIPAL, IN_CHARGE or DUAL_DUTY");
        RuleFor(r => r.Portfolio).MaximumLength(50);
        RuleFor(r => r.Title).MaximumLength(100);
        RuleFor(r => r.StartsOn).Date();
        RuleFor(r => r.CadreAuthorityCode).OptionalUnitCode();
        RuleFor(r => r.ExternalId).MaximumLength(100);
        RuleFor(r => r.CorrectionReason).MaximumLength(500);
        Pingan.ServiceDefaults.RequestRules.RequestId(RuleFor(r => r.RequestId));
    }
}

public sealed class EndTermValidator : AbstractValidator<EndTermRequest>
{
    public EndTermValidator()
    {
        RuleFor(r => r.TermId).Id();
        RuleFor(r => r.EndsOn).Date();
        RuleFor(r => r.Reason).MaximumLength(500);
        RuleFor(r => r.CorrectionReason).MaximumLength(500);
    }
}

public sealed class ChangeRoleValidator : AbstractValidator<ChangeRoleRequest>
{
    public ChangeRoleValidator()
    {
        RuleFor(r => r.TermId).Id();
        RuleFor(r => r.Role).Must(r => r != LeadershipRole.Unspecified && Enum.IsDefined(r)).Says("必须是 PRINCIPAL、IN_CHARGE 或 DUAL_DUTY", "must be PRINCIPAL, IN_CHARGE or DUAL_DUTY");
        RuleFor(r => r.Portfolio).MaximumLength(50);
        RuleFor(r => r.Title).MaximumLength(100);
        RuleFor(r => r.EffectiveOn).Date();
        RuleFor(r => r.CorrectionReason).MaximumLength(500);
    }
}

public sealed class ListHoldersValidator : AbstractValidator<ListHoldersRequest>
{
    public ListHoldersValidator()
    {
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.Role).IsInEnum();
        RuleFor(r => r.AsOf).Date();
        RuleFor(r => r.Until).Date();
        RuleFor(r => r.Until).Must((r, until) => string.CompareOrdinal(until, r.AsOf) >= 0)
            .Says("不得早于 as_of", "must not be before as_of").When(r => r.Until.Length > 0 && r.AsOf.Length > 0);
        RuleFor(r => r.AsOf).NotEmpty().Says("指定期间时须填写起始日（as_of）", "a period needs its first day").When(r => r.Until.Length > 0);
    }
}

public sealed class GetAccountabilityValidator : AbstractValidator<GetAccountabilityRequest>
{
    public GetAccountabilityValidator()
    {
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.AsOf).Date();
    }
}

public sealed class GetLeaderValidator : AbstractValidator<GetLeaderRequest>
{
    public GetLeaderValidator() => RuleFor(r => r.LeaderId).Id();
}

public sealed class EstablishCommissionValidator : AbstractValidator<EstablishCommissionRequest>
{
    public EstablishCommissionValidator()
    {
        RuleFor(r => r.JurisdictionCode).UnitCode();
        RuleFor(r => r.Name).Name(100);
        RuleFor(r => r.OfficeUnitCode).OptionalUnitCode();
        RuleFor(r => r.EstablishedOn).Date();
    }
}

public sealed class ListCommissionsValidator : AbstractValidator<ListCommissionsRequest>
{
    public ListCommissionsValidator()
    {
        RuleFor(r => r.WithinCode).UnitCode();
        RuleFor(r => r.AsOf).Date();
        RuleFor(r => r.PageSize).InclusiveBetween(0, 1000).Says("必须是 1 至 1000（0 表示 500）", "must be 1-1000 (0 for 500)");
        RuleFor(r => r.PageToken).OptionalUnitCode().Says("必须是前一页返回的 next_page_token", "must be a next_page_token of an earlier page");
    }
}

public sealed class GetCommissionValidator : AbstractValidator<GetCommissionRequest>
{
    public GetCommissionValidator()
    {
        RuleFor(r => r.JurisdictionCode).UnitCode();
        RuleFor(r => r.AsOf).Date();
    }
}

public sealed class MemberUnitValidator : AbstractValidator<MemberUnitRequest>
{
    public MemberUnitValidator()
    {
        RuleFor(r => r.JurisdictionCode).UnitCode();
        RuleFor(r => r.UnitCode).UnitCode();
        RuleFor(r => r.EffectiveOn).Date();
    }
}

public sealed class CommissionMemberValidator : AbstractValidator<CommissionMemberRequest>
{
    public CommissionMemberValidator()
    {
        Pingan.ServiceDefaults.RequestRules.RequestId(RuleFor(r => r.RequestId));
        RuleFor(r => r.JurisdictionCode).UnitCode();
        RuleFor(r => r.LeaderId).Id();
        RuleFor(r => r.Position).Name(30);
        RuleFor(r => r.MemberUnitCode).OptionalUnitCode();
        RuleFor(r => r.StartsOn).Date();
        RuleFor(r => r.EndsOn).Date();
    }
}

public sealed class ImportUnitsValidator : AbstractValidator<ImportUnitsRequest>
{
    public ImportUnitsValidator()
    {
        RuleFor(r => r.Units).NotEmpty().Says("至少须含一个单位", "must hold at least one unit");
        RuleFor(r => r.Units.Count).LessThanOrEqualTo(Limits.ImportRows).OverridePropertyName("units").Says($"每次导入最多 {Limits.ImportRows} 行", $"at most {Limits.ImportRows} rows per import");
        RuleFor(r => r.Mode).IsInEnum();
    }
}

public sealed class ImportTermsValidator : AbstractValidator<ImportTermsRequest>
{
    public ImportTermsValidator()
    {
        RuleFor(r => r.Terms).NotEmpty().Says("至少须含一条任职记录", "must hold at least one term");
        RuleFor(r => r.Terms.Count).LessThanOrEqualTo(Limits.ImportRows).OverridePropertyName("terms").Says($"每次导入最多 {Limits.ImportRows} 行", $"at most {Limits.ImportRows} rows per import");
        RuleFor(r => r.Mode).IsInEnum();
    }
}

public sealed class CsvImportValidator : AbstractValidator<CsvImportRequest>
{
    public CsvImportValidator()
    {
        RuleFor(r => r.File).Must(f => f is not null && !f.Data.IsEmpty).Says("须附 CSV 文件", "must hold the CSV file");
        RuleFor(r => r.Mode).IsInEnum();
    }
}

public sealed class PersonnelChangesValidator : AbstractValidator<PersonnelChangesRequest>
{
    public PersonnelChangesValidator()
    {
        RuleFor(r => r.Source).Must(s => s.Trim().Length is > 0 and <= 50).Says("必须写明发送系统（1 至 50 个字）", "must name the sending system (1-50 characters)");
        RuleFor(r => r.Changes).NotEmpty().Says("至少须含一项变动", "must hold at least one change");
        RuleFor(r => r.Changes.Count).LessThanOrEqualTo(Limits.FeedChanges).OverridePropertyName("changes").Says($"每次调用最多 {Limits.FeedChanges} 项变动", $"at most {Limits.FeedChanges} changes per call");
        RuleForEach(r => r.Changes).ChildRules(c =>
            c.RuleFor(x => x.ChangeId).Must(id => id.Trim().Length is > 0 and <= 100).Says("必须是来源系统中该变动的编号（1 至 100 个字）", "must be the source's id of the change (1-100 characters)"));
    }
}

public static class Limits
{
    public const int ImportRows = 200_000;
    public const int FeedChanges = 5_000;
}
