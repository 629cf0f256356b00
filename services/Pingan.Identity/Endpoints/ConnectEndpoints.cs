using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Pingan.Audit;
using Pingan.Identity.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Endpoints;

/// <summary>The authorization and token endpoints; OpenIddict validates the protocol, these decide who gets what.</summary>
public static class ConnectEndpoints
{
    public static WebApplication MapConnect(this WebApplication app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], AuthorizeAsync);
        app.MapPost("/connect/token", TokenAsync);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IdentityDb db, TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var account = session.Succeeded && Guid.TryParse(session.Principal.FindFirstValue(Claims.Subject), out var id)
            ? await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id) : null;
        if (account is null || !account.IsUsable(time.GetUtcNow()))
        {
            // Not signed in (or no longer allowed): the login page, then back here with the same request.
            var back = context.Request.PathBase + context.Request.Path + (context.Request.HasFormContentType
                ? QueryString.Create(context.Request.Form.Select(f => KeyValuePair.Create(f.Key, (string?)f.Value.ToString())))
                : context.Request.QueryString);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [CookieAuthenticationDefaults.AuthenticationScheme]);
        }
        return Results.SignIn(new ClaimsPrincipal(PinganClaims.For(account, request.GetScopes())), null,
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(
        HttpContext context, IdentityDb db, IOpenIddictApplicationManager applications, IAuditTrail audit, TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if (request.IsClientCredentialsGrantType())
        {
            // A department's system: its unit, jurisdiction and roles were registered with the client.
            var client = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("client vanished");
            var properties = await applications.GetPropertiesAsync(client);
            string Property(string name) => properties.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            var roles = properties.TryGetValue("roles", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            var identity = PinganClaims.Identity(request.ClientId!, await applications.GetDisplayNameAsync(client) ?? request.ClientId!,
                Property(PinganClaims.Unit), Property(PinganClaims.Jurisdiction), roles, request.GetScopes());
            await audit.RecordSeparatelyAsync(new AuditRecord("token/client_credentials", $"client/{request.ClientId}"), context.RequestAborted);
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var account = Guid.TryParse(result.Principal?.FindFirstValue(Claims.Subject), out var id)
                ? await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id) : null;
            if (account is null || !account.IsUsable(time.GetUtcNow()))
            {
                await audit.RecordSeparatelyAsync(new AuditRecord("token/refused", $"account/{id}", Outcomes.Denied), context.RequestAborted);
                return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The account is disabled or locked.",
                }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }
            // The account's unit, jurisdiction and roles as they are now, not as they were at login.
            return Results.SignIn(new ClaimsPrincipal(PinganClaims.For(account, result.Principal!.GetScopes())), null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        throw new InvalidOperationException("OpenIddict lets through only the flows enabled");
    }
}
