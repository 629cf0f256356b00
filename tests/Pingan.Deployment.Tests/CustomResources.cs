using System.Diagnostics;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace Pingan.Deployment.Tests;

/// <summary>
/// Custom resources (ServiceMonitor, PrometheusRule, CloudNativePG's, the Gateway API's) checked against their
/// operators' schemas, offline: npm's kubernetes-models packages, which <c>./platform test</c> fetches into
/// .local/tools/crd-models (<c>PINGAN_TEST_CRD_MODELS</c>), run by node (crds/validate.mjs).
/// </summary>
public static class CustomResources
{
    private static string Models => Environment.GetEnvironmentVariable("PINGAN_TEST_CRD_MODELS") is { Length: > 0 } dir ? dir
        : Directory.Exists(Path.Combine(Chart.Root, ".local", "tools", "crd-models")) ? Path.Combine(Chart.Root, ".local", "tools", "crd-models")
        : throw new InvalidOperationException("No custom resource schemas: run the tests with ./platform test, or set PINGAN_TEST_CRD_MODELS.");

    /// <summary>One YAML document as the API server would read it: plain scalars typed (numbers, booleans), quoted ones strings.</summary>
    public static Dictionary<string, object?> Parse(string document) =>
        (Dictionary<string, object?>)Normalize(new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(document))!;

    /// <summary>Each object's "Kind/name" and the schema's complaint: null when valid, "no-schema" when no package knows the kind.</summary>
    public static List<(string Name, string? Error)> Validate(IEnumerable<Dictionary<string, object?>> objects)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Chart.Root, "tests", "Pingan.Deployment.Tests", "crds", "validate.mjs"));
        start.ArgumentList.Add(Models);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(objects));
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill();
        if (process.ExitCode != 0) throw new InvalidOperationException($"validate.mjs failed ({process.ExitCode}): {error.Result}");
        return [.. JsonDocument.Parse(output.Result).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("error").ValueKind == JsonValueKind.Null ? null : r.GetProperty("error").GetString()))];
    }

    private static object? Normalize(object? node) => node switch
    {
        Dictionary<object, object?> map => map.ToDictionary(e => e.Key.ToString()!, e => Normalize(e.Value)),
        List<object?> list => list.Select(Normalize).ToList(),
        _ => node,
    };
}
