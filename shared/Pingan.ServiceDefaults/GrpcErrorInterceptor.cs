using FluentValidation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Status = Google.Rpc.Status;

namespace Pingan.ServiceDefaults;

/// <summary>
/// Runs the request's FluentValidation validator before the handler and turns a caller's mistakes into
/// gRPC statuses with details: invalid fields into InvalidArgument with a <c>google.rpc.BadRequest</c> that
/// names each field by its proto path, and the domain exceptions into NotFound, FailedPrecondition,
/// AlreadyExists or Aborted. Nothing the caller did wrong becomes Internal.
/// </summary>
public sealed class GrpcErrorInterceptor(IServiceProvider services, ILogger<GrpcErrorInterceptor> logger) : Interceptor
{
    // A caller's mistakes are told in the caller's language (Accept-Language; English by default): see Say.
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Say.InAsync(context.RequestHeaders.GetValue("accept-language"), async () =>
        {
            try
            {
                await ValidateAsync(request, context.CancellationToken);
                return await continuation(request, context);
            }
            catch (Exception ex) when (Map(ex, request) is { } rpc)
            {
                throw rpc;
            }
        });

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Say.InAsync(context.RequestHeaders.GetValue("accept-language"), async () =>
        {
            try
            {
                await ValidateAsync(request, context.CancellationToken);
                await continuation(request, responseStream, context);
                return true;
            }
            catch (Exception ex) when (Map(ex, request) is { } rpc)
            {
                throw rpc;
            }
        });

    private async Task ValidateAsync<TRequest>(TRequest request, CancellationToken ct)
    {
        if (request is IMessage message && UnknownFields.InMessage(message) is { Count: > 0 } unknown) throw new RequestValidationException(unknown);
        var validator = services.GetService<IValidator<TRequest>>();
        if (validator is null) return;
        var result = await validator.ValidateAsync(request, ct);
        if (!result.IsValid)
            throw new RequestValidationException([.. result.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage))]);
    }

    private RpcException? Map(Exception ex, object? request)
    {
        switch (ex)
        {
            case RpcException:
                return null;
            case RequestValidationException v:
                return InvalidArgument(v.Errors, request);
            case ValidationException v:
                return InvalidArgument([.. v.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage))], request);
            case NotFoundException:
                return Error(Code.NotFound, ex.Message);
            case DomainRuleException:
                return Error(Code.FailedPrecondition, ex.Message);
            case AlreadyExistsException:
                return Error(Code.AlreadyExists, ex.Message);
            case DbUpdateConcurrencyException:
                return Error(Code.Aborted, Say.T("该记录在读取后已被他人修改，请重新读取后重试。", "The record was changed by someone else since it was read; read it again and retry."));
            case DbUpdateException { InnerException: PostgresException inner }:
                return MapPostgres(inner);
            case PostgresException pg:
                return MapPostgres(pg);
            default:
                return null;
        }
    }

    /// <summary>A constraint the database enforced after the service's own checks passed: a concurrent writer won.</summary>
    private RpcException? MapPostgres(PostgresException pg)
    {
        switch (pg.SqlState)
        {
            case PostgresErrorCodes.UniqueViolation:
                logger.LogInformation("Unique violation on {Constraint}", pg.ConstraintName);
                return Error(Code.AlreadyExists, $"A record with the same key already exists ({pg.ConstraintName}).");
            case PostgresErrorCodes.StringDataRightTruncation:
                // A length the validators should have caught: still the caller's value, still not a 500.
                logger.LogWarning("Value too long for a column: {Message}", pg.MessageText);
                return Error(Code.InvalidArgument, Say.T("某项内容超过了该字段允许的长度。", "A value is longer than its field allows."));
            case PostgresErrorCodes.ExclusionViolation:
                logger.LogInformation("Exclusion violation on {Constraint}", pg.ConstraintName);
                return Error(Code.Aborted, $"A record written at the same time conflicts with this one ({pg.ConstraintName}); read again and retry.");
            default:
                return null;
        }
    }

    private static RpcException Error(Code code, string message) =>
        new Status { Code = (int)code, Message = message }.ToRpcException();

    private static RpcException InvalidArgument(IReadOnlyList<FieldError> errors, object? request)
    {
        var descriptor = (request as IMessage)?.Descriptor;
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(errors.Select(e => new BadRequest.Types.FieldViolation
        {
            Field = ProtoFieldPath(e.Field, descriptor),
            Description = e.Description,
        }));
        var fields = string.Join(", ", badRequest.FieldViolations.Select(v => v.Field).Distinct());
        return new Status
        {
            Code = (int)Code.InvalidArgument,
            Message = Say.T($"字段 {fields} 有误：{errors[0].Description}" + (errors.Count > 1 ? $"（另有 {errors.Count - 1} 处）" : ""),
                $"Invalid {fields}: {errors[0].Description}" + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "")),
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    /// <summary>"Targets[2].Weight" (a C# property path) becomes "targets[2].weight" (the proto field path).</summary>
    internal static string ProtoFieldPath(string path, MessageDescriptor? descriptor)
    {
        if (string.IsNullOrEmpty(path)) return path;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var bracket = part.IndexOf('[');
            var name = bracket >= 0 ? part[..bracket] : part;
            var field = descriptor?.Fields.InDeclarationOrder().FirstOrDefault(f =>
                string.Equals(f.PropertyName, name, StringComparison.Ordinal) || string.Equals(f.Name, name, StringComparison.Ordinal));
            parts[i] = (field?.Name ?? SnakeCase(name)) + (bracket >= 0 ? part[bracket..] : "");
            descriptor = field?.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return string.Join('.', parts);
    }

    private static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
