using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Components.Authorization;

namespace Pingan.Portal.Sessions;

/// <summary>
/// The signed-in person as a page sees them (one per circuit): who they are, their unit and jurisdiction, and the
/// headers that carry their own access token on every call, so each service applies its jurisdiction rules to the
/// person exactly as it does to an API caller.
/// </summary>
public sealed class UserSession(AuthenticationStateProvider authentication, PortalSessions sessions)
{
    private ClaimsPrincipal? _user;

    public async Task<ClaimsPrincipal> UserAsync()
    {
        if (_user is not null) return _user;
        var state = await authentication.GetAuthenticationStateAsync();
        return _user = state.User;
    }

    public async Task<Metadata> HeadersAsync(CancellationToken ct = default)
    {
        var user = await UserAsync();
        var token = await sessions.AccessTokenAsync(user.FindFirstValue(PortalSessions.SessionClaim), ct);
        // The services tell a refusal's field messages in the person's language (Say, in ServiceDefaults).
        return new Metadata { { "authorization", "Bearer " + token }, { "accept-language", L.English ? "en" : "zh-CN" } };
    }
}

/// <summary>The claims the portal reads, as the identity service writes them into the ID token.</summary>
public static class PortalClaims
{
    public const string Name = "name", Unit = "unit", Jurisdiction = "jurisdiction", Role = "role";

    public static string JurisdictionOf(this ClaimsPrincipal user) => user.FindFirstValue(Jurisdiction) ?? "";
    public static string UnitOf(this ClaimsPrincipal user) => user.FindFirstValue(Unit) ?? "";
    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(Name) ?? "";
    public static bool HasRole(this ClaimsPrincipal user, string role) => user.FindAll(Role).Any(c => c.Value == role);
}
