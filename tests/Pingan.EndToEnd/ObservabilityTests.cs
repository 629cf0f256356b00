using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.ServiceDefaults;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.EndToEnd;

/// <summary>
/// What the operations team watches (issue 16): every metric the chart's alert rules and Grafana dashboards query is
/// one the running services export (or one of the cluster's own exporters'), so no alert or panel silently reads
/// nothing; and the business gauges count what the services hold.
/// </summary>
public sealed partial class ObservabilityTests : PlatformTest
{
    /// <summary>Metrics of the cluster's exporters (kube-state-metrics, the kubelet), not of the services.</summary>
    private static readonly string[] ClusterExporters = ["kube_", "container_", "rabbitmq_", "up"];

    [Fact]
    public async Task The_alerts_and_dashboards_query_only_metrics_the_services_export_Issue16()
    {
        // A call to every service, so its per-call series exist; a refused one too.
        var registry = new RegistryApi.Units.UnitsClient(await AsAsync(Registry, Province, "commission-office"));
        await Refused(() => registry.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = Province }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => registry.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = "" }).ResponseAsync, StatusCode.InvalidArgument);

        var exported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in new[] { Identity, Registry, Letters, Inspections, Sanctions, Assessments, Archives })
        {
            if (host.Services.GetService<ScrapeProbes>() is { } probes) await probes.RefreshAsync(CancellationToken.None);
            exported.UnionWith(Scrape.Names(await host.Rest.GetStringAsync("/metrics")));
        }
        Assert.Contains("pingan_grpc_server_call_duration_seconds_bucket", exported);

        var root = Root;
        var queries = RuleExpressions(File.ReadAllText(Path.Combine(root, "charts/pingan/files/prometheus/alerts.yaml")))
            .Concat(Directory.GetFiles(Path.Combine(root, "charts/pingan/files/dashboards"), "*.json").SelectMany(DashboardExpressions))
            .ToList();
        Assert.True(queries.Count > 20, $"only {queries.Count} queries found");
        var missing = queries.SelectMany(q => PromQl.MetricNames(q).Select(name => (name, q)))
            .Where(m => !exported.Contains(m.name) && !ClusterExporters.Any(p => p == "up" ? m.name == "up" : m.name.StartsWith(p, StringComparison.Ordinal)))
            .Select(m => $"{m.name} in {m.q}").Distinct().ToList();
        Assert.True(missing.Count == 0, "not exported:\n" + string.Join("\n", missing) + "\n\nexported:\n" + string.Join("\n", exported.Order()));
    }

    /// <summary>The expressions of a Prometheus rule file: each <c>expr:</c>, on its line or as a block under it.</summary>
    private static IEnumerable<string> RuleExpressions(string rules)
    {
        var lines = rules.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var m = ExprLine().Match(lines[i]);
            if (!m.Success) continue;
            var value = m.Groups["value"].Value.Trim();
            if (value is not ("|" or ">" or "|-" or ">-"))
            {
                yield return value;
                continue;
            }
            var indent = m.Groups["indent"].Value.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                block.Add(lines[++i]);
            yield return string.Join(" ", block.Select(b => b.Trim()));
        }
    }

    private static IEnumerable<string> DashboardExpressions(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var found = new List<string>();
        Walk(doc.RootElement);
        return found;

        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                // A data-source variable's query names the kind of source, not a metric.
                if (e.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "datasource") return;
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name is "expr" or "query" && p.Value.ValueKind == JsonValueKind.String) found.Add(p.Value.GetString()!);
                    else Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray()) Walk(item);
            }
        }
    }

    [GeneratedRegex(@"^(?<indent>\s*)(- )?expr:\s*(?<value>.*)$")]
    private static partial Regex ExprLine();
}

/// <summary>The metric names a PromQL expression reads (Grafana's variables removed first).</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
        "group_left", "group_right", "inf", "nan", "Inf", "NaN"];

    public static IEnumerable<string> MetricNames(string expr)
    {
        var s = LabelValues().Replace(expr, "$1"); // a Grafana variable's label_values(metric, label)
        s = Variables().Replace(s, "");
        s = Strings().Replace(s, "");
        s = Matchers().Replace(s, "");
        s = Ranges().Replace(s, "");
        s = Groupings().Replace(s, "");
        return Identifiers().Matches(s).Select(m => m.Value).Where(n => !Keywords.Contains(n)).Distinct();
    }

    [GeneratedRegex(@"label_values\(([^,]*),[^)]*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\$\{[^}]*\}|\$\w+")]
    private static partial Regex Variables();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    /// <summary>A name not inside a number or duration and not called (a function or aggregation is followed by a parenthesis).</summary>
    [GeneratedRegex(@"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\()(?![\w:])")]
    private static partial Regex Identifiers();
}
