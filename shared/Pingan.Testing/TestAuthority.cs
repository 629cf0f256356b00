using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pingan.Testing;

/// <summary>
/// A token issuer for service tests: a real HTTP server publishing a discovery document and its signing key, as
/// the identity service does, so a service validates its tokens exactly as it validates the identity service's.
/// It mints tokens for any caller a test describes; one per test process. The identity service itself is tested
/// against the services in Pingan.Security.Tests.
/// </summary>
public sealed class TestAuthority
{
    private static readonly Lazy<Task<TestAuthority>> Shared = new(StartAsync);
    private readonly RsaSecurityKey _key;

    private TestAuthority(string issuer, RsaSecurityKey key)
    {
        Issuer = issuer;
        _key = key;
    }

    /// <summary>The issuer URL: what a service under test takes as Security:Authority.</summary>
    public string Issuer { get; }

    public static Task<TestAuthority> GetAsync() => Shared.Value;

    /// <summary>The settings that point a service at this authority.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Security:Authority"] = Issuer,
        ["Security:RequireHttpsMetadata"] = "false",
    };

    /// <summary>An access token for every service's audience (the scope pingan), valid ten minutes, with the claims the identity service issues.</summary>
    public string Token(string jurisdiction, string[] roles, string subject = "test-user", string? unit = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["name"] = subject,
                ["unit"] = unit ?? jurisdiction,
                ["jurisdiction"] = jurisdiction,
                ["role"] = roles,
                ["aud"] = Pingan.Security.Audiences.ForScopes(["pingan"]),
            },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>
    /// Registers a confidential client for the client-credentials grant at <c>/connect/token</c>, as the identity service
    /// registers a service's own client (Identity:ServiceClients): its tokens carry <paramref name="jurisdiction"/> and
    /// <paramref name="roles"/>. Answers the settings that make a service sign in as it.
    /// The authority is one per test process and test classes run in parallel: a client is registered once, with one
    /// secret, and every class that asks for it again gets the same (a new secret would lock out a host another class
    /// started with the old one). Asking for the same client with another jurisdiction or roles is a test's mistake.
    /// </summary>
    public Dictionary<string, string?> Client(string clientId, string jurisdiction, string[] roles)
    {
        var client = _clients.GetOrAdd(clientId, _ => (Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), jurisdiction, roles));
        if (client.Jurisdiction != jurisdiction || !client.Roles.SequenceEqual(roles))
            throw new InvalidOperationException($"{clientId} is registered with {client.Jurisdiction} [{string.Join(", ", client.Roles)}], not {jurisdiction} [{string.Join(", ", roles)}].");
        return new() { ["Security:ServiceClient:Id"] = clientId, ["Security:ServiceClient:Secret"] = client.Secret };
    }

    /// <summary>How many client-credentials tokens <paramref name="clientId"/> was given.</summary>
    public int TokensIssuedTo(string clientId) => _issued.TryGetValue(clientId, out var n) ? n : 0;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Secret, string Jurisdiction, string[] Roles)> _clients = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _issued = new();

    private IResult ClientCredentials(IFormCollection form)
    {
        if (form["grant_type"] != "client_credentials") return Results.BadRequest(new { error = "unsupported_grant_type" });
        var id = form["client_id"].ToString();
        if (!_clients.TryGetValue(id, out var client)
            || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(client.Secret), System.Text.Encoding.UTF8.GetBytes(form["client_secret"].ToString())))
            return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
        _issued.AddOrUpdate(id, 1, (_, n) => n + 1);
        return Results.Json(new { access_token = Token(client.Jurisdiction, client.Roles, subject: id), token_type = "Bearer", expires_in = 600 });
    }

    /// <summary>A call invoker that presents <paramref name="token"/> on every call of the channel.</summary>
    public static CallInvoker As(GrpcChannel channel, string token) =>
        channel.Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        });

    private static async Task<TestAuthority> StartAsync()
    {
        var port = ServiceHost.FreePort();
        var issuer = $"http://127.0.0.1:{port}/";
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-" + Guid.NewGuid().ToString("N")[..8] };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(issuer);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = issuer + "jwks",
            ["token_endpoint"] = issuer + "connect/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        // The identity service's token revocation list (issue 11): nobody's tokens are revoked here.
        app.MapGet("/" + Pingan.Security.RevokedSubjects.Path, () => Results.Json(new Pingan.Security.RevocationList([], 1200)));
        app.MapGet("/jwks", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = jwk.Kid, ["n"] = jwk.N, ["e"] = jwk.E } },
        }));
        var authority = new TestAuthority(issuer, key);
        app.MapPost("/connect/token", async (HttpRequest request) => authority.ClientCredentials(await request.ReadFormAsync()));
        await app.StartAsync();
        return authority;
    }
}
