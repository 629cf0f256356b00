using System.Reflection;
using System.Xml.XPath;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pingan.ServiceDefaults;

/// <summary>
/// The OpenAPI document a department's client generator can use (issue 18, docs/integration/): every operation named
/// after its gRPC method (<c>Units_GetUnit</c>) and described by the .proto comments, as are messages, fields and enum
/// values; tags declared with their services' comments; the problem details every error is written as (with
/// examples); the server it is served from. The security schemes are the identity service's and are added by
/// Pingan.Security. Lint-clean under Spectral's <c>spectral:oas</c> ruleset (tests/Pingan.EndToEnd).
/// </summary>
public static class OpenApiDocuments
{
    public const string ProblemSchema = "ProblemDetails";

    /// <summary>The XML documentation beside the service: the .proto comments of the contracts, the audit trail and the event
    /// log, compiled.</summary>
    private static IReadOnlyList<string> ContractDocs() =>
        [.. Directory.GetFiles(AppContext.BaseDirectory, "Pingan.*.xml").Order(StringComparer.Ordinal)];

    internal static void Configure(SwaggerGenOptions o, string title, Assembly service, IConfiguration configuration)
    {
        var description = service.GetCustomAttribute<AssemblyDescriptionAttribute>()?.Description;
        o.SwaggerDoc("v1", new OpenApiInfo
        {
            Title = title,
            Version = "v1",
            Description = description,
            Contact = new OpenApiContact
            {
                Name = configuration["OpenApi:Contact:Name"] ?? "Pingan platform operations",
                Email = configuration["OpenApi:Contact:Email"],
                Url = configuration["OpenApi:Contact:Url"] is { Length: > 0 } contactUrl ? new Uri(contactUrl) : null,
            },
            License = new OpenApiLicense
            {
                Name = configuration["OpenApi:License:Name"] ?? "Proprietary: for the systems of Henan's Party and government organs",
                Url = new Uri(configuration["OpenApi:License:Url"] ?? "https://www.henan.gov.cn/"),
            },
        });
        o.CustomSchemaIds(t => t.FullName?.Replace('+', '.'));
        o.CustomOperationIds(OperationId);
        var docs = ContractDocs();
        foreach (var path in docs)
        {
            o.IncludeXmlComments(path);
            o.IncludeGrpcXmlComments(path, includeControllerXmlComments: true);
        }
        o.SchemaFilter<EnumValueDescriptions>(docs);
        o.OperationFilter<ProblemResponses>();
        o.OperationFilter<SummaryAndDescription>();
        o.OperationFilter<RequestExamples>(Examples(service));
        o.DocumentFilter<DeclaredTagsAndProblems>();
    }

    /// <summary>The servers a generated client calls: the configured public address (behind the gateway,
    /// <c>https://api…/registry</c>), otherwise the address the document was asked for.</summary>
    internal static void SetServers(OpenApiDocument document, HttpRequest request, IConfiguration configuration)
    {
        var url = configuration["OpenApi:ServerUrl"] is { Length: > 0 } configured
            ? configured
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
        document.Servers = [new OpenApiServer { Url = url.TrimEnd('/'), Description = "This service" }];
    }

    /// <summary><c>{Service}_{Method}</c> of the gRPC method behind a transcoded route: stable, unique in a document,
    /// and what the gRPC client of the same call is named.</summary>
    internal static string? OperationId(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription api)
    {
        var metadata = api.ActionDescriptor.EndpointMetadata.OfType<GrpcMethodMetadata>().FirstOrDefault();
        if (metadata is null) return api.ActionDescriptor.AttributeRouteInfo?.Name;
        var service = metadata.Method.ServiceName;
        return $"{service[(service.LastIndexOf('.') + 1)..]}_{metadata.Method.Name}";
    }

    /// <summary>Proto enums are strings in JSON: the description lists each value with its .proto comment.</summary>
    private sealed class EnumValueDescriptions(IReadOnlyList<string> docs) : ISchemaFilter
    {
        private readonly XPathNavigator[] _docs = [.. docs.Select(d => new XPathDocument(d).CreateNavigator())];

        public void Apply(OpenApiSchema schema, SchemaFilterContext context)
        {
            if (!context.Type.IsEnum) return;
            var lines = new List<string>();
            foreach (var field in context.Type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var name = field.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? field.Name;
                var summary = Summary($"F:{context.Type.FullName!.Replace('+', '.')}.{field.Name}");
                lines.Add(summary is null ? $"- `{name}`" : $"- `{name}`: {summary}");
            }
            var own = Summary($"T:{context.Type.FullName!.Replace('+', '.')}");
            schema.Description = string.Join("\n\n", new[] { own, string.Join("\n", lines) }.Where(s => !string.IsNullOrEmpty(s)));
        }

