using System.Security.Claims;
using OpenIddict.Abstractions;
using Pingan.Identity.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Endpoints;

/// <summary>The claims every Pingan service reads from an access token.</summary>
public static class PinganClaims
{
    public const string Unit = "unit";
    public const string Jurisdiction = "jurisdiction";
    /// <summary>The audience of the platform's access tokens: every service accepts tokens for it.</summary>
    public const string Audience = "pingan";
    public const string Scope = "pingan";

    public static ClaimsIdentity Identity(string subject, string name, string unit, string jurisdiction, IEnumerable<string> roles, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: "Pingan", nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, subject)
            .SetClaim(Claims.Name, name)
            .SetClaim(Unit, unit)
            .SetClaim(Jurisdiction, jurisdiction)
            .SetClaims(Claims.Role, [.. roles]);
        identity.SetScopes(scopes);
        identity.SetResources(Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return identity;
    }

    public static ClaimsIdentity For(Account account, IEnumerable<string> scopes) =>
        Identity(account.Id.ToString(), account.DisplayName, account.UnitCode, account.JurisdictionCode, account.Roles, scopes);
}
