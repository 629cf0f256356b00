using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using System.Diagnostics;

namespace Pingan.ServiceDefaults;

/// <summary>
/// REST callers get RFC 9457 problem details rather than the <c>google.rpc.Status</c> JSON that gRPC JSON
/// transcoding writes: the status, the message as <c>detail</c>, each bad field under <c>errors</c> by its
/// JSON name, and the gRPC code. Only error responses of transcoded endpoints are buffered.
/// </summary>
internal sealed class TranscodingProblemDetailsMiddleware(RequestDelegate next)
{
    // Messages name units in Chinese: written as UTF-8 characters, not \uXXXX escapes, like the transcoded answers.
    internal static readonly JsonSerializerOptions ProblemJson = new(JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is null)
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        await using var capture = new ErrorCapturingStream(original, context.Response);
        context.Response.Body = capture;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (capture.Captured is not { } body) return;
        var problem = ToProblem(body, context);
        if (problem is null)
        {
            await original.WriteAsync(body);
            return;
        }
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = null;
        await JsonSerializer.SerializeAsync(original, problem, ProblemJson);
    }

    private static ProblemDetails? ToProblem(byte[] body, HttpContext context)
    {
        JsonNode? status;
        try
        {
            status = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        if (status?["code"] is null) return null;
        var errors = new Dictionary<string, List<string>>();
        foreach (var detail in status["details"]?.AsArray() ?? [])
        {
            foreach (var v in detail?["fieldViolations"]?.AsArray() ?? [])
            {
                var field = JsonPath(v?["field"]?.GetValue<string>() ?? "");
                if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
                list.Add(v?["description"]?.GetValue<string>() ?? "");
            }
        }
        return Problem(context, context.Response.StatusCode, status["message"]?.GetValue<string>(), (Grpc.Core.StatusCode)status["code"]!.GetValue<int>(), errors);
    }

    /// <summary>The problem details of a transcoded call's error: its status, the message, the gRPC status, the trace and each bad field.</summary>
    internal static ProblemDetails Problem(HttpContext context, int status, string? detail, Grpc.Core.StatusCode grpcStatus, Dictionary<string, List<string>> errors)
    {
        var problem = new ProblemDetails { Status = status, Title = TitleOf(status), Detail = detail, Instance = context.Request.Path };
        problem.Extensions["grpcStatus"] = grpcStatus.ToString();
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        if (errors.Count > 0) problem.Extensions["errors"] = errors;
        return problem;
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is invalid",
        401 => "Authentication is required",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        _ => "The request failed",
    };

    /// <summary>"targets[2].target_value" becomes "targets[2].targetValue", as the JSON body spells it.</summary>
    internal static string JsonPath(string protoPath) =>
        string.Join('.', protoPath.Split('.').Select(segment =>
        {
            var parts = segment.Split('_');
            return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        }));

    /// <summary>Passes a success response straight through; keeps an error response to rewrite it.</summary>
    private sealed class ErrorCapturingStream(Stream inner, HttpResponse response) : Stream
    {
        private MemoryStream? _buffer;
        private bool _decided;

        public byte[]? Captured => _buffer?.ToArray();

        private Stream Target()
        {
            if (!_decided)
            {
                _decided = true;
                if (response.StatusCode >= 400) _buffer = new MemoryStream();
            }
            return (Stream?)_buffer ?? inner;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { if (_buffer is null) inner.Flush(); }
        public override Task FlushAsync(CancellationToken cancellationToken) => _buffer is null ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Target().Write(buffer, offset, count);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Target().WriteAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Target().WriteAsync(buffer, cancellationToken);
    }
}
