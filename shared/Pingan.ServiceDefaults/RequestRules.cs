using System.Text.RegularExpressions;
using FluentValidation;

namespace Pingan.ServiceDefaults;

/// <summary>The field rules every service's request validators share, each with the message a caller reads.</summary>
public static partial class RequestRules
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Code();

    public static IRuleBuilderOptions<T, string> UnitCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(c => Code().IsMatch(c)).Says("必须是单位代码（1-64 个字母、数字、“.”、“_”或“-”）", "must be a unit code (1-64 letters, digits, '.', '_' or '-')");

    public static IRuleBuilderOptions<T, string> Id<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(id => Guid.TryParse(id, out _)).Says("必须是记录编号（UUID）", "must be an id (a UUID)");

    /// <summary>Required text of at most <paramref name="max"/> characters (surrounding spaces do not count).</summary>
    public static IRuleBuilderOptions<T, string> OptionalId<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(id => id.Length == 0 || Guid.TryParse(id, out _)).Says("必须为空或记录编号（UUID）", "must be empty or an id (a UUID)");

    public static IRuleBuilderOptions<T, string> Text<T>(this IRuleBuilder<T, string> rule, int max) =>
        rule.Must(n => n.Trim().Length is > 0 && n.Trim().Length <= max).Says($"必填，最多 {max} 个字", $"must be 1-{max} characters");

    public static IRuleBuilderOptions<T, string> OptionalText<T>(this IRuleBuilder<T, string> rule, int max) =>
        rule.Must(n => n.Length <= max).Says($"最多 {max} 个字", $"must be at most {max} characters");

    /// <summary>An optional client request id (AIP-155): up to 64 printable ASCII characters, no spaces.</summary>
    public static IRuleBuilderOptions<T, string> RequestId<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(v => v.Length == 0 || (v.Length <= 64 && v.All(c => c is > ' ' and <= '~')))
            .Says("必须为空或不超过 64 个不含空格的可打印字符（如 UUID）", "must be up to 64 printable characters without spaces (a UUID, say), or empty");

    /// <summary>A required calendar day, YYYY-MM-DD.</summary>
    public static IRuleBuilderOptions<T, string> Day<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", out _)).Says("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD");

    public static IRuleBuilderOptions<T, int> Year<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(2000, 2100).Says("必须是 2000 至 2100 之间的年份", "must be a year between 2000 and 2100");
}
