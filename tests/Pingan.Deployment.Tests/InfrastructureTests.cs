using k8s.Models;
using YamlDotNet.Serialization;

namespace Pingan.Deployment.Tests;

/// <summary>
/// Issue 16: the database and broker the chart expects (k8s/infrastructure), as the CloudNativePG and RabbitMQ
/// operators read them, and the chart's per-service logins to them.
/// </summary>
public sealed class InfrastructureTests
{
    private static readonly string[] Services = ["identity", "registry", "letters", "inspections", "sanctions", "assessments", "archives"];

    /// <summary>Every object of a manifest file, as the operator's custom resource would be parsed: maps and lists.</summary>
    private static List<Dictionary<string, object>> Load(string file)
    {
        var text = File.ReadAllText(Path.Combine(Chart.Root, "k8s", "infrastructure", file));
        var yaml = new DeserializerBuilder().Build();
        return [.. text.Split("\n---\n").Select(d => yaml.Deserialize<Dictionary<string, object>>(d)).Where(d => d is not null)];
    }

    private static object? At(object? node, string path)
    {
        foreach (var key in path.Split('.'))
            node = node is Dictionary<object, object> map ? map.GetValueOrDefault(key) : node is Dictionary<string, object> top ? top.GetValueOrDefault(key) : null;
        return node;
    }

    private static string Text(object? node, string path) => At(node, path)?.ToString() ?? "";

    [Fact]
    public void PostgreSQL_is_three_synchronous_instances_backed_up_for_point_in_time_recovery_with_a_database_and_login_per_service()
    {
        var objects = Load("postgres.yaml");
        Assert.All(objects, o => Assert.Equal("postgresql.cnpg.io/v1", Text(o, "apiVersion")));
        Assert.All(objects, o => Assert.Equal("pingan-data", Text(o, "metadata.namespace")));
        var cluster = Assert.Single(objects, o => Text(o, "kind") == "Cluster");
        Assert.True(int.Parse(Text(cluster, "spec.instances")) >= 3);
        Assert.True(int.Parse(Text(cluster, "spec.postgresql.synchronous.number")) >= 1);
        Assert.StartsWith("s3://", Text(cluster, "spec.backup.barmanObjectStore.destinationPath"));
        Assert.NotEmpty(Text(cluster, "spec.backup.retentionPolicy"));
        var roles = ((List<object>)At(cluster, "spec.managed.roles")!).Select(r => Text(r, "name")).ToList();
        Assert.Equal(Services.Order(), roles.Order());
        foreach (var service in Services)
        {
            var database = Assert.Single(objects, o => Text(o, "kind") == "Database" && Text(o, "spec.name") == service);
            Assert.Equal(service, Text(database, "spec.owner"));
            Assert.Equal("pingan-pg", Text(database, "spec.cluster.name"));
        }
        Assert.Contains(objects, o => Text(o, "kind") == "ScheduledBackup" && Text(o, "spec.cluster.name") == "pingan-pg");
        var pooler = Assert.Single(objects, o => Text(o, "kind") == "Pooler");
        Assert.Equal(("rw", "session"), (Text(pooler, "spec.type"), Text(pooler, "spec.pgbouncer.poolMode")));

        var restore = Assert.Single(Load("postgres-restore.example.yaml"));
        Assert.Equal("pingan-pg", Text(restore, "spec.bootstrap.recovery.source"));
        Assert.NotEmpty(Text(restore, "spec.bootstrap.recovery.recoveryTarget.targetTime"));
    }

