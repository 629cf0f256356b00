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
        // The seven services and the portal (issue 17).
        Assert.Equal(8, objects.OfType<V1Deployment>().Count());
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

    [Fact]
    public void The_portal_has_its_own_host_keeps_each_browser_on_its_replica_and_is_the_identity_services_registered_client_Issue17()
    {
        var rendered = Chart.Template("values-production.yaml");
        var gateway = Chart.Gateway(rendered);
        var listeners = ((List<object>)((Dictionary<object, object>)Assert.Single(gateway, o => (string)o["kind"] == "Gateway")["spec"])["listeners"]).Cast<Dictionary<object, object>>();
        Assert.Contains(listeners, l => (string)l["name"] == "portal" && (string)l["hostname"] == "portal.pingan.example.invalid");
        var route = (Dictionary<object, object>)Assert.Single(gateway, o => (string)o["kind"] == "HTTPRoute" && (string)((Dictionary<object, object>)o["metadata"])["name"] == "portal")["spec"];
        var rule = (Dictionary<object, object>)((List<object>)route["rules"]).Single();
        // A person's circuit and tokens live in one replica (ADR 0014).
        Assert.Equal("Cookie", ((Dictionary<object, object>)rule["sessionPersistence"])["type"]);
        Assert.Equal(("portal", "8080"), ((string)((Dictionary<object, object>)((List<object>)rule["backendRefs"]).Single())["name"],
            (string)((Dictionary<object, object>)((List<object>)rule["backendRefs"]).Single())["port"]));

        var objects = Chart.RenderWith("values-production.yaml");
        var identity = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "identity").Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        var portal = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "portal").Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        Assert.Equal("https://portal.pingan.example.invalid/signin-oidc", identity["Identity__Portal__RedirectUris"].Value);
        // One secret, read by both sides of the client registration.
        Assert.Equal((identity["Identity__Portal__Secret"].ValueFrom.SecretKeyRef.Name, identity["Identity__Portal__Secret"].ValueFrom.SecretKeyRef.Key),
            (portal["Portal__ClientSecret"].ValueFrom.SecretKeyRef.Name, portal["Portal__ClientSecret"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal("https://identity.pingan.example.invalid/", portal["Portal__Authority"].Value);
        Assert.Equal("true", portal["Portal__RequireHttpsMetadata"].Value);
    }

    [Theory]
    [InlineData("portalUrl=http://portal.pingan.example.invalid/", "portalUrl must be the portal's public https:// address")]
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
