using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Pingan.Deployment.Tests;

/// <summary>
/// The chart as an operator's helm renders it, offline (issue 16: no cluster where the platform is built). helm comes
/// from <c>PINGAN_TEST_HELM</c>, which <c>./platform test</c> sets after fetching it into .local/tools.
/// </summary>
public static class Chart
{
    public static string Root { get; } = FindRoot();

    public static string Path => System.IO.Path.Combine(Root, "charts", "pingan");

    private static string Helm => Environment.GetEnvironmentVariable("PINGAN_TEST_HELM") is { Length: > 0 } helm ? helm
        : File.Exists(System.IO.Path.Combine(Root, ".local", "tools", "helm")) ? System.IO.Path.Combine(Root, ".local", "tools", "helm")
        : throw new InvalidOperationException("No helm: run the tests with ./platform test (it fetches helm into .local/tools), or set PINGAN_TEST_HELM.");

    /// <summary>The objects <c>helm template</c> renders with <paramref name="set"/> (--set name=value each).</summary>
    public static List<IKubernetesObject> Render(params string[] set) => Load(Template(null, set));

    /// <summary>The objects rendered with the values file <paramref name="valuesFile"/> (in the chart's folder) and <paramref name="set"/>.</summary>
    public static List<IKubernetesObject> RenderWith(string valuesFile, params string[] set) => Load(Template(valuesFile, set));

    /// <summary>What <c>helm template</c> prints: the install's manifests.</summary>
    public static string Template(string? valuesFile, params string[] set) => TemplateWith(valuesFile is null ? [] : [valuesFile], set);

    /// <summary>The manifests with several values files, each relative to the chart's folder, the last winning.</summary>
    public static string TemplateWith(string[] valuesFiles, params string[] set)
    {
        var args = new List<string> { "template", "pingan", Path, "--namespace", "pingan" };
        foreach (var valuesFile in valuesFiles) args.AddRange(["--values", System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, valuesFile))]);
        foreach (var s in set) args.AddRange(["--set", s]);
        var (code, output, error) = Run(args);
        if (code != 0) throw new InvalidOperationException($"helm template failed ({code}): {error}");
        return output;
    }

    /// <summary>The Gateway API objects, as maps: kind, metadata, spec.</summary>
    public static List<Dictionary<string, object>> Gateway(string manifests) =>
        [.. CustomDocuments(manifests).Where(d => d.Contains("apiVersion: gateway.networking.k8s.io/", StringComparison.Ordinal))
            .Select(d => new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(d))];

    /// <summary>The custom resources (not in the Kubernetes models): the operators' schemas check them (<see cref="CustomResources"/>).</summary>
    public static IEnumerable<string> CustomDocuments(string manifests) => Documents(manifests).Where(IsCustom);

    public static List<IKubernetesObject> Load(string manifests) =>
        // Strict: a misspelled or unknown field, or a value of the wrong type, fails the load (helm lint does not see them).
        [.. KubernetesYaml.LoadAllFromString(string.Join("\n---\n", Documents(manifests).Where(d => !IsCustom(d))), strict: true).OfType<IKubernetesObject>()];

    public static IEnumerable<string> Documents(string manifests) =>
        manifests.Split("\n---").Select(d => d.Trim('\n')).Where(d => d.Contains("apiVersion:", StringComparison.Ordinal));

    private static readonly string[] CustomGroups = ["gateway.networking.k8s.io/", "monitoring.coreos.com/", "postgresql.cnpg.io/", "rabbitmq.com/"];

    private static bool IsCustom(string document) => CustomGroups.Any(g => document.Contains("apiVersion: " + g, StringComparison.Ordinal));

    public static (int Code, string Output, string Error) Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Helm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        // helm keeps its caches and config under the checkout's git-ignored folder, not the user's home.
        start.Environment["HELM_CACHE_HOME"] = System.IO.Path.Combine(Root, ".local", "helm", "cache");
        start.Environment["HELM_CONFIG_HOME"] = System.IO.Path.Combine(Root, ".local", "helm", "config");
        start.Environment["HELM_DATA_HOME"] = System.IO.Path.Combine(Root, ".local", "helm", "data");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill();
        return (process.ExitCode, output.Result, error.Result);
    }

    public static V1PodSpec PodSpec(IKubernetesObject o) => o switch
    {
        V1Deployment d => d.Spec.Template.Spec,
        V1Job j => j.Spec.Template.Spec,
        V1CronJob c => c.Spec.JobTemplate.Spec.Template.Spec,
        _ => throw new ArgumentException($"{o.Kind} has no pod"),
    };

    public static string Name(IKubernetesObject o) => $"{o.Kind}/{((IMetadata<V1ObjectMeta>)o).Metadata.Name}";

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Platform.sln"))) root = root.Parent;
        return root?.FullName ?? throw new InvalidOperationException("Platform.sln not found above the test's folder.");
    }
}
