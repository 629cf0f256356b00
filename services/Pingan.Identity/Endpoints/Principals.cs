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
    /// <summary>The identity service's own audience (its audit log API); each service has its own (issue 11).</summary>
    public static readonly string Audience = Pingan.Security.Audiences.Of("identity");
    /// <summary>The whole platform: a token for every service's audience.</summary>
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
        // Issue 11: the audiences of the scopes granted (pingan: every service; pingan.letters: the letters service
        // and the registry it calls on the caller's token).
        identity.SetResources(Pingan.Security.Audiences.ForScopes(scopes));
        identity.SetDestinations(claim => claim.Type switch
        {
            // The portal (issue 17) shows the person's unit and offers what their roles allow from the ID token.
            Claims.Name or Claims.Subject or Unit or Jurisdiction or Claims.Role => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return identity;
    }

    public static ClaimsIdentity For(Account account, IEnumerable<string> scopes) =>
        Identity(account.Id.ToString(), account.DisplayName, account.UnitCode, account.JurisdictionCode, account.Roles, scopes);
}
