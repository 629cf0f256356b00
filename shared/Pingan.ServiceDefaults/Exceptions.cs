namespace Pingan.ServiceDefaults;

/// <summary>The thing asked for does not exist (gRPC NotFound, HTTP 404).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>
/// The request is well formed but the rule it breaks is about the current state, e.g. changing a signed
/// letter (gRPC FailedPrecondition, HTTP 400 with the rule in the detail).
/// </summary>
public sealed class DomainRuleException(string message) : Exception(message);

/// <summary>Something with the same key already exists (gRPC AlreadyExists, HTTP 409).</summary>
public sealed class AlreadyExistsException(string message) : Exception(message);

/// <summary>One bad field of a request, named by its proto field path (e.g. <c>targets[2].weight</c>).</summary>
public sealed record FieldError(string Field, string Description);

/// <summary>Thrown by a handler for input it finds bad after the validators ran (gRPC InvalidArgument).</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors)
    : Exception("The request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Description}")))
{
    public RequestValidationException(string field, string description) : this([new FieldError(field, description)])
    {
    }

    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
