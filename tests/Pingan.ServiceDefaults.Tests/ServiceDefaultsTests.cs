using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Pingan.ServiceDefaults.Tests.Sample;
using Pingan.Testing;

namespace Pingan.ServiceDefaults.Tests;

/// <summary>What every service gets from AddServiceDefaults, checked through its real HTTP and gRPC ports.</summary>
public sealed class ServiceDefaultsTests : InfrastructureTest
{
    private SampleHost _host = null!;
    private GrpcChannel _channel = null!;
    private UnitRegistry.UnitRegistryClient _grpc = null!;


    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _host = await SampleHost.StartAsync(Database.ConnectionString, VirtualHost.AmqpUri);
        _channel = GrpcChannel.ForAddress(_host.GrpcAddress);
        _grpc = new UnitRegistry.UnitRegistryClient(_channel);
    }

    public override async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Readiness_reports_the_database_and_the_broker_and_liveness_answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Rest.GetAsync("/healthz/live")).StatusCode);
        // The bus connects in the background, and readiness is up (Degraded) meanwhile (issue 12): wait until it reports
        // the broker connected, a precondition established rather than hoped for on a busy machine (issue 19).
        JsonElement body = default;
        HttpStatusCode status = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var ready = await _host.Rest.GetAsync("/healthz/ready");
            status = ready.StatusCode;
            body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.Clone();
            return body.TryGetProperty("checks", out var checks)
                && checks.EnumerateObject().Any(c => c.Name.StartsWith("masstransit", StringComparison.Ordinal) && c.Value.GetProperty("status").GetString() == "Healthy");
        }, TimeSpan.FromSeconds(60), "readiness reports the broker connected");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("db-sample").GetProperty("status").GetString());
    }

    /// <summary>
    /// Issue 12: while the broker is unreachable the service stays ready (its outbox keeps the events): readiness
    /// answers 200, Degraded, naming the broker's entry as degraded; liveness holds.
    /// </summary>
    [Fact]
    public async Task Readiness_stays_up_but_degraded_while_the_broker_is_unreachable_and_liveness_holds()
    {
        var dead = new UriBuilder(VirtualHost.AmqpUri) { Port = 1 }.Uri.ToString();
        await using var host = await SampleHost.StartAsync(Database.ConnectionString, dead);
        Assert.Equal(HttpStatusCode.OK, (await host.Rest.GetAsync("/healthz/live")).StatusCode);
        JsonElement body = default;
        HttpStatusCode status = default;
        // Wait for the bus to report on the broker (it tries to connect first), however long that takes here.
        await Eventually.HoldsAsync(async () =>
        {
            using var ready = await host.Rest.GetAsync("/healthz/ready");
            status = ready.StatusCode;
            body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.Clone();
            return body.GetProperty("status").GetString() == "Degraded";
        }, TimeSpan.FromSeconds(60), "readiness reports the broker as degraded");
        Assert.Equal(HttpStatusCode.OK, status);
        var broker = body.GetProperty("checks").EnumerateObject().Single(c => c.Name.StartsWith("masstransit", StringComparison.Ordinal));
        Assert.Equal("Degraded", broker.Value.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("db-sample").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Prometheus_metrics_are_served_outside_Development()
    {
        await _host.Rest.GetAsync("/v1/units/410000000000");
        var text = await _host.Rest.GetStringAsync("/metrics");
        Assert.Contains("http_requests_received_total", text);
        Assert.Contains("process_cpu_seconds_total", text);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_transcoded_REST_routes()
    {
        var doc = JsonDocument.Parse(await _host.Rest.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/units", paths);
        Assert.Contains("/v1/units/{code}", paths);
        Assert.Equal("Sample registry", doc.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_bad_gRPC_request_gets_InvalidArgument_naming_every_bad_field_and_changes_nothing()
    {
        var request = new CreateUnitRequest
        {
            Code = "4101",
            DisplayName = "",
            Targets = { new Target { Indicator = "群众安全感", Weight = 30 }, new Target { Indicator = "命案", Weight = -5 } },
        };
        var ex = await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(["code", "display_name", "targets[1].weight"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Empty(_host.Store.Units);
    }

    [Fact]
    public async Task A_caller_reading_Chinese_gets_each_fields_message_in_Chinese_and_a_machine_gets_English_by_default()
    {
        var bad = new CreateUnitRequest { Code = "4101", DisplayName = "" };
        string MessageOf(RpcException e, string field) => e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single(v => v.Field == field).Description;

        var chinese = await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(bad, new Metadata { { "accept-language", "zh-CN,zh;q=0.9,en;q=0.5" } }).ResponseAsync);
        Assert.Equal(("必须是 12 位区划代码", "必填"), (MessageOf(chinese, "code"), MessageOf(chinese, "display_name")));
        Assert.StartsWith("字段 code, display_name 有误", chinese.Status.Detail);
        var english = await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(bad, new Metadata { { "accept-language", "en-GB" } }).ResponseAsync);
        Assert.Equal("must be a 12-digit division code", MessageOf(english, "code"));
        var unsaid = await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(bad).ResponseAsync);
        Assert.Equal("must not be empty", MessageOf(unsaid, "display_name"));

        // The REST caller's Accept-Language is the same header: its problem details speak Chinese too.
        using var rest = new HttpRequestMessage(HttpMethod.Post, "/v1/units") { Content = JsonContent.Create(new { code = "x", displayName = "郑州市" }) };
        rest.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var problem = JsonDocument.Parse(await (await _host.Rest.SendAsync(rest)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("必须是 12 位区划代码", problem.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Empty(_host.Store.Units);
    }

    [Fact]
    public async Task Each_call_is_counted_under_its_method_and_the_status_the_caller_got_REST_included_Issue16()
    {
        var create = $"/{UnitRegistry.Descriptor.FullName}/CreateUnit";
        async Task<double> CountAsync(string code) =>
            await Scrape.ValueAsync(_host.Rest, "pingan_grpc_server_call_duration_seconds_count", ("method", create), ("code", code)) ?? 0;
        var (ok, invalid, exists) = (await CountAsync("OK"), await CountAsync("InvalidArgument"), await CountAsync("AlreadyExists"));

        await _grpc.CreateUnitAsync(new CreateUnitRequest { Code = "410200000000", DisplayName = "开封市" });
        await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(new CreateUnitRequest { Code = "4102", DisplayName = "" }).ResponseAsync);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Rest.PostAsJsonAsync("/v1/units", new { code = "x", displayName = "开封" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Rest.PostAsJsonAsync("/v1/units", new { code = "410200000000", displayName = "开封" })).StatusCode);

        Assert.Equal((ok + 1, invalid + 2, exists + 1), (await CountAsync("OK"), await CountAsync("InvalidArgument"), await CountAsync("AlreadyExists")));
    }

    [Fact]
    public async Task A_bad_REST_request_gets_problem_details_with_the_fields_by_their_JSON_names()
    {
        var response = await _host.Rest.PostAsJsonAsync("/v1/units", new
        {
            code = "x",
            displayName = "郑州市",
            targets = new[] { new { indicator = "命案", weight = 500 } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("InvalidArgument", problem.GetProperty("grpcStatus").GetString());
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Equal(["code", "targets[0].weight"], errors);
        Assert.Empty(_host.Store.Units);
    }

    [Fact]
    public async Task Malformed_JSON_is_a_400_not_a_500()
    {
        var response = await _host.Rest.PostAsync("/v1/units", new StringContent("{\"code\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_host.Store.Units);
    }

    [Fact]
    public async Task Created_over_REST_read_over_gRPC_and_a_duplicate_is_a_conflict()
    {
        var created = await _host.Rest.PostAsJsonAsync("/v1/units", new { code = "410100000000", displayName = "郑州市" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);

        var unit = await _grpc.GetUnitAsync(new GetUnitRequest { Code = "410100000000" });
        Assert.Equal("郑州市", unit.DisplayName);

        var again = await _host.Rest.PostAsJsonAsync("/v1/units", new { code = "410100000000", displayName = "郑州" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var dup = await Assert.ThrowsAsync<RpcException>(() => _grpc.CreateUnitAsync(new CreateUnitRequest { Code = "410100000000", DisplayName = "郑州" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, dup.StatusCode);
        Assert.Equal("郑州市", _host.Store.Units["410100000000"].DisplayName);
    }

    [Fact]
    public async Task A_missing_record_is_NotFound_over_gRPC_and_404_problem_over_REST()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _grpc.GetUnitAsync(new GetUnitRequest { Code = "419999999999" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);

        var response = await _host.Rest.GetAsync("/v1/units/419999999999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("No unit 419999999999.", problem.GetProperty("detail").GetString());
    }
}
