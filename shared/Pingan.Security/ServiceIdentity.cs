using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Pingan.Security;

/// <summary>
/// A service's own identity, for the calls it makes outside any request, on nobody's behalf: a consumer that
/// starts later reading a producer's event log (ADR 0012). The identity service registers the client
/// <c>pingan-{service}</c> (<c>Identity:ServiceClients:{service}:Secret</c>, the province's jurisdiction, the
/// <c>auditor</c> role: it reads, never changes); the service signs in with client credentials
/// (<c>Security:ServiceClient:Secret</c>) and keeps the token until a minute before it expires.
/// A call made within a request still carries the caller's token (<see cref="CallerForwardingExtensions"/>).
/// </summary>
public sealed class ServiceTokens(IHttpClientFactory http, string authority, string clientId, string? secret, TimeProvider time)
{
    public const string HttpClientName = "pingan-service-tokens";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Renew)? _current;
    private string? _tokenEndpoint;

    public string ClientId => clientId;

    /// <summary>The client id a service signs in as.</summary>
    public static string ClientIdOf(string service) => $"pingan-{service}";

    /// <summary>A valid access token of this service's client.</summary>
    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_current is { } held && time.GetUtcNow() < held.Renew) return held.Token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && time.GetUtcNow() < again.Renew) return again.Token;
            if (string.IsNullOrEmpty(secret))
                throw new InvalidOperationException($"The service signs in as {clientId} with Security:ServiceClient:Secret, which is not set.");
            var client = http.CreateClient(HttpClientName);
            _tokenEndpoint ??= (await client.GetFromJsonAsync<Discovery>(new Uri(new Uri(authority), ".well-known/openid-configuration"), ct))?.TokenEndpoint
                ?? throw new InvalidOperationException($"{authority} publishes no token endpoint.");
            using var response = await client.PostAsync(_tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "pingan",
            }), ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The identity service refused {clientId}'s client credentials: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                ?? throw new InvalidOperationException("The identity service answered no token.");
            var now = time.GetUtcNow();
            _current = (token.AccessToken, now.AddSeconds(Math.Max(token.ExpiresIn - 60, token.ExpiresIn / 2)));
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] string? TokenEndpoint);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

public static class ServiceIdentityExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceTokens"/> for <paramref name="service"/>: its client <c>pingan-{service}</c>
    /// (<c>Security:ServiceClient:Id</c> overrides it) with the secret <c>Security:ServiceClient:Secret</c>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceIdentity(this IHostApplicationBuilder builder, string service)
    {
        var configuration = builder.Configuration;
        builder.Services.AddHttpClient(ServiceTokens.HttpClientName);
        // Once, however many producers a service follows.
        builder.Services.TryAddSingleton(sp => new ServiceTokens(sp.GetRequiredService<IHttpClientFactory>(),
            configuration["Security:Authority"] ?? throw new InvalidOperationException("Set Security:Authority to the identity service's address (its issuer)."),
            configuration["Security:ServiceClient:Id"] is { Length: > 0 } id ? id : ServiceTokens.ClientIdOf(service),
            configuration["Security:ServiceClient:Secret"], sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }

    /// <summary>
    /// A gRPC client of another Pingan service that calls as this service itself (its <see cref="ServiceTokens"/>),
    /// named <paramref name="name"/> for <c>GrpcClientFactory.CreateClient&lt;TClient&gt;(name)</c>.
    /// </summary>
    public static IHttpClientBuilder AddServiceGrpcClient<TClient>(this IServiceCollection services, string name, Uri address) where TClient : class =>
        services.AddGrpcClient<TClient>(name, o => o.Address = address)
            .ConfigurePrimaryHttpMessageHandler(GrpcClientHandler.Create)
            .BalancedOver(address)
            // Inside the cluster the services speak plain HTTP/2 behind the mesh; the token still travels.
            .ConfigureChannel(o => o.UnsafeUseInsecureChannelCallCredentials = true)
            .AddCallCredentials(async (_, metadata, sp) =>
                metadata.Add("Authorization", "Bearer " + await sp.GetRequiredService<ServiceTokens>().GetAsync(CancellationToken.None)));
}
