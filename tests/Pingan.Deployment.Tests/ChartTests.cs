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
    public void A_production_install_bootstraps_its_first_accounts_from_a_secret_and_loads_no_demo_data_Issue16()
    {
        var objects = Chart.Render();
        var bootstrap = objects.OfType<V1Job>().Single(j => j.Metadata.Name == "identity-bootstrap");
        Assert.Equal("post-install,post-upgrade", bootstrap.Metadata.Annotations["helm.sh/hook"]);
        var container = bootstrap.Spec.Template.Spec.Containers.Single();
        Assert.Equal(["bootstrap"], container.Args);
        Assert.Equal("pingan-bootstrap", container.EnvFrom.Single().SecretRef.Name);
        Assert.DoesNotContain(objects, o => o is V1Job j && j.Metadata.Name.EndsWith("-seed", StringComparison.Ordinal));
        Assert.DoesNotContain(objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers[0].Env), e => e.Name == "Identity__DemoAccounts");

        var demo = Chart.Render("demoData=true", "bootstrapSecret=");
        Assert.DoesNotContain(demo, o => o is V1Job j && j.Metadata.Name == "identity-bootstrap");
        Assert.Contains(demo, o => o is V1Job j && j.Metadata.Name == "identity-seed");
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
                Assert.True(security.ReadOnlyRootFilesystem == true, $"{name} can write its root filesystem");
            }
            Assert.True(spec.HostNetwork != true && spec.HostPID != true && spec.HostIPC != true, $"{Chart.Name(pod)} shares the host's namespaces");
            Assert.True(spec.Volumes?.All(v => v.HostPath is null) ?? true, $"{Chart.Name(pod)} mounts a host path");
            // No service calls the Kubernetes API: no token in any pod.
            Assert.True(spec.AutomountServiceAccountToken == false, $"{Chart.Name(pod)} mounts a service account token");
        }
    }

    [Fact]
    public void Each_service_starts_probes_and_drains_and_a_drain_takes_one_pod_at_a_time_Issue16()
    {
        var objects = Chart.Render("services.archives.replicas=0");
        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            var name = deployment.Metadata.Name;
            var pod = deployment.Spec.Template.Spec;
            var container = pod.Containers.Single();
            Assert.Equal("/healthz/live", container.StartupProbe.HttpGet.Path);
            Assert.Equal("/healthz/ready", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz/live", container.LivenessProbe.HttpGet.Path);
            // The endpoint leaves the Service while preStop waits; the grace period covers the wait and the host's stop.
            var wait = container.Lifecycle.PreStop.Sleep.Seconds;
            Assert.True(wait >= 5 && pod.TerminationGracePeriodSeconds >= wait + 20, $"{name}: preStop {wait} s, grace {pod.TerminationGracePeriodSeconds} s");
            Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
            Assert.Equal(name, pod.ServiceAccountName);
            Assert.NotNull(pod.TopologySpreadConstraints);
            // gRPC callers balance over the pods: a headless Service of them, and every caller's address resolves it
            // (the portal serves no gRPC: it only calls).
            if (container.Ports.Any(p => p.Name == "grpc"))
                Assert.Contains(objects, o => o is V1Service s && s.Metadata.Name == $"{name}-pods" && s.Spec.ClusterIP == "None");
            else Assert.Equal("portal", name);
            Assert.All(container.Env.Where(e => e.Name.StartsWith("Services__", StringComparison.Ordinal) && e.Name.EndsWith("__Grpc", StringComparison.Ordinal)
                    || e.Name.StartsWith("Portal__Services__", StringComparison.Ordinal)),
                e => Assert.Matches("^dns:///[a-z]+-pods:8081$", e.Value));
            Assert.Contains(objects, o => o is V1ServiceAccount a && a.Metadata.Name == name && a.AutomountServiceAccountToken == false);
            var budget = objects.OfType<V1PodDisruptionBudget>().SingleOrDefault(b => b.Metadata.Name == name);
            if (deployment.Spec.Replicas > 1) Assert.Equal("1", budget?.Spec.MaxUnavailable?.Value);
            else Assert.Null(budget);
        }
        Assert.Equal(0, objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "archives").Spec.Replicas);
    }

    [Fact]
    public void Autoscaling_starts_from_the_replicas_and_leaves_a_service_scaled_to_zero_alone()
    {
        Assert.DoesNotContain(Chart.Render(), o => o is V2HorizontalPodAutoscaler);
        var objects = Chart.Render("defaults.autoscaling.enabled=true", "services.archives.replicas=0", "services.letters.autoscaling.maxReplicas=12");
        var scalers = objects.OfType<V2HorizontalPodAutoscaler>().ToDictionary(h => h.Metadata.Name);
        Assert.False(scalers.ContainsKey("archives"));
        Assert.Equal((2, 12), (scalers["letters"].Spec.MinReplicas!.Value, scalers["letters"].Spec.MaxReplicas));
        Assert.Equal((2, 6), (scalers["registry"].Spec.MinReplicas!.Value, scalers["registry"].Spec.MaxReplicas));
        Assert.Equal(70, scalers["registry"].Spec.Metrics.Single().Resource.Target.AverageUtilization);
    }

    [Fact]
    public void Scheduled_jobs_run_on_China_time_with_deadlines_and_are_cleaned_up()
    {
        var objects = Chart.Render();
        var cron = objects.OfType<V1CronJob>().ToList();
        Assert.Equal(Services.Length, cron.Count);
        foreach (var job in cron)
        {
            Assert.Equal("Asia/Shanghai", job.Spec.TimeZone);
            Assert.Equal("Forbid", job.Spec.ConcurrencyPolicy);
            Assert.NotNull(job.Spec.StartingDeadlineSeconds);
            Assert.NotNull(job.Spec.JobTemplate.Spec.ActiveDeadlineSeconds);
            Assert.NotNull(job.Spec.JobTemplate.Spec.TtlSecondsAfterFinished);
        }
        Assert.All(objects.OfType<V1Job>(), j => Assert.True(j.Spec.ActiveDeadlineSeconds is not null && j.Spec.TtlSecondsAfterFinished is not null, j.Metadata.Name));
    }

    [Fact]
    public void Network_policies_deny_by_default_then_allow_exactly_the_architectures_flows_Issue16()
    {
        var policies = Chart.Render().OfType<V1NetworkPolicy>().ToDictionary(p => p.Metadata.Name);
        var deny = policies["pingan-default-deny"];
        Assert.Empty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Equal(["Ingress", "Egress"], deny.Spec.PolicyTypes);
        Assert.Null(deny.Spec.Ingress);
        Assert.Null(deny.Spec.Egress);

        var services = policies["pingan-services"];
        Assert.Equal("pingan", services.Spec.PodSelector.MatchLabels["app.kubernetes.io/part-of"]);
        // In: REST from the ingress controller and Prometheus only; gRPC from the platform's own pods only.
        var rest = services.Spec.Ingress.Single(r => r.Ports.Any(p => p.Port.Value == "rest"));
        Assert.Equal(["ingress-nginx", "monitoring"], rest.FromProperty.Select(f => f.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]));
        var grpc = services.Spec.Ingress.Single(r => r.Ports.Any(p => p.Port.Value == "grpc"));
        Assert.Equal("pingan", grpc.FromProperty.Single().PodSelector.MatchLabels["app.kubernetes.io/part-of"]);
        Assert.Equal(2, services.Spec.Ingress.Count);
        // Out: DNS, each other's gRPC, PostgreSQL, RabbitMQ, the collector, the issuer through the ingress; nothing else.
        var ports = services.Spec.Egress.SelectMany(r => r.Ports.Select(p => p.Port.Value)).Order().ToList();
        Assert.Equal(["4317", "4318", "443", "53", "53", "5432", "5671", "5672", "80", "8081"], ports);
        Assert.DoesNotContain(services.Spec.Egress, r => r.To.Any(t => t.IpBlock is not null));
        // Only the sanctions service reaches outside, to the departments' systems over HTTPS.
        var departments = policies["pingan-sanctions-departments"];
        Assert.Equal("sanctions", departments.Spec.PodSelector.MatchLabels["app.kubernetes.io/name"]);
        Assert.Equal("443", departments.Spec.Egress.Single().Ports.Single().Port.Value);
        Assert.Equal(3, policies.Count);
    }
}
