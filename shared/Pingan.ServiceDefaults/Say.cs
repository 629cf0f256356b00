using System.Globalization;
using FluentValidation;
using Microsoft.Net.Http.Headers;

namespace Pingan.ServiceDefaults;

/// <summary>
/// A message to a caller in the caller's language: Chinese when the request's <c>Accept-Language</c> prefers Chinese
/// (the portal sends it for a person reading Chinese), English otherwise — the machine-to-machine default, so a
/// department's integration reads the same texts whatever its locale. Both texts stand side by side where the
/// message is raised: <c>Say.T("必须是日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")</c>.
/// </summary>
public static class Say
{
    private static readonly CultureInfo ChineseCulture = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en");

    public static bool Chinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    public static string T(string zh, string en) => Chinese ? zh : en;

    /// <summary>The culture a request's <c>Accept-Language</c> asks for, of the two the services speak.</summary>
    public static CultureInfo CultureOf(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage) || !StringWithQualityHeaderValue.TryParseList([acceptLanguage], out var languages))
            return EnglishCulture;
        foreach (var language in languages.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return ChineseCulture;
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return EnglishCulture;
        }
        return EnglishCulture;
    }

    /// <summary>Runs <paramref name="body"/> with the request's language as the current UI culture, then restores it.</summary>
    public static async Task<T> InAsync<T>(string? acceptLanguage, Func<Task<T>> body)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureOf(acceptLanguage);
        try
        {
            return await body();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}

/// <summary>A validator rule's message in both languages (<see cref="Say"/>), chosen when the rule fails.</summary>
public static class SaysRule
{
    public static IRuleBuilderOptions<T, TProperty> Says<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, string zh, string en) =>
        rule.WithMessage(_ => Say.T(zh, en));

    public static IRuleBuilderOptions<T, TProperty> Says<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, Func<T, string> zh, Func<T, string> en) =>
        rule.WithMessage(r => Say.Chinese ? zh(r) : en(r));
}
