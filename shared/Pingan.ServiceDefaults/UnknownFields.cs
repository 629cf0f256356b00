using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Pingan.ServiceDefaults;

/// <summary>
/// A request naming a field its message does not have is refused, whole, before anything runs (issue 18,
/// docs/integration/README.md "Errors"): a misspelt JSON property ("startOn") would otherwise be dropped silently and
/// the request applied without it. Over gRPC the unknown field numbers a message kept are named by number; over REST the
/// JSON properties by their path, and enum values that do not exist by their field, as the validators name the rest.
/// </summary>
public static class UnknownFields
{
    private static readonly ConcurrentDictionary<Type, Func<object, UnknownFieldSet?>?> Readers = new();

    /// <summary>Field numbers <paramref name="message"/> (or a message within it) carried that its type does not declare.</summary>
    public static IReadOnlyList<FieldError> InMessage(IMessage message)
    {
        var errors = new List<FieldError>();
        Walk(message, "", errors);
        return errors;
    }

    private static void Walk(IMessage message, string path, List<FieldError> errors)
    {
        if (Reader(message.GetType()) is { } read && read(message) is { } unknown)
        {
            // The set keeps the fields as read: write them back out and read their numbers.
            var bytes = new byte[unknown.CalculateSize()];
            var output = new CodedOutputStream(bytes);
            unknown.WriteTo(output);
            output.Flush();
            var input = new CodedInputStream(bytes);
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            {
                errors.Add(new FieldError(path + WireFormat.GetTagFieldNumber(tag),
                    $"is not a field of {message.Descriptor.FullName}: field number {WireFormat.GetTagFieldNumber(tag)} is in no released contract of this service"));
                input.SkipLastField();
            }
        }
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsMap) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated && value is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                    if (list[i] is IMessage item) Walk(item, $"{path}{field.Name}[{i}].", errors);
            }
            else if (value is IMessage nested)
            {
                Walk(nested, $"{path}{field.Name}.", errors);
            }
        }
    }

    /// <summary>The generated message's own <c>_unknownFields</c>, read without copying the message.</summary>
    private static Func<object, UnknownFieldSet?>? Reader(Type type) => Readers.GetOrAdd(type, t =>
    {
        if (t.GetField("_unknownFields", BindingFlags.Instance | BindingFlags.NonPublic) is not { } field || field.FieldType != typeof(UnknownFieldSet)) return null;
        var instance = Expression.Parameter(typeof(object));
        return Expression.Lambda<Func<object, UnknownFieldSet?>>(Expression.Field(Expression.Convert(instance, t), field), instance).Compile();
    });

    /// <summary>
    /// The JSON body of a transcoded call checked against its message: properties the message does not have (by their
    /// JSON or proto name) and enum values it does not know, each by its JSON path. Maps and Google's well-known types,
    /// which have JSON forms of their own, are left to the parser.
    /// </summary>
    public static IReadOnlyList<FieldError> InJson(JsonElement body, MessageDescriptor descriptor)
    {
        var errors = new List<FieldError>();
        Walk(body, descriptor, "", errors);
        return errors;
    }

    private static void Walk(JsonElement json, MessageDescriptor descriptor, string path, List<FieldError> errors)
    {
        if (json.ValueKind != JsonValueKind.Object || descriptor.File.Package == "google.protobuf") return;
        foreach (var property in json.EnumerateObject())
        {
            var field = descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            var at = path + property.Name;
            if (field is null)
            {
                errors.Add(new FieldError(at, $"is not a field of {descriptor.FullName}"));
                continue;
            }
            if (field.IsMap || property.Value.ValueKind == JsonValueKind.Null) continue;
            if (field.IsRepeated && property.Value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in property.Value.EnumerateArray()) Check(item, field, $"{at}[{i++}]", errors);
            }
            else
            {
                Check(property.Value, field, at, errors);
            }
        }
    }

    /// <summary>"A, B or C", as the validators name an enum's values.</summary>
    private static string OneOf(string[] names) => names.Length < 2 ? string.Concat(names) : $"{string.Join(", ", names[..^1])} or {names[^1]}";

    private static void Check(JsonElement value, FieldDescriptor field, string at, List<FieldError> errors)
    {
        switch (field.FieldType)
        {
            case FieldType.Message:
                Walk(value, field.MessageType, at + ".", errors);
                break;
            case FieldType.Enum when value.ValueKind == JsonValueKind.String && field.EnumType.FindValueByName(value.GetString()!) is null:
                errors.Add(new FieldError(at, "must be " + OneOf([.. field.EnumType.Values.Select(v => v.Name).Where(n => !n.EndsWith("_UNSPECIFIED", StringComparison.Ordinal))])));
                break;
        }
    }
}

/// <summary>
/// Refuses a transcoded call whose JSON body names a property its message does not have, or an enum value it does not
/// know (<see cref="UnknownFields.InJson"/>): the transcoding parser would drop an unknown property silently. Runs after
/// authorization (an anonymous caller learns nothing of the schema from it); the body is read again from a buffer.
/// </summary>
public sealed class UnknownJsonFieldsMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } transcoding
            && await UnknownInBodyAsync(context, transcoding) is { Count: > 0 } unknown)
        {
            await WriteInvalidAsync(context, unknown);
            return;
        }
        await next(context);
    }

    /// <summary>
    /// The JSON body's properties and enum values the request message does not have (<see cref="UnknownFields"/>): the
    /// transcoding parser would drop an unknown property silently. The body is read once more from a buffer.
    /// </summary>
    private static async Task<IReadOnlyList<FieldError>> UnknownInBodyAsync(HttpContext context, GrpcJsonTranscodingMetadata transcoding)
    {
        var rule = transcoding.HttpRule;
        if (string.IsNullOrEmpty(rule.Body) || context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return [];
        var message = transcoding.MethodDescriptor.InputType;
        if (rule.Body != "*")
        {
            if (message.FindFieldByName(rule.Body) is not { FieldType: Google.Protobuf.Reflection.FieldType.Message } bodyField) return [];
            message = bodyField.MessageType;
        }
        if (message.FullName == "google.api.HttpBody") return [];
        context.Request.EnableBuffering();
        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return UnknownFields.InJson(json.RootElement, message);
        }
        catch (JsonException)
        {
            return []; // not JSON: the transcoding parser answers it
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
    }

    private static async Task WriteInvalidAsync(HttpContext context, IReadOnlyList<FieldError> errors)
    {
        var problem = TranscodingProblemDetailsMiddleware.Problem(context, StatusCodes.Status400BadRequest,
            $"Invalid {string.Join(", ", errors.Select(e => e.Field).Distinct())}: {errors[0].Description}", Grpc.Core.StatusCode.InvalidArgument,
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToList()));
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, TranscodingProblemDetailsMiddleware.ProblemJson);
    }

}
