using System.Text.Json;
using System.Text.Json.Nodes;
using Pingan.Security.Tests;
using Pingan.Testing;

namespace Pingan.EndToEnd;

/// <summary>
/// What a department's developers get (issue 18): the OpenAPI document of each business service, as the platform serves
/// it, linted with Spectral's standard ruleset (<c>spectral:oas</c>, unchanged) and read as a client generator would.
/// The Node.js tools come from tests/integration-clients (installed by <c>./platform test</c>).
/// </summary>
public sealed class IntegrationKitTests : PlatformTest
{
    private ServiceHost[] Business => [Registry, Letters, Inspections, Sanctions, Assessments, Archives];

    [Fact]
    public async Task Every_services_OpenAPI_document_is_lint_clean_under_spectral_oas_Issue18()
    {
        // Written where ./platform contracts packs them, with the server as deployed (the chart's gateway), then linted as published.
        var folder = Path.Combine(Environment.GetEnvironmentVariable("PINGAN_CONTRACTS_OUT") is { Length: > 0 } o ? o : Path.Combine(Root, ".local", "contracts"), "openapi");
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var (host, name) in Business.Zip(["registry", "letters", "inspections", "sanctions", "assessments", "archives"]))
        {
            var document = JsonNode.Parse(await host.Rest.GetStringAsync("/openapi/v1.json"))!;
            document["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "https://{apiHost}/" + name,
                ["description"] = "The province's platform, through its gateway",
                ["variables"] = new JsonObject { ["apiHost"] = new JsonObject { ["default"] = "api.pingan.example.invalid", ["description"] = "The chart's gateway.apiHost" } },
            });
            var path = Path.Combine(folder, name + ".json");
            await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
            files.Add(path);
        }

        var (exit, output, errors) = await NodeClients.RunAsync(NodeClients.Tool("spectral"),
            ["lint", "--ruleset", Path.Combine(NodeClients.Folder, ".spectral.yaml"), "--format", "json", "--fail-severity", "hint", .. files]);
        var findings = output.Trim().Length == 0 || output.Contains("No results with a severity", StringComparison.Ordinal)
            ? []
            : JsonDocument.Parse(output[output.IndexOf('[', StringComparison.Ordinal)..]).RootElement.EnumerateArray()
                .Select(f => $"{Path.GetFileName(f.GetProperty("source").GetString())} {f.GetProperty("code").GetString()} (severity {f.GetProperty("severity").GetInt32()}) "
                    + $"at {string.Join('.', f.GetProperty("path").EnumerateArray().Select(p => p.ToString()))}: {f.GetProperty("message").GetString()}")
                .ToList();
        Assert.True(findings.Count == 0 && exit == 0,
            $"spectral exited {exit} with {findings.Count} finding(s):\n{string.Join("\n", findings.Take(60))}\n{errors}");
    }

    [Fact]
    public async Task A_generated_client_gets_named_described_operations_the_identity_services_flows_and_problem_details_Issue18()
    {
        using var doc = JsonDocument.Parse(await Registry.Rest.GetStringAsync("/openapi/v1.json"));
        var root = doc.RootElement;

        // Named after the gRPC method, described by its .proto comment.
        var getUnit = root.GetProperty("paths").GetProperty("/v1/units/{code}").GetProperty("get");
        Assert.Equal("Units_GetUnit", getUnit.GetProperty("operationId").GetString());
        Assert.Contains("as it stood on as_of", getUnit.GetProperty("summary").GetString() + getUnit.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Enum values carry their comments; fields theirs.
        var schemas = root.GetProperty("components").GetProperty("schemas");
        var kind = schemas.EnumerateObject().Single(s => s.Name.EndsWith(".UnitKind", StringComparison.Ordinal)).Value;
        Assert.Contains("`STATISTICAL_GROUPING`: A statistical grouping row", kind.GetProperty("description").GetString(), StringComparison.Ordinal);

        // The identity service's flows, at its own address, with the scopes this service's tokens come from.
        var oauth = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2").GetProperty("flows");
        Assert.Equal(Identity.Rest.BaseAddress + "connect/token", oauth.GetProperty("clientCredentials").GetProperty("tokenUrl").GetString());
        var scopes = oauth.GetProperty("clientCredentials").GetProperty("scopes").EnumerateObject().Select(s => s.Name).ToList();
        Assert.Contains("pingan", scopes);
        Assert.Contains("pingan.registry", scopes);
        Assert.Contains("pingan.letters", scopes); // the letters service calls the registry on its caller's token

        // Errors are the problem details the service writes, not google.rpc.Status.
        var badRequest = getUnit.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json");
        Assert.Equal("#/components/schemas/ProblemDetails", badRequest.GetProperty("schema").GetProperty("$ref").GetString());
        Assert.DoesNotContain(schemas.EnumerateObject(), s => s.Name.EndsWith("Google.Rpc.Status", StringComparison.Ordinal));
        var token = await IdentityTokens.ClientTokenAsync(Identity, "e2e-kit-office", Province, Province, "pingan", "commission-office");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/units/not-a-code");
        request.Headers.Authorization = new("Bearer", token);
        var served = await Registry.Rest.SendAsync(request);
        Assert.Equal("application/problem+json", served.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await served.Content.ReadAsStringAsync());
        Assert.Equal((int)served.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.TryGetProperty("grpcStatus", out _));

        // Request examples, where a service has them, each naming an operation of its document (spectral checks them against the schemas).
        var example = root.GetProperty("paths").GetProperty("/v1/imports/terms").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("ZZB-2021-0601-001", example.GetProperty("terms")[0].GetProperty("appointmentId").GetString());
        foreach (var (host, service) in new[] { (Registry, typeof(Pingan.Registry.RegistryApplication)), (Sanctions, typeof(Pingan.Sanctions.SanctionsApplication)), (Archives, typeof(Pingan.Archives.ArchivesApplication)) })
        {
            using var document = JsonDocument.Parse(await host.Rest.GetStringAsync("/openapi/v1.json"));
            var operations = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
                .ToDictionary(o => o.Value.GetProperty("operationId").GetString()!, o => o.Value);
            var examples = Pingan.ServiceDefaults.OpenApiDocuments.Examples(service.Assembly);
            Assert.NotEmpty(examples);
            Assert.All(examples, e => Assert.True(operations.TryGetValue(e.Key, out var operation)
                && operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _), $"{e.Key} is no operation with a JSON body"));
        }

        // The server is the address the document was asked for.
        Assert.Equal(Registry.Rest.BaseAddress!.ToString().TrimEnd('/'), root.GetProperty("servers")[0].GetProperty("url").GetString());
    }
}
