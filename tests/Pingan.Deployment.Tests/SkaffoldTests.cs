using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace Pingan.Deployment.Tests;

/// <summary>
/// Issue 16: skaffold builds every service's image with the .NET SDK on a pinned non-root base, rebuilds it when any
/// project it references changes, and deploys the chart with the dev profile's in-cluster infrastructure and demo data
/// or the prod profile's production values. (No cluster or registry is reachable where the platform is built: these
/// check what skaffold and the SDK will be given.)
/// </summary>
public sealed partial class SkaffoldTests
{
    private static readonly Dictionary<object, object> Config =
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(Chart.Root, "skaffold.yaml")));

    /// <summary>The folders of services/ that are services (not contracts, not the local AppHost).</summary>
    private static List<string> Services() =>
        [.. Directory.GetDirectories(Path.Combine(Chart.Root, "services")).Select(Path.GetFileName).OfType<string>()
            .Where(d => File.Exists(Path.Combine(Chart.Root, "services", d, "Program.cs")) && d != "Pingan.AppHost").Order()];

    private static string Image(string project) => "pingan-" + project["Pingan.".Length..].ToLowerInvariant();

    private static List<Dictionary<object, object>> Artifacts(Dictionary<object, object> build) =>
        [.. ((List<object>)build["artifacts"]).Cast<Dictionary<object, object>>()];

    private static Dictionary<object, object> Profile(string name) =>
        ((List<object>)Config["profiles"]).Cast<Dictionary<object, object>>().Single(p => (string)p["name"] == name);

    private static object? At(object? node, string path)
    {
        foreach (var key in path.Split('.')) node = node is Dictionary<object, object> map ? map.GetValueOrDefault(key) : null;
        return node;
    }

    [Fact]
    public void Every_service_has_an_image_rebuilt_when_any_project_it_references_changes_Issue16()
    {
        var artifacts = Artifacts((Dictionary<object, object>)Config["build"]);
        Assert.Equal(Services().Select(Image).Order(), artifacts.Select(a => (string)a["image"]).Order());
        foreach (var project in Services())
        {
            var artifact = artifacts.Single(a => (string)a["image"] == Image(project));
            Assert.Equal($"k8s/publish-image.sh services/{project}", At(artifact, "custom.buildCommand"));
            var watched = ((List<object>)At(artifact, "custom.dependencies.paths")!).Cast<string>().ToHashSet();
            foreach (var referenced in ProjectFolders(Path.Combine(Chart.Root, "services", project, project + ".csproj")))
                Assert.True(watched.Contains(referenced) || watched.Any(w => referenced.StartsWith(w + "/", StringComparison.Ordinal)),
                    $"{project}: skaffold does not rebuild it when {referenced} changes");
        }
        // The prod profile builds the same images (a YAML alias of the same list), pushed.
        Assert.Equal(artifacts.Select(a => (string)a["image"]), Artifacts((Dictionary<object, object>)Profile("prod")["build"]).Select(a => (string)a["image"]));
        Assert.Equal("true", At(Profile("prod"), "build.local.push"));
    }

    /// <summary>The project's folder and those of every project it references, transitively, relative to the root, with the
    /// folders of the .proto files they compile from elsewhere (a contracts project compiles its service's).</summary>
    private static HashSet<string> ProjectFolders(string csproj, HashSet<string>? seen = null)
    {
        seen ??= [];
        var folder = Path.GetRelativePath(Chart.Root, Path.GetDirectoryName(csproj)!).Replace('\\', '/');
        if (!seen.Add(folder)) return seen;
        foreach (var proto in XDocument.Load(csproj).Descendants("Protobuf"))
            seen.Add(Path.GetRelativePath(Chart.Root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!,
                proto.Attribute("Include")!.Value.Replace('\\', '/'))))!).Replace('\\', '/'));
        foreach (var reference in XDocument.Load(csproj).Descendants("ProjectReference"))
            ProjectFolders(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))), seen);
        return seen;
    }

    [Theory]
    [InlineData("dev", new[] { "values-demo.yaml", "../../k8s/dev/values-dev.yaml" })]
    [InlineData("prod", new[] { "values-production.yaml" })]
    public void Each_profile_deploys_the_chart_with_its_values_and_the_images_it_built_Issue16(string profile, string[] valuesFiles)
    {
        var release = Assert.Single(((List<object>)At(Profile(profile), "manifests.helm.releases")!).Cast<Dictionary<object, object>>());
        Assert.Equal(("pingan", "charts/pingan", "pingan"), ((string)release["name"], (string)release["chartPath"], (string)release["namespace"]));
        Assert.Equal(valuesFiles.Select(f => Path.GetFullPath(Path.Combine(Chart.Path, f))),
            ((List<object>)release["valuesFiles"]).Cast<string>().Select(f => Path.GetFullPath(Path.Combine(Chart.Root, f))));
        var templates = ((Dictionary<object, object>)release["setValueTemplates"]).ToDictionary(e => (string)e.Key, e => (string)e.Value);
        var names = Services().Select(p => p["Pingan.".Length..].ToLowerInvariant()).ToList();
        Assert.Equal(names.Select(n => $"services.{n}.imageRef").Order(), templates.Keys.Order());
        Assert.All(names, n => Assert.Equal($"{{{{.IMAGE_FULLY_QUALIFIED_pingan_{n}}}}}", templates[$"services.{n}.imageRef"]));

        // What helm renders once skaffold has filled the templates in: every pod runs the image built for its service.
        var digest = new string('a', 64);
        var objects = Chart.Load(Chart.TemplateWith(valuesFiles, [.. names.Select(n => $"services.{n}.imageRef=registry.local/pingan-{n}:0a1b2c3@sha256:{digest}")]));
        var pods = objects.Where(o => o is V1Deployment or V1Job or V1CronJob).ToList();
        Assert.NotEmpty(pods);
        Assert.All(pods, o => Assert.All(Chart.PodSpec(o).Containers, c =>
            Assert.Matches($"^registry\\.local/pingan-({string.Join('|', names)}):0a1b2c3@sha256:{digest}$", c.Image)));
    }

    [Fact]
    public void The_dev_profile_brings_its_own_database_broker_secrets_and_calendars_Issue16()
    {
        var dev = Profile("dev");
        Assert.Equal(["k8s/dev"], ((List<object>)At(dev, "manifests.kustomize.paths")!).Cast<string>());
        var kustomization = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(Chart.Root, "k8s", "dev", "kustomization.yaml")));
        var infrastructure = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Chart.Root, "k8s", "dev", "infrastructure.yaml")), strict: true);
        Assert.Contains(infrastructure, o => o is V1Deployment { Metadata.Name: "postgres" });
        Assert.Contains(infrastructure, o => o is V1Deployment { Metadata.Name: "rabbitmq" });
        Assert.All(infrastructure.OfType<V1Deployment>(), d => Assert.True(d.Spec.Template.Spec.SecurityContext.RunAsNonRoot));

        // Every Secret and ConfigMap the chart's pods read is generated, in the chart's namespace; every file exists.
        var generated = ((List<object>)kustomization["secretGenerator"]).Concat((List<object>)kustomization["configMapGenerator"]).Cast<Dictionary<object, object>>().ToList();
        Assert.All(generated, g => Assert.Equal("pingan", g["namespace"]));
        Assert.All(generated.Where(g => g.ContainsKey("files")).SelectMany(g => ((List<object>)g["files"]).Cast<string>()),
            f => Assert.True(File.Exists(Path.Combine(Chart.Root, "k8s", "dev", f)), f));
        var objects = Chart.Load(Chart.TemplateWith(["values-demo.yaml", "../../k8s/dev/values-dev.yaml"]));
        var read = objects.Where(o => o is V1Deployment or V1Job or V1CronJob).SelectMany(o => Chart.PodSpec(o).Containers.SelectMany(c => c.Env ?? [])
                .Select(e => e.ValueFrom?.SecretKeyRef?.Name).Concat(Chart.PodSpec(o).Volumes?.Select(v => v.ConfigMap?.Name ?? v.Secret?.SecretName) ?? []))
            .OfType<string>().ToHashSet();
        Assert.Subset(generated.Select(g => (string)g["name"]).ToHashSet(), read);
    }

    [Fact]
    public void The_images_build_on_a_pinned_base_as_the_charts_non_root_user_Issue16()
    {
        var runAsUser = Chart.Render().OfType<V1Deployment>().Select(d => d.Spec.Template.Spec.SecurityContext.RunAsUser).Distinct().Single();
        foreach (var project in Services())
        {
            var start = new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(Chart.Root, "services", project, project + ".csproj"),
                "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:ContainerRepository"]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var properties = JsonDocument.Parse(output).RootElement.GetProperty("Properties");
            // A patch release or a digest, never a floating tag such as 10.0 or latest.
            Assert.Matches(PinnedBase(), properties.GetProperty("ContainerBaseImage").GetString());
            Assert.Equal(runAsUser.ToString(), properties.GetProperty("ContainerUser").GetString());
            Assert.Equal(Image(project), properties.GetProperty("ContainerRepository").GetString());
        }
    }

    [GeneratedRegex(@"^mcr\.microsoft\.com/dotnet/aspnet(:\d+\.\d+\.\d+-[a-z-]*chiseled[a-z-]*|@sha256:[0-9a-f]{64})$")]
    private static partial Regex PinnedBase();
}
