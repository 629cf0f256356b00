using System.Reflection;
using Google.Api;
using Google.Protobuf.Reflection;

namespace Pingan.Contracts.Tests;

/// <summary>
/// What a released contract promises (docs/integration/versioning.md), one line per fact: each message field's number
/// with its name, type and cardinality; each enum value's number with its name; each method with its request, response,
/// streaming and HTTP route. A release keeps the lines of every .proto file under docs/integration/released/; a later
/// build may add lines, never drop or change one.
/// </summary>
public static class ContractSnapshot
{
    /// <summary>The platform's own .proto files compiled into the referenced assemblies, by file name (audit.proto, not Protos/audit.proto).</summary>
    public static IReadOnlyDictionary<string, FileDescriptor> Files()
    {
        _ = new[] { typeof(Pingan.Registry.Api.Units), typeof(Pingan.Letters.Api.Letters), typeof(Pingan.Inspections.Api.Inspections),
            typeof(Pingan.Sanctions.Api.Cases), typeof(Pingan.Assessments.Api.Assessments), typeof(Pingan.Archives.Api.Archives),
            typeof(Pingan.Audit.Api.AuditLog), typeof(Pingan.EventLog.Api.EventLog), typeof(Pingan.Rules.Api.RegulationRules) };
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Pingan.", StringComparison.Ordinal) == true)
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal) && t.Namespace?.StartsWith("Pingan.", StringComparison.Ordinal) == true)
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .Where(f => f.Package.StartsWith("pingan.", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f.Name), StringComparer.Ordinal);
    }

    public static IReadOnlyList<string> Lines(FileDescriptor file)
    {
        var lines = new List<string>();
        foreach (var message in file.MessageTypes) Message(message, lines);
        foreach (var e in file.EnumTypes) Enum(e, lines);
        foreach (var service in file.Services)
        {
            foreach (var method in service.Methods)
            {
                var http = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is { } rule ? " " + Route(rule) : "";
                lines.Add($"rpc {service.FullName}.{method.Name}({Stream(method.IsClientStreaming)}{method.InputType.FullName}) returns ({Stream(method.IsServerStreaming)}{method.OutputType.FullName}){http}");
            }
        }
        return lines;
    }

    private static string Stream(bool streaming) => streaming ? "stream " : "";

    private static string Route(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => "GET " + rule.Get,
        HttpRule.PatternOneofCase.Post => "POST " + rule.Post,
        HttpRule.PatternOneofCase.Put => "PUT " + rule.Put,
        HttpRule.PatternOneofCase.Patch => "PATCH " + rule.Patch,
        HttpRule.PatternOneofCase.Delete => "DELETE " + rule.Delete,
        _ => rule.PatternCase.ToString(),
    } + (rule.Body.Length > 0 ? " body:" + rule.Body : "");

    private static void Message(MessageDescriptor message, List<string> lines)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            var cardinality = field.IsMap ? "map" : field.IsRepeated ? "repeated" : field.HasPresence && field.RealContainingOneof is null && field.FieldType != FieldType.Message ? "optional" : "singular";
            var type = field.FieldType switch
            {
                FieldType.Message when field.IsMap => $"map<{TypeOf(field.MessageType.FindFieldByNumber(1))},{TypeOf(field.MessageType.FindFieldByNumber(2))}>",
                _ => TypeOf(field),
            };
            var oneof = field.RealContainingOneof is { } o ? $" oneof {o.Name}" : "";
            lines.Add($"field {message.FullName} {field.FieldNumber} {field.Name} {cardinality} {type}{oneof}");
        }
        foreach (var nested in message.NestedTypes.Where(n => !(n.GetOptions()?.MapEntry ?? false))) Message(nested, lines);
        foreach (var e in message.EnumTypes) Enum(e, lines);
    }

    private static string TypeOf(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => field.MessageType.FullName,
        FieldType.Enum => "enum " + field.EnumType.FullName,
        var t => t.ToString().ToLowerInvariant(),
    };

    private static void Enum(EnumDescriptor e, List<string> lines)
    {
        foreach (var value in e.Values) lines.Add($"enum {e.FullName} {value.Number} {value.Name}");
    }

    /// <summary>
    /// What <paramref name="current"/> breaks of <paramref name="released"/>: each released line gone or changed, named
    /// by what a client relied on (the field number, the enum value's number, the method).
    /// </summary>
    public static IReadOnlyList<string> Breaks(IEnumerable<string> released, IEnumerable<string> current)
    {
        var now = current.ToHashSet(StringComparer.Ordinal);
        var byKey = current.GroupBy(Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var breaks = new List<string>();
        foreach (var line in released.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (now.Contains(line)) continue;
            breaks.Add(byKey.TryGetValue(Key(line), out var changed) ? $"changed: {line}  ->  {changed}" : $"removed: {line}");
        }
        return breaks;
    }

    /// <summary>What identifies a line across versions: a field by its message and number, an enum value by its enum and
    /// number, a method by its name.</summary>
    private static string Key(string line)
    {
        var parts = line.Split(' ');
        return parts[0] switch
        {
            "field" or "enum" => $"{parts[0]} {parts[1]} {parts[2]}",
            _ => parts[0] + " " + parts[1][..parts[1].IndexOf('(', StringComparison.Ordinal)],
        };
    }
}
