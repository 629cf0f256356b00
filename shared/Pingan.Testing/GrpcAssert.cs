using Grpc.Core;
using Xunit;

namespace Pingan.Testing;

/// <summary>What a test checks of a refused gRPC call: its status, and the fields an InvalidArgument names.</summary>
public static class GrpcAssert
{
    public static async Task<RpcException> Refused(Func<Task> call, StatusCode code)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        return error;
    }

    /// <summary>The field paths of an InvalidArgument's BadRequest details.</summary>
    public static List<string> Fields(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    /// <summary>What an InvalidArgument says of <paramref name="field"/>, as a caller reads it.</summary>
    public static string Violation(RpcException error, string field) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.FirstOrDefault(v => v.Field == field)?.Description ?? "";
}