    [Fact]
    public void RabbitMQ_is_three_nodes_with_quorum_queues_and_TLS_only_and_a_user_per_service()
    {
        var objects = Load("rabbitmq.yaml");
        Assert.All(objects, o => Assert.Equal("rabbitmq.com/v1beta1", Text(o, "apiVersion")));
        var cluster = Assert.Single(objects, o => Text(o, "kind") == "RabbitmqCluster");
        Assert.Equal("3", Text(cluster, "spec.replicas"));
        Assert.NotEmpty(Text(cluster, "spec.tls.secretName"));
        Assert.Equal("true", Text(cluster, "spec.tls.disableNonTLSListeners"), ignoreCase: true);
        Assert.Contains("default_queue_type = quorum", Text(cluster, "spec.rabbitmq.additionalConfig"));
        Assert.Contains(objects, o => Text(o, "kind") == "Vhost" && Text(o, "spec.name") == "pingan" && Text(o, "spec.defaultQueueType") == "quorum");
        foreach (var service in Services)
        {
            Assert.Contains(objects, o => Text(o, "kind") == "User" && Text(o, "spec.importCredentialsSecret.name") == $"pingan-mq-{service}");
            Assert.Contains(objects, o => Text(o, "kind") == "Permission" && Text(o, "spec.userReference.name") == $"pingan-{service}" && Text(o, "spec.vhost") == "pingan");
        }
    }

    [Fact]
    public void Each_service_logs_in_to_its_own_database_and_broker_user_over_TLS_when_the_hosts_are_set_Issue16()
    {
        var objects = Chart.Render("database.host=pingan-pg-pooler-rw.pingan-data.svc", "broker.host=pingan-rabbitmq.pingan-data.svc");
        foreach (var pod in objects.Where(o => o is V1Deployment or V1Job or V1CronJob))
        {
            var spec = Chart.PodSpec(pod);
            var service = ((IMetadata<V1ObjectMeta>)pod).Metadata.Labels["app.kubernetes.io/name"];
            var env = spec.Containers.Single().Env.ToDictionary(e => e.Name);
            if (service == "portal")
            {
                // The portal keeps nothing: no database or broker credentials reach it (issue 17).
                Assert.DoesNotContain(env.Keys, k => k.StartsWith("PINGAN_DB", StringComparison.Ordinal) || k.StartsWith("PINGAN_MQ", StringComparison.Ordinal)
                    || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
                continue;
            }
            Assert.Equal($"pingan-pg-{service}", env["PINGAN_DB_PASSWORD"].ValueFrom.SecretKeyRef.Name);
            Assert.Contains($"Database={service};", env[$"ConnectionStrings__{service}"].Value);
            Assert.Contains("Password=$(PINGAN_DB_PASSWORD)", env[$"ConnectionStrings__{service}"].Value);
            Assert.False(env.ContainsKey("ConnectionStrings__postgres"), Chart.Name(pod));
            Assert.Equal($"pingan-mq-{service}", env["PINGAN_MQ_PASSWORD"].ValueFrom.SecretKeyRef.Name);
            Assert.StartsWith("amqps://$(PINGAN_MQ_USERNAME):$(PINGAN_MQ_PASSWORD)@pingan-rabbitmq.pingan-data.svc:5671/pingan", env["ConnectionStrings__rabbitmq"].Value);
            // The variables a value refers to come before it (Kubernetes expands only those).
            var names = spec.Containers.Single().Env.Select(e => e.Name).ToList();
            Assert.True(names.IndexOf("PINGAN_DB_PASSWORD") < names.IndexOf($"ConnectionStrings__{service}"), Chart.Name(pod));
            Assert.Contains(spec.Volumes, v => v.Name == "broker-ca" && v.Secret.SecretName == "pingan-rabbitmq-ca");
            Assert.Contains(spec.Containers.Single().VolumeMounts, m => m.Name == "broker-ca" && m.MountPath == "/etc/pingan/broker-ca");
        }

        // Without the hosts: the one server-level connection Secret, and no CA volume.
        var simple = Chart.Render().OfType<V1Deployment>().First(d => d.Metadata.Name != "portal");
        var simpleEnv = simple.Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        Assert.Equal("pingan-connections", simpleEnv["ConnectionStrings__postgres"].ValueFrom.SecretKeyRef.Name);
        Assert.DoesNotContain(simple.Spec.Template.Spec.Volumes, v => v.Name == "broker-ca");
    }
}
