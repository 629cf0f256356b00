using k8s;
using k8s.Models;

namespace Pingan.Deployment.Tests;

/// <summary>Issue 16: what an operator's install would get, checked without a cluster.</summary>
public sealed class ChartTests
{
    private static readonly string[] Services = ["identity", "registry", "letters", "inspections", "sanctions", "assessments", "archives"];

    [Fact]
    public void The_chart_lints_strictly()
    {
        var (code, output, error) = Chart.Run(["lint", "--strict", Chart.Path]);
        Assert.True(code == 0, output + error);
        Assert.Contains("0 chart(s) failed", output);
    }

    [Fact]
    public void Every_object_the_chart_renders_is_a_valid_Kubernetes_object_with_a_deployment_service_and_migration_per_service()
    {
        var objects = Chart.Render();
        foreach (var service in Services)
        {
            Assert.Contains(objects, o => o is V1Deployment d && d.Metadata.Name == service);
            Assert.Contains(objects, o => o is V1Service s && s.Metadata.Name == service && s.Spec.Ports.Any(p => p.Name == "grpc"));
            // The schema runs once before each install or upgrade, never in the replicas (ADR 0004).
            Assert.Contains(objects, o => o is V1Job j && j.Metadata.Name == $"{service}-migrate" && j.Spec.Template.Spec.Containers[0].Args.SequenceEqual(["migrate"]));
        }
    }

    [Fact]
    public void Zero_replicas_render_as_zero_and_a_partial_resource_override_keeps_the_defaults_Issue16()
    {
        var objects = Chart.Render("services.archives.replicas=0", "services.registry.resources.limits.memory=1Gi");
        var archives = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "archives");
        var registry = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "registry");
        var letters = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "letters");
        // Scaled to zero (as for the archives' rebuild) stays zero; the others keep the default.
        Assert.Equal(0, archives.Spec.Replicas);
        Assert.Equal(2, registry.Spec.Replicas);
        var resources = registry.Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal("1Gi", resources.Limits["memory"].ToString());
        Assert.Equal("100m", resources.Requests["cpu"].ToString());
        Assert.Equal("256Mi", resources.Requests["memory"].ToString());
        Assert.Equal("512Mi", letters.Spec.Template.Spec.Containers[0].Resources.Limits["memory"].ToString());
    }

    [Theory]
    [InlineData("services.registry.replicas=-1", "/services/registry/replicas")]
    [InlineData("services.registry.replica=3", "replica")]
    [InlineData("defaults.resources.limits.memroy=1Gi", "memroy")]
    [InlineData("provinceJurisdiction=4100", "/provinceJurisdiction")]
    public void A_misspelled_or_impossible_value_is_refused_by_the_values_schema_naming_it(string set, string named)
    {
        var (code, _, error) = Chart.Run(["template", "pingan", Chart.Path, "--set", set]);
        Assert.NotEqual(0, code);
        Assert.Contains("schema", error);
        Assert.Contains(named, error);
    }

    [Fact]
    public void Every_pod_meets_the_restricted_pod_security_standard()
    {
        var pods = Chart.Render().Where(o => o is V1Deployment or V1Job or V1CronJob).ToList();
        Assert.NotEmpty(pods);
        foreach (var pod in pods)
        {
            var spec = Chart.PodSpec(pod);
            foreach (var container in spec.Containers.Concat(spec.InitContainers ?? []))
            {
                var name = $"{Chart.Name(pod)} container {container.Name}";
                var security = container.SecurityContext ?? throw new Xunit.Sdk.XunitException($"{name} has no securityContext");
                Assert.True(security.RunAsNonRoot == true || spec.SecurityContext?.RunAsNonRoot == true, $"{name} may run as root");
                Assert.True(security.AllowPrivilegeEscalation == false, $"{name} allows privilege escalation");
                Assert.True(security.Capabilities?.Drop?.Contains("ALL") == true, $"{name} keeps its capabilities");
                Assert.True((security.SeccompProfile ?? spec.SecurityContext?.SeccompProfile)?.Type is "RuntimeDefault" or "Localhost", $"{name} has no seccomp profile");
                Assert.True(security.Privileged != true, $"{name} is privileged");
            }
            Assert.True(spec.HostNetwork != true && spec.HostPID != true && spec.HostIPC != true, $"{Chart.Name(pod)} shares the host's namespaces");
            Assert.True(spec.Volumes?.All(v => v.HostPath is null) ?? true, $"{Chart.Name(pod)} mounts a host path");
        }
    }
}
