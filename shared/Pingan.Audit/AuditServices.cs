using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pingan.Audit.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The audit trail in <typeparamref name="TDb"/> (whose model calls <see cref="AuditModel.AddAuditTrail"/>):
    /// <see cref="IAuditTrail"/> for handlers, refused calls of commands recorded by an interceptor, the
    /// <c>verify-audit</c> step, and the AuditLog gRPC service (map it with <see cref="MapAuditLog{TDb}"/>).
    /// </summary>
    public static IHostApplicationBuilder AddPinganAudit<TDb>(this IHostApplicationBuilder builder) where TDb : DbContext
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IAuditTrail, AuditTrail<TDb>>();
        builder.Services.AddSingleton<AuditChainKey>();
        builder.Services.AddHostedService<AuditKeyWarning>();
        builder.Services.AddSingleton<AuditInterceptor>();
        // Outermost, so it sees every call's final status, validation refusals included.
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o =>
        {
            o.Interceptors.Add<AuditInterceptor>();
            var audit = o.Interceptors[^1];
            o.Interceptors.RemoveAt(o.Interceptors.Count - 1);
            o.Interceptors.Insert(0, audit);
        });
        builder.Services.AddSingleton<IServiceStep, VerifyAuditStep<TDb>>();
        return builder;
    }

    /// <summary>Describes refused requests of <typeparamref name="TRequest"/> by their target and what was asked (<see cref="RefusalDescription{TRequest}"/>).</summary>
    public static IServiceCollection DescribeRefusals<TRequest>(this IServiceCollection services, Func<TRequest, (string? Target, string? Asked)> describe) =>
        services.AddSingleton(new RefusalDescription<TRequest>(describe));

    /// <summary>
    /// The AuditLog service. Where the service authenticates its callers, only the province's auditors and operators
    /// may read it (least privilege: the entries name people, addresses and what they did, across every
    /// jurisdiction). The province is <c>Security:ProvinceJurisdiction</c>, 410000000000 (Henan) unless set.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapAuditLog<TDb>(this WebApplication app) where TDb : DbContext
    {
        var endpoints = app.MapGrpcService<AuditLogService<TDb>>();
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            var province = app.Configuration["Security:ProvinceJurisdiction"] ?? DefaultProvince;
            endpoints.RequireAuthorization(p => p.RequireRole(AuditorRoles).RequireClaim("jurisdiction", province));
        }
        return endpoints;
    }

    public const string DefaultProvince = "410000000000";

    public static readonly string[] AuditorRoles = ["auditor", "operator"];

    /// <summary>A method that changes nothing: its successful calls are not audited (its denials are).</summary>
    public static bool IsQuery(string method)
    {
        var name = method[(method.LastIndexOf('/') + 1)..];
        return name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal)
            || name.StartsWith("Search", StringComparison.Ordinal) || name.StartsWith("Verify", StringComparison.Ordinal);
    }
}

/// <summary>
/// Records every command call that did not succeed (refused by validation or a rule, denied, failed), and
/// every denied query, in a transaction of its own; handlers record their successes in the change's
/// transaction. It runs outside the error interceptor, so it sees the status the caller gets.
/// </summary>
/// <summary>
/// How a refused request of type <typeparamref name="TRequest"/> is described in the audit trail: its target
/// ("leader/{id}") and what was asked, appended to the refusal's message. A consultation's refusal names the leader and
/// the purpose (Art. 23), not just the reason. Registered with <see cref="AuditServiceCollectionExtensions.DescribeRefusals{TRequest}"/>.
/// </summary>
public sealed class RefusalDescription<TRequest>(Func<TRequest, (string? Target, string? Asked)> describe)
{
    public (string? Target, string? Asked) Describe(TRequest request) => describe(request);
}

