using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pingan.Deployment.Tests;

/// <summary>
/// Issue 16, what the operations team watches: the alert rules pass promtool's check and their unit tests, every alert
/// links to a runbook section that exists, the dashboards are Grafana JSON shipped as the sidecar's ConfigMaps, and
/// every custom resource the chart and k8s/ hold matches its operator's schema. That the rules and dashboards read only
/// metrics the services export is checked against the running services (tests/Pingan.EndToEnd, ObservabilityTests).
/// </summary>
public sealed partial class MonitoringTests
{
    private static string Rules => Path.Combine(Chart.Path, "files", "prometheus");

    private static string Promtool => Environment.GetEnvironmentVariable("PINGAN_TEST_PROMTOOL") is { Length: > 0 } p ? p
        : File.Exists(Path.Combine(Chart.Root, ".local", "tools", "promtool")) ? Path.Combine(Chart.Root, ".local", "tools", "promtool")
        : throw new InvalidOperationException("No promtool: run the tests with ./platform test, or set PINGAN_TEST_PROMTOOL.");

    [Theory]
    [InlineData("check", "rules", "alerts.yaml")]
    [InlineData("test", "rules", "alerts.test.yaml")]
    public void The_alert_rules_pass_promtool_Issue16(string command, string what, string file)
    {
        var start = new ProcessStartInfo(Promtool, [command, what, file]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Rules };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_alert_has_a_severity_and_links_to_its_runbook_section_Issue16()
    {
        var rule = Assert.Single(Chart.CustomDocuments(Chart.Template("values-production.yaml")).Select(CustomResources.Parse), o => (string)o["kind"]! == "PrometheusRule");
        var runbooks = File.ReadAllText(Path.Combine(Chart.Root, "docs", "operations", "runbooks.md"));
        var alerts = ((List<object?>)((Dictionary<string, object?>)rule["spec"]!)["groups"]!).Cast<Dictionary<string, object?>>()
            .SelectMany(g => ((List<object?>)g["rules"]!).Cast<Dictionary<string, object?>>()).ToList();
        Assert.True(alerts.Count >= 12, $"{alerts.Count} alerts");
        Assert.All(alerts, a =>
        {
            var labels = (Dictionary<string, object?>)a["labels"]!;
            Assert.Contains((string)labels["severity"]!, new[] { "critical", "warning" });
            var url = (string)((Dictionary<string, object?>)a["annotations"]!)["runbook_url"]!;
            Assert.Equal($"https://docs.pingan.example.invalid/operations/runbooks.md#{labels["runbook"]}", url);
            Assert.Contains($"<a id=\"{labels["runbook"]}\"></a>\n## {a["alert"]} ", runbooks);
        });
    }

    [Fact]
    public void The_dashboards_are_Grafana_JSON_with_a_query_in_every_panel_and_ship_as_the_sidecars_ConfigMaps_Issue16()
    {
        var files = Directory.GetFiles(Path.Combine(Chart.Path, "files", "dashboards"), "*.json").Order().ToList();
        Assert.Equal(["pingan-business.json", "pingan-runtime.json"], files.Select(Path.GetFileName));
        var uids = new HashSet<string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            Assert.True(uids.Add(root.GetProperty("uid").GetString()!), file);
            Assert.Equal("Asia/Shanghai", root.GetProperty("timezone").GetString());
            var panels = root.GetProperty("panels").EnumerateArray().ToList();
            Assert.NotEmpty(panels);
            Assert.All(panels, p => Assert.All(p.GetProperty("targets").EnumerateArray(),
                t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"{file}: {p.GetProperty("title")}")));
            Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        }

        var rendered = Chart.RenderWith("values-production.yaml").OfType<k8s.Models.V1ConfigMap>()
            .Where(c => c.Metadata.Labels is { } labels && labels.TryGetValue("grafana_dashboard", out var on) && on == "1").ToList();
        Assert.Equal(files.Count, rendered.Count);
        foreach (var file in files)
            Assert.Equal(File.ReadAllText(file), Assert.Single(rendered, c => c.Data.ContainsKey(Path.GetFileName(file))).Data[Path.GetFileName(file)]);
    }

    [Fact]
    public void Without_the_values_asking_no_monitoring_object_needs_the_operators_CRDs_Issue16()
    {
        var manifests = Chart.Template(null);
        Assert.DoesNotContain(Chart.CustomDocuments(manifests), d => d.Contains("monitoring.coreos.com", StringComparison.Ordinal));
        Assert.DoesNotContain("grafana_dashboard", manifests);
    }

    [Fact]
    public void Every_custom_resource_matches_its_operators_schema_Issue16()
    {
        var objects = Chart.CustomDocuments(Chart.Template("values-production.yaml"))
            .Concat(Directory.GetFiles(Path.Combine(Chart.Root, "k8s", "infrastructure"), "*.yaml").SelectMany(f => Chart.Documents(File.ReadAllText(f))))
            .Select(CustomResources.Parse).ToList();
        Assert.Contains(objects, o => (string)o["kind"]! == "ServiceMonitor");
        Assert.Contains(objects, o => (string)o["kind"]! == "Cluster");
        Assert.Contains(objects, o => (string)o["kind"]! == "HTTPRoute");
        var results = CustomResources.Validate(objects);
        Assert.Equal(objects.Count, results.Count);
        // npm carries no schema package for the RabbitMQ operators' resources: InfrastructureTests checks their fields.
        Assert.All(results.Where(r => !RabbitMq().IsMatch(r.Name)), r => Assert.True(r.Error is null, $"{r.Name}: {r.Error}"));

        // The schemas do refuse what is wrong: an impossible scrape interval.
        var monitor = objects.First(o => (string)o["kind"]! == "ServiceMonitor");
        var broken = CustomResources.Parse(JsonSerializer.Serialize(monitor).Replace("\"interval\":\"30s\"", "\"interval\":\"half a minute\"", StringComparison.Ordinal));
        Assert.Contains("interval", Assert.Single(CustomResources.Validate([broken])).Error);
    }

    [GeneratedRegex("^(RabbitmqCluster|Vhost|User|Permission|Queue|Policy)/")]
    private static partial Regex RabbitMq();
}
