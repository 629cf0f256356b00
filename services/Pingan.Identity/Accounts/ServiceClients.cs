using OpenIddict.Abstractions;
using Pingan.Audit;
using Pingan.Identity.Endpoints;
using Pingan.Identity.Persistence;
using Pingan.Persistence;
using Pingan.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Accounts;

/// <summary>
/// The platform's own services as clients (ADR 0012): a service that reads another's event log when it starts
/// later signs in with client credentials as <c>pingan-{service}</c>, holding the province's jurisdiction and
/// the <c>auditor</c> role only (it reads; it changes nothing on anyone's behalf). Each
/// <c>Identity:ServiceClients:{service}:Secret</c> registers or updates one, as part of the migrate step that runs
/// before every deployment, so a rotated secret takes effect with the next release. Audited.
/// </summary>
internal sealed class ServiceClients(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ServiceClients> logger) : IDatabaseMigrator
{
    public string Name => "service clients";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var wanted = configuration.GetSection("Identity:ServiceClients").GetChildren()
            .Select(s => (Service: s.Key, Secret: s["Secret"]))
            .ToList();
        if (wanted.Count == 0) return;
        var province = configuration["Security:ProvinceJurisdiction"] ?? "410000000000";
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var audit = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
        foreach (var (service, secret) in wanted)
        {
            if (secret is not { Length: >= 24 })
                throw new InvalidOperationException($"Identity:ServiceClients:{service}:Secret must be at least 24 characters.");
            var clientId = ServiceTokens.ClientIdOf(service);
            // A service revokes nothing: no revocation endpoint.
            var descriptor = SystemClients.Descriptor(clientId, secret!, $"Pingan {service} service", province, province, [PinganRoles.Auditor], revocation: false);
            var known = await applications.FindByClientIdAsync(clientId, cancellationToken);
            if (known is null) await applications.CreateAsync(descriptor, cancellationToken);
            else await applications.UpdateAsync(known, descriptor, cancellationToken);
            await audit.RecordSeparatelyAsync(new AuditRecord(known is null ? "service-client/register" : "service-client/update", $"client/{clientId}",
                Detail: $"{{\"jurisdiction\":\"{province}\",\"roles\":[\"{PinganRoles.Auditor}\"]}}"), cancellationToken);
            logger.LogInformation("Service client {ClientId} {Change}", clientId, known is null ? "registered" : "updated");
        }
    }
}

/// <summary>A system that signs in with client credentials (a department's, or the platform's own), as OpenIddict keeps it.</summary>
internal static class SystemClients
{
    /// <summary>The client <paramref name="clientId"/> of <paramref name="unit"/>, acting in <paramref name="jurisdiction"/> with <paramref name="roles"/>.</summary>
    public static OpenIddictApplicationDescriptor Descriptor(string clientId, string secret, string displayName, string unit, string jurisdiction,
        string[] roles, bool revocation = true)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientSecret = secret, ClientType = ClientTypes.Confidential, DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + PinganClaims.Scope },
        };
        if (revocation) descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        descriptor.Properties[PinganClaims.Unit] = System.Text.Json.JsonSerializer.SerializeToElement(unit);
        descriptor.Properties[PinganClaims.Jurisdiction] = System.Text.Json.JsonSerializer.SerializeToElement(jurisdiction);
        descriptor.Properties["roles"] = System.Text.Json.JsonSerializer.SerializeToElement(roles);
        return descriptor;
    }
}

/// <summary>
/// The web portal (issue 17) as a confidential client: authorization code with PKCE, refresh tokens, revocation, on
/// the people's own accounts. <c>Identity:Portal:Secret</c> and <c>Identity:Portal:RedirectUris</c> (its
/// <c>/signin-oidc</c> addresses, separated by spaces) register or update it with every migrate step. Audited.
/// </summary>
public sealed class PortalClient(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<PortalClient> logger) : IDatabaseMigrator
{
    public const string ClientId = "pingan-portal";

    public string Name => "portal client";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var secret = configuration["Identity:Portal:Secret"];
        var redirects = (configuration["Identity:Portal:RedirectUris"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (string.IsNullOrEmpty(secret) && redirects.Length == 0) return; // no portal in this installation
        if (secret is not { Length: >= 24 }) throw new InvalidOperationException("Identity:Portal:Secret must be at least 24 characters.");
        if (redirects.Length == 0 || redirects.Any(r => !Uri.TryCreate(r, UriKind.Absolute, out _)))
            throw new InvalidOperationException("Identity:Portal:RedirectUris must list the portal's absolute /signin-oidc addresses.");
        var registered = await RegisterAsync(scopes, secret, redirects, cancellationToken);
        logger.LogInformation("Portal client {Change}", registered ? "registered" : "updated");
    }

    /// <summary>Registers the portal with <paramref name="redirects"/>, or updates it; answers whether it was new. Audited.</summary>
    public static async Task<bool> RegisterAsync(IServiceScopeFactory scopes, string secret, string[] redirects, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId, ClientSecret = secret, ClientType = ClientTypes.Confidential, DisplayName = "平安建设门户 Pingan portal",
            // The people's own portal: no consent screen, as for the platform's command-line client.
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Prefixes.Scope + PinganClaims.Scope, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var r in redirects) descriptor.RedirectUris.Add(new Uri(r));
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var audit = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
        var known = await applications.FindByClientIdAsync(ClientId, cancellationToken);
        if (known is null) await applications.CreateAsync(descriptor, cancellationToken);
        else await applications.UpdateAsync(known, descriptor, cancellationToken);
        await audit.RecordSeparatelyAsync(new AuditRecord(known is null ? "portal-client/register" : "portal-client/update", $"client/{ClientId}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { redirectUris = redirects })), cancellationToken);
        return known is null;
    }
}
