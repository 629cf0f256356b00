using k8s.Models;

namespace Pingan.Deployment.Tests;

/// <summary>Issue 16: the chart's three installs (default, demo, production) and the production gateway.</summary>
public sealed class ValuesTests
{
    private static readonly string Golden = Path.Combine(Chart.Root, "tests", "Pingan.Deployment.Tests", "golden", "production.yaml");

    [Theory]
    [InlineData(null)]
    [InlineData("values-demo.yaml")]
    [InlineData("values-production.yaml")]
    public void Each_install_renders_valid_objects_and_lints_strictly(string? valuesFile)
    {
        var objects = valuesFile is null ? Chart.Render() : Chart.RenderWith(valuesFile);
        Assert.Equal(7, objects.OfType<V1Deployment>().Count());
        var args = new List<string> { "lint", "--strict", Chart.Path };
        if (valuesFile is not null) args.AddRange(["--values", Path.Combine(Chart.Path, valuesFile)]);
        var (code, output, error) = Chart.Run(args);
        Assert.True(code == 0, output + error);
    }

    /// <summary>
    /// The production rendering is kept in golden/production.yaml: a chart change shows in review as a change of that
    /// file. After an intended change, run the tests with PINGAN_UPDATE_GOLDEN=1 and commit the file.
    /// </summary>
    [Fact]
    public void The_production_rendering_is_the_reviewed_golden_file()
    {
        var rendered = Chart.Template("values-production.yaml");
        if (Environment.GetEnvironmentVariable("PINGAN_UPDATE_GOLDEN") == "1") File.WriteAllText(Golden, rendered);
        Assert.True(File.Exists(Golden), $"{Golden} is missing: run with PINGAN_UPDATE_GOLDEN=1 and commit it");
        var golden = File.ReadAllText(Golden);
        var (a, b) = (golden.Split('\n'), rendered.Split('\n'));
        var first = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        Assert.True(golden == rendered,
            $"the production rendering differs from golden/production.yaml from line {first + 1}: golden «{a.ElementAtOrDefault(first)}», rendered «{b.ElementAtOrDefault(first)}» " +
            "(after an intended change: PINGAN_UPDATE_GOLDEN=1, then commit the file)");
    }

    [Fact]
    public void The_gateway_serves_people_the_issuer_and_each_API_under_its_service_over_HTTPS_Issue16()
    {
        var gateway = Chart.Gateway(Chart.Template("values-production.yaml"));
        var listeners = (List<object>)((Dictionary<object, object>)Assert.Single(gateway, o => (string)o["kind"] == "Gateway")["spec"])["listeners"];
        Assert.All(listeners.Cast<Dictionary<object, object>>(), l =>
        {
            Assert.Equal(("HTTPS", "443"), ((string)l["protocol"], (string)l["port"]));
            Assert.NotEmpty((List<object>)((Dictionary<object, object>)l["tls"])["certificateRefs"]);
        });
        var routes = gateway.Where(o => (string)o["kind"] == "HTTPRoute").ToDictionary(o => (string)((Dictionary<object, object>)o["metadata"])["name"], o => (Dictionary<object, object>)o["spec"]);
        Assert.Equal(["identity.pingan.example.invalid"], ((List<object>)routes["identity"]["hostnames"]).Cast<string>());
        foreach (var service in new[] { "registry", "letters", "inspections", "sanctions", "assessments", "archives" })
        {
            var rule = (Dictionary<object, object>)((List<object>)routes[service]["rules"]).Single();
            var match = (Dictionary<object, object>)((Dictionary<object, object>)((List<object>)rule["matches"]).Single())["path"];
            Assert.Equal($"/{service}/", match["value"]);
            var rewrite = (Dictionary<object, object>)((Dictionary<object, object>)((Dictionary<object, object>)((List<object>)rule["filters"]).Single())["urlRewrite"])["path"];
            Assert.Equal("/", rewrite["replacePrefixMatch"]);
            var backend = (Dictionary<object, object>)((List<object>)rule["backendRefs"]).Single();
            Assert.Equal((service, "8080"), ((string)backend["name"], (string)backend["port"]));
        }
    }

    [Theory]
    [InlineData("trustedProxies=", "trustedProxies must name the gateway's addresses")]
    [InlineData("issuer=http://identity.pingan.example.invalid/", "issuer must be the identity service's public https:// address")]
    [InlineData("gateway.identityHost=login.pingan.example.invalid", "must be gateway.identityHost")]
    public void The_gateway_requires_the_public_issuer_on_its_host_and_the_trusted_proxies_Issue16(string set, string named)
    {
        var (code, _, error) = Chart.Run(["template", "pingan", Chart.Path, "--values", Path.Combine(Chart.Path, "values-production.yaml"), "--set", set]);
        Assert.NotEqual(0, code);
        Assert.Contains(named, error);
    }
}