internal sealed class AuditInterceptor(IServiceScopeFactory scopes, ILogger<AuditInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (!AuditServiceCollectionExtensions.IsQuery(context.Method) || IsDenial(ex))
        {
            await RecordAsync(context, ex, sp => sp.GetService<RefusalDescription<TRequest>>()?.Describe(request) ?? (TargetOf(request), (string?)null));
            throw;
        }
    }

    // A retry's key (AIP-155 and its kin) names no record.
    private static readonly HashSet<string> IdempotencyKeys = ["request_id", "change_id", "appointment_id"];

    /// <summary>
    /// A refused request's target when its service did not describe it: its first <c>{record}_id</c> field, named as the
    /// services name their successes' targets (<c>case_id</c> → <c>case/{id}</c>, <c>work_information_id</c> →
    /// <c>work-information/{id}</c>), so an auditor finds a record's denied reads beside its changes.
    /// </summary>
    internal static string? TargetOf(object? request)
    {
        if (request is not Google.Protobuf.IMessage message) return null;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
            if (field.Name.EndsWith("_id", StringComparison.Ordinal) && field.Name.Length > 3 && !IdempotencyKeys.Contains(field.Name)
                && field.FieldType == Google.Protobuf.Reflection.FieldType.String && !field.IsRepeated
                && field.Accessor.GetValue(message) is string { Length: > 0 } id)
                return $"{field.Name[..^3].Replace('_', '-')}/{Truncate(id, 100)}";
        return null;
    }

    private static bool IsDenial(Exception ex) => ex is RpcException { StatusCode: StatusCode.PermissionDenied or StatusCode.Unauthenticated };

    private async Task RecordAsync(ServerCallContext context, Exception ex, Func<IServiceProvider, (string? Target, string? Asked)?> describe)
    {
        var outcome = ex switch
        {
            _ when IsDenial(ex) => Outcomes.Denied,
            RpcException { StatusCode: StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DataLoss } => Outcomes.Failed,
            RpcException => Outcomes.Refused,
            _ => Outcomes.Failed,
        };
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var http = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
            http.HttpContext ??= context.GetHttpContext();
            var trail = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
            var described = describe(scope.ServiceProvider);
            var detail = described?.Asked is { } asked ? $"{ex.Message} [asked: {asked}]" : ex.Message;
            await trail.RecordSeparatelyAsync(new AuditRecord(context.Method, described?.Target, outcome, Truncate(detail, 2000)), CancellationToken.None);
        }
        catch (Exception auditError)
        {
            // The caller still gets the answer to their call; the lost entry is an operator's alarm.
            logger.LogError(auditError, "Could not audit {Outcome} call {Method}", outcome, context.Method);
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

internal sealed class AuditLogService<TDb>(TDb db, AuditChainKey key) : AuditLog.AuditLogBase where TDb : DbContext
{
    public override async Task<EntryPage> ListEntries(ListEntriesRequest request, ServerCallContext context)
    {
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize
            : request.PageSize == 0 ? 100 : throw new RequestValidationException("page_size", Say.T("应为 1-500（0 表示 100）", "must be 1-500 (0 for 100)"));
        var query = db.Set<AuditEntry>().AsNoTracking();
        // The actor is "{account} ({name}) @{address}": an auditor looks for any part of it, a person by name.
        if (request.Actor.Length > 0) query = query.Where(e => e.Actor.Contains(request.Actor));
        if (request.Action.Length > 0) query = query.Where(e => e.Action == request.Action);
        if (request.Target.Length > 0) query = query.Where(e => e.Target != null && e.Target.StartsWith(request.Target));
        if (request.Outcome.Length > 0) query = query.Where(e => e.Outcome == request.Outcome);
        if (request.From.Length > 0) { var from = Instant(request.From, "from"); query = query.Where(e => e.At >= from); }
        if (request.To.Length > 0) { var to = Instant(request.To, "to"); query = query.Where(e => e.At < to); }
        if (request.BeforeSequence > 0) query = query.Where(e => e.Sequence < request.BeforeSequence);
        var rows = await query.OrderByDescending(e => e.Sequence).Take(size + 1).ToListAsync(context.CancellationToken);
        var page = new EntryPage();
        page.Entries.AddRange(rows.Take(size).Select(e => new Entry
        {
            Sequence = e.Sequence,
            At = e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            Actor = e.Actor,
            ActorUnit = e.ActorUnit ?? "",
            Action = e.Action,
            Target = e.Target ?? "",
            Outcome = e.Outcome,
            Detail = e.Detail ?? "",
            PreviousHash = e.PreviousHash,
            Hash = e.Hash,
        }));
        if (rows.Count > size) page.NextBeforeSequence = rows[size - 1].Sequence;
        return page;
    }

    public override async Task<ChainVerification> VerifyChain(VerifyChainRequest request, ServerCallContext context)
    {
        var check = await AuditVerifier.VerifyAsync(db, key, context.CancellationToken);
        return new ChainVerification
        {
            Intact = check.Intact, Entries = check.Entries, BrokenAt = check.BrokenAt, Problem = check.Problem,
            Keyed = check.Keyed, RowsPastTip = check.RowsPastTip, Anchor = check.Anchor,
        };
    }

    private static DateTimeOffset Instant(string text, string field) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime() : throw new RequestValidationException(field, Say.T("应为 RFC 3339 时刻，如 2026-05-01T00:00:00+08:00", "must be an RFC 3339 instant, e.g. 2026-05-01T00:00:00Z"));
}

/// <summary>`dotnet Service.dll verify-audit`: exit 0 when the chain holds, 1 (and where it breaks) when not.</summary>
internal sealed class VerifyAuditStep<TDb>(IServiceScopeFactory scopes, ILogger<VerifyAuditStep<TDb>> logger) : IServiceStep where TDb : DbContext
{
    public string Name => "verify-audit";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var check = await AuditVerifier.VerifyAsync(scope.ServiceProvider.GetRequiredService<TDb>(), scope.ServiceProvider.GetRequiredService<AuditChainKey>(), cancellationToken);
        if (!check.Intact)
            throw new InvalidOperationException($"Audit trail broken at entry {check.BrokenAt}: {check.Problem} ({check.Entries} entries hold before it).");
        var tip = await scope.ServiceProvider.GetRequiredService<TDb>().Set<AuditHead>().AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        // The tip's hash in the logs each day anchors the chain outside the database: a rewrite of the whole
        // chain would not match yesterday's line.
        logger.LogInformation("Audit trail intact: {Entries} entries, tip {Sequence} {Hash}, keyed {Keyed}; {Anchor}", check.Entries, tip.LastSequence, tip.LastHash, check.Keyed, check.Anchor);
    }
}

/// <summary>Says at start when the audit chain is unkeyed: a database administrator could then rewrite it undetected.</summary>
internal sealed class AuditKeyWarning(AuditChainKey key, ILogger<AuditKeyWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!key.IsKeyed)
            logger.LogWarning("Audit:ChainKey is not set: the audit chain is hashed unkeyed, and whoever can write the database could recompute it. Set it from a secret.");
        if (key.AnchorFile is null)
            logger.LogWarning("Audit:AnchorFile is not set: verified tips are anchored only in the logs.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
