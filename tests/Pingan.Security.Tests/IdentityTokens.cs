using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Pingan.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Security.Tests;

/// <summary>Client-credentials tokens from a real identity service, for department systems registered as a test needs them.</summary>
public static class IdentityTokens
{
    /// <summary>A real identity service on its own database, one issuer on both its ports as deployed.</summary>
    public static Task<ServiceHost> StartIdentityAsync(string connectionString, Action<IServiceCollection>? services = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null) =>
        ServiceHost.StartAsync(Pingan.Identity.IdentityApplication.Create, new Dictionary<string, string?>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = connectionString,
            ["Identity:AllowHttp"] = "true",
            ["Identity:KeyEncryptionKey"] = TestSecrets.IdentityKeyEncryptionKey,
            ["Identity:DemoAccounts"] = "true",
            ["Identity:Issuer"] = "{rest-url}",
        }.Concat(settings ?? [])), services);

    public static Task<string> TokenAsync(ServiceHost identity, string clientId, string jurisdiction, params string[] roles) =>
        ScopedTokenAsync(identity, clientId, jurisdiction, "pingan", roles);

    /// <summary>A department system's token for <paramref name="scope"/>: pingan (every service) or pingan.{service} (issue 11).</summary>
    public static Task<string> ScopedTokenAsync(ServiceHost identity, string clientId, string jurisdiction, string scope, params string[] roles) =>
        ClientTokenAsync(identity, clientId, jurisdiction, jurisdiction + "-PSB", scope, roles);

    /// <summary>
    /// The token of the system <paramref name="clientId"/> of <paramref name="unit"/> in <paramref name="jurisdiction"/>, registered
    /// with the identity service (as an operator registers a department's system) the first time it is asked for.
    /// </summary>
    public static async Task<string> ClientTokenAsync(ServiceHost identity, string clientId, string jurisdiction, string unit, string scope, params string[] roles)
    {
        await using (var services = identity.Services.CreateAsyncScope())
        {
            var applications = services.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(clientId) is null)
            {
                var client = new OpenIddictApplicationDescriptor
                {
                    ClientId = clientId, ClientSecret = "secret-" + clientId, ClientType = ClientTypes.Confidential, DisplayName = clientId,
                    Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + scope },
                };
                client.Properties["unit"] = JsonSerializer.SerializeToElement(unit);
                client.Properties["jurisdiction"] = JsonSerializer.SerializeToElement(jurisdiction);
                client.Properties["roles"] = JsonSerializer.SerializeToElement(roles);
                await applications.CreateAsync(client);
            }
        }
        var response = await identity.Rest.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = "secret-" + clientId, ["scope"] = scope,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.TryGetProperty("access_token", out var token) ? token.GetString()! : throw new InvalidOperationException($"no token for {clientId}: {body}");
    }
}