        private string? Summary(string member)
        {
            foreach (var doc in _docs)
            {
                if (doc.SelectSingleNode($"/doc/members/member[@name='{member}']/summary") is { } node)
                    return string.Join(" ", node.InnerXml.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                        .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
            }
            return null;
        }
    }

    /// <summary>The service's request examples by operation id: its embedded <c>openapi-examples.json</c>, if it has one.</summary>
    public static System.Text.Json.Nodes.JsonObject Examples(Assembly service)
    {
        using var stream = service.GetManifestResourceStream("openapi-examples.json");
        return stream is null ? [] : System.Text.Json.Nodes.JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>A request body's example, from the service's examples by operation id.</summary>
    private sealed class RequestExamples(System.Text.Json.Nodes.JsonObject examples) : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (operation.OperationId is not { } id || examples[id] is not { } example) return;
            if (operation.RequestBody?.Content.TryGetValue("application/json", out var media) == true) media.Example = ToAny(example);
        }

        private static IOpenApiAny ToAny(System.Text.Json.Nodes.JsonNode? node) => node switch
        {
            null => new OpenApiNull(),
            System.Text.Json.Nodes.JsonObject o => o.Aggregate(new OpenApiObject(), (a, p) => { a[p.Key] = ToAny(p.Value); return a; }),
            System.Text.Json.Nodes.JsonArray a => a.Aggregate(new OpenApiArray(), (list, item) => { list.Add(ToAny(item)); return list; }),
            _ when node.GetValueKind() == System.Text.Json.JsonValueKind.String => new OpenApiString(node.GetValue<string>()),
            _ when node.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => new OpenApiBoolean(node.GetValue<bool>()),
            _ when node.ToJsonString().Contains('.', StringComparison.Ordinal) => new OpenApiDouble(node.GetValue<double>()),
            _ => new OpenApiLong(node.GetValue<long>()),
        };
    }

