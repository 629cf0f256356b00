using System.Text.Json;
using Pingan.Registry.Api;

namespace Pingan.Registry;

/// <summary>What an audit entry says changed: the fields, before and after, as compact JSON.</summary>
public static class AuditDetail
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string? Of(IEnumerable<FieldChange> changes)
    {
        var list = changes.Select(c => new { c.Field, c.Before, c.After }).ToList();
        return list.Count == 0 ? null : JsonSerializer.Serialize(list, Json);
    }

    public static string Of(object detail) => JsonSerializer.Serialize(detail, Json);

    public static string Of(ImportReport report) =>
        Of(new { report.Created, report.Updated, report.Unchanged, report.Failed, report.AlreadyApplied });
}
