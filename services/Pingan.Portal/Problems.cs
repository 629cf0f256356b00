using Google.Rpc;
using Grpc.Core;

namespace Pingan.Portal;

/// <summary>
/// A service's refusal as a person reads it: a sentence in their language for the kind of refusal, the service's own
/// explanation, and for a bad request each field's message beside that field (google.rpc.BadRequest).
/// </summary>
public sealed record Problem(StatusCode Code, string Title, string Detail, IReadOnlyDictionary<string, string> Fields)
{
    public static Problem From(RpcException e)
    {
        var fields = new Dictionary<string, string>();
        if (e.GetRpcStatus()?.GetDetail<BadRequest>() is { } bad)
            foreach (var v in bad.FieldViolations) fields[v.Field] = fields.TryGetValue(v.Field, out var m) ? m + "; " + v.Description : v.Description;
        // A person reads the fields' own messages, not the service's summary naming proto field paths: each message stands
        // beside its field, and the summary repeats them (a field the form does not show is still explained).
        var detail = fields.Count == 0 ? e.Status.Detail
            : L.T($"共 {fields.Count} 处需要更正：", fields.Count == 1 ? "1 field needs correcting: " : $"{fields.Count} fields need correcting: ")
              + string.Join(L.T("；", "; "), fields.Values.Distinct());
        return new Problem(e.StatusCode, Problems.Title(e.StatusCode), detail, fields);
    }

    public string? For(string field) => Fields.TryGetValue(field, out var m) ? m : null;
}

public static class Problems
{
    public static string Title(StatusCode code) => code switch
    {
        StatusCode.PermissionDenied => L.T("无权访问：该记录不在您的管辖范围内，或您的角色不能执行此操作", "Not allowed: the record is outside your jurisdiction, or your role cannot do this"),
        StatusCode.NotFound => L.T("未找到该记录", "Not found"),
        StatusCode.InvalidArgument => L.T("请更正标出的内容", "Please correct the fields marked"),
        StatusCode.FailedPrecondition => L.T("当前状态下不能执行此操作", "This cannot be done in the record's present state"),
        StatusCode.Aborted => L.T("他人刚刚修改了此记录，请刷新后重试", "Someone changed this record just now; reload and try again"),
        StatusCode.AlreadyExists => L.T("该记录已存在", "It exists already"),
        StatusCode.Unauthenticated => L.T("登录已过期，请重新登录", "Your session has ended; sign in again"),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => L.T("服务暂时不可用，请稍后重试", "The service is unavailable; try again shortly"),
        _ => L.T("操作失败", "The request failed"),
    };

    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.Unavailable => 503,
        StatusCode.DeadlineExceeded => 504,
        _ => 500,
    };
}
