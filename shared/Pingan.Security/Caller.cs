using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Pingan.ServiceDefaults;

namespace Pingan.Security;

/// <summary>Who is calling, from the validated access token: a person, or a department's system.</summary>
public sealed record Caller(string Subject, string Name, string? Unit, string Jurisdiction, IReadOnlySet<string> Roles)
{
    public bool HasAnyRole(params string[] roles) => roles.Any(Roles.Contains);

    public static Caller? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return null;
        var subject = user.FindFirstValue("sub");
        var jurisdiction = user.FindFirstValue("jurisdiction");
        if (subject is null || string.IsNullOrEmpty(jurisdiction)) return null;
        return new Caller(subject, user.FindFirstValue("name") ?? subject, user.FindFirstValue("unit"), jurisdiction,
            user.FindAll("role").Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>The caller of the current request; throws Unauthenticated when there is none.</summary>
public sealed class CallerAccessor(IHttpContextAccessor http)
{
    private Caller? _current;

    /// <summary>Read from the token once per request (the accessor is scoped).</summary>
    public Caller Current => _current ??= Caller.From(http.HttpContext?.User)
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated, Say.T("没有有效的访问令牌（须载明主体和管辖范围）。", "No valid access token naming a subject and a jurisdiction.")));
}

/// <summary>The roles of the platform (issue 4), as the identity service issues them; services decide what each may do.</summary>
public static class PinganRoles
{
    public const string CommissionOffice = "commission-office";
    public const string CommissionLeader = "commission-leader";
    public const string MemberUnitLiaison = "member-unit-liaison";
    public const string Inspector = "inspector";
    public const string DisciplineLiaison = "discipline-liaison";
    public const string OrganisationLiaison = "organisation-liaison";
    public const string PersonnelLiaison = "personnel-liaison";
    public const string Auditor = "auditor";
    public const string Operator = "operator";
}