    /// <summary>The method's comment is the operation's description; its first sentence, the summary a generator shows.</summary>
    private sealed class SummaryAndDescription : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (string.IsNullOrWhiteSpace(operation.Summary) || !string.IsNullOrWhiteSpace(operation.Description)) return;
            operation.Description = operation.Summary;
            var end = operation.Summary.IndexOfAny(['.', '。']);
            while (end >= 0 && end + 1 < operation.Summary.Length && operation.Summary[end + 1] != ' ') end = operation.Summary.IndexOfAny(['.', '。'], end + 1);
            if (end > 0 && end + 1 < operation.Summary.Length) operation.Summary = operation.Summary[..(end + 1)];
            operation.Summary = string.Join(' ', operation.Summary.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        }
    }

    /// <summary>
    /// Every error of a transcoded call is written as RFC 9457 problem details (<see cref="TranscodingProblemDetailsMiddleware"/>),
    /// not as the <c>google.rpc.Status</c> the transcoding package documents by default.
    /// </summary>
    private sealed class ProblemResponses : IOperationFilter
    {
        private static readonly (string Code, string Description, string GrpcStatus, string Title, string Detail)[] Errors =
        [
            ("400", "The request is invalid (InvalidArgument: each bad field under `errors` by its JSON path: a missing or malformed value, a property the message does not have, "
                + "an enum value it does not know, a request id used before for another request) or the record's state does not allow it (FailedPrecondition). Nothing was saved.",
                "InvalidArgument", "The request is invalid", "Invalid request_id: was used for another request; a new request needs a new id"),
            ("401", "No access token, or one that is expired, forged, revoked or for another audience.",
                "Unauthenticated", "Authentication is required", "Bad or missing access token."),
            ("403", "The caller's role or jurisdiction does not cover this record (business records flow downward).",
                "PermissionDenied", "Not allowed", "The caller's jurisdiction does not cover this unit."),
            ("404", "The record does not exist (or, to a caller who may not know of it, is not shown).",
                "NotFound", "Not found", "No such record."),
            ("409", "The record exists already (AlreadyExists), or another copy of this request is being answered at this moment (Aborted): read the record, or send the request again. Nothing was saved.",
                "Aborted", "Conflict", "Another copy of this request (same request_id) is being answered; send it again."),
        ];

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<GrpcMethodMetadata>().Any()) return;
            operation.Responses.Remove("default");
            var schema = new OpenApiSchema { Reference = new OpenApiReference { Type = ReferenceType.Schema, Id = ProblemSchema } };
            var path = "/" + context.ApiDescription.RelativePath?.Split('?')[0];
            foreach (var (code, description, grpcStatus, title, detail) in Errors)
            {
                var example = new OpenApiObject
                {
                    ["title"] = new OpenApiString(title),
                    ["status"] = new OpenApiInteger(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture)),
                    ["detail"] = new OpenApiString(detail),
                    ["instance"] = new OpenApiString(path),
                    ["grpcStatus"] = new OpenApiString(grpcStatus),
                    ["traceId"] = new OpenApiString("4bf92f3577b34da6a3ce929d0e0e4736"),
                };
                if (code == "400") example["errors"] = new OpenApiObject { ["requestId"] = new OpenApiArray { new OpenApiString("was used for another request; a new request needs a new id") } };
                operation.Responses[code] = new OpenApiResponse
                {
                    Description = description,
                    Content = { ["application/problem+json"] = new OpenApiMediaType { Schema = schema, Example = example } },
                };
            }
        }
    }

    /// <summary>
    /// Declares every tag the operations use, with its service's comment, and the problem details schema; drops the
    /// schemas no operation reaches any more (google.rpc.Status, once errors are problem details).
    /// </summary>
    private sealed class DeclaredTagsAndProblems : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var described = (document.Tags ?? []).Where(t => !string.IsNullOrEmpty(t.Description)).ToDictionary(t => t.Name, t => t.Description);
            var used = document.Paths.Values.SelectMany(p => p.Operations.Values).SelectMany(o => o.Tags).Select(t => t.Name).Distinct().Order(StringComparer.Ordinal);
            document.Tags = [.. used.Select(name => new OpenApiTag { Name = name, Description = described.GetValueOrDefault(name) ?? $"The {name} service." })];

            document.Components.Schemas[ProblemSchema] = new OpenApiSchema
            {
                Type = "object",
                Description = "An error, as RFC 9457 problem details, with the gRPC status the same call over gRPC gets.",
                Properties = new Dictionary<string, OpenApiSchema>
                {
                    ["title"] = new() { Type = "string", Description = "A short summary of the kind of problem." },
                    ["status"] = new() { Type = "integer", Format = "int32", Description = "The HTTP status code." },
                    ["detail"] = new() { Type = "string", Description = "What went wrong, for a person (the service's message)." },
                    ["instance"] = new() { Type = "string", Description = "The path of the request." },
                    ["grpcStatus"] = new() { Type = "string", Description = "The gRPC status code of the same call (InvalidArgument, NotFound...)." },
                    ["traceId"] = new() { Type = "string", Description = "The trace of the call, for the operations team." },
                    ["errors"] = new()
                    {
                        Type = "object",
                        Description = "For InvalidArgument: each bad field, by its JSON path, with what is wrong with it.",
                        AdditionalProperties = new OpenApiSchema { Type = "array", Items = new OpenApiSchema { Type = "string" } },
                    },
                },
            };
            RemoveUnreachableSchemas(document);
        }

        private static void RemoveUnreachableSchemas(OpenApiDocument document)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<OpenApiSchema>();
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations.Values))
            {
                foreach (var p in operation.Parameters) if (p.Schema is not null) pending.Push(p.Schema);
                foreach (var m in operation.RequestBody?.Content.Values ?? []) if (m.Schema is not null) pending.Push(m.Schema);
                foreach (var m in operation.Responses.Values.SelectMany(r => r.Content.Values)) if (m.Schema is not null) pending.Push(m.Schema);
            }
            while (pending.TryPop(out var schema))
            {
                if (schema.Reference is { Id: { } id })
                {
                    if (!reached.Add(id) || !document.Components.Schemas.TryGetValue(id, out var target)) continue;
                    schema = target;
                }
                foreach (var s in schema.Properties.Values) pending.Push(s);
                foreach (var s in schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf)) pending.Push(s);
                if (schema.Items is not null) pending.Push(schema.Items);
                if (schema.AdditionalProperties is not null) pending.Push(schema.AdditionalProperties);
            }
            foreach (var id in document.Components.Schemas.Keys.Where(k => !reached.Contains(k)).ToList())
                document.Components.Schemas.Remove(id);
        }
    }
}
