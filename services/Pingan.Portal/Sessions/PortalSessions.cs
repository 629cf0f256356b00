using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Pingan.Portal.Sessions;

/// <summary>The person's session expired (the refresh token ran out or was revoked): they sign in again.</summary>
public sealed class SessionExpiredException(string message) : Exception(message);

/// <summary>
/// The signed-in people's tokens, kept on the server (issue 17): the browser's cookie carries only the session's
/// name (<see cref="SessionClaim"/>). An access token close to expiry is renewed with the refresh token, once for
/// every circuit of the session at a time. Sign-out revokes the refresh token. A portal replica that restarts loses
/// its sessions, and their people pass through the identity service again (ADR 0014: sessions are pinned to a replica
/// anyway, as Blazor Server's circuits are).
/// </summary>
public sealed class PortalSessions(
    IHttpClientFactory http, IOptionsMonitor<OpenIdConnectOptions> oidc, IOptions<PortalOptions> options, TimeProvider time, ILogger<PortalSessions> logger)
{
    public const string SessionClaim = "portal_session";
    /// <summary>An access token with less than this left is renewed before it is used.</summary>
    private static readonly TimeSpan RenewAhead = TimeSpan.FromSeconds(60);
    /// <summary>Matches the identity service's refresh token lifetime: a session never outlives it.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, Entry> _sessions = new();

    private sealed class Entry(string accessToken, string? refreshToken, DateTimeOffset expiresAt, DateTimeOffset endsAt)
    {
        public string AccessToken = accessToken;
        public string? RefreshToken = refreshToken;
        public DateTimeOffset ExpiresAt = expiresAt;
        public readonly DateTimeOffset EndsAt = endsAt;
        public readonly SemaphoreSlim Gate = new(1, 1);
    }

    public int Count => _sessions.Count;

    /// <summary>Keeps the tokens of a sign-in; answers the session's name for the cookie.</summary>
    public string Begin(string accessToken, string? refreshToken, int expiresInSeconds)
    {
        var now = time.GetUtcNow();
        foreach (var (key, old) in _sessions)
            if (old.EndsAt <= now) _sessions.TryRemove(key, out _);
        var id = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        _sessions[id] = new Entry(accessToken, refreshToken, now.AddSeconds(expiresInSeconds > 0 ? expiresInSeconds : 300), now + Lifetime);
        return id;
    }

    public bool IsActive(string? id) => id is not null && _sessions.TryGetValue(id, out var e) && e.EndsAt > time.GetUtcNow();

    /// <summary>A valid access token of the session, renewed first when it is about to expire.</summary>
    public async Task<string> AccessTokenAsync(string? id, CancellationToken ct)
    {
        if (id is null || !_sessions.TryGetValue(id, out var entry) || entry.EndsAt <= time.GetUtcNow())
            throw new SessionExpiredException("The session has ended.");
        if (entry.ExpiresAt - time.GetUtcNow() > RenewAhead) return entry.AccessToken;
        await entry.Gate.WaitAsync(ct);
        try
        {
            if (entry.ExpiresAt - time.GetUtcNow() > RenewAhead) return entry.AccessToken; // another circuit renewed it
            if (entry.RefreshToken is null) throw End(id, "The access token expired and there is no refresh token.");
            var configuration = await Configuration(ct);
            using var response = await http.CreateClient(nameof(PortalSessions)).PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["refresh_token"] = entry.RefreshToken,
                ["client_id"] = options.Value.ClientId, ["client_secret"] = options.Value.ClientSecret,
            }), ct);
            if (!response.IsSuccessStatusCode)
                throw End(id, $"The identity service refused to renew the session ({(int)response.StatusCode}).");
            var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(ct) ?? throw End(id, "The identity service answered no tokens.");
            entry.AccessToken = tokens.AccessToken;
            entry.RefreshToken = tokens.RefreshToken ?? entry.RefreshToken;
            entry.ExpiresAt = time.GetUtcNow().AddSeconds(tokens.ExpiresIn);
            return entry.AccessToken;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Sign-out: the refresh token is revoked at the identity service and the session forgotten.</summary>
    public async Task EndAsync(string? id, CancellationToken ct)
    {
        if (id is null || !_sessions.TryRemove(id, out var entry) || entry.RefreshToken is null) return;
        try
        {
            var configuration = await Configuration(ct);
            if (configuration.AdditionalData.TryGetValue("revocation_endpoint", out var endpoint) && endpoint is string revocation)
            {
                using var response = await http.CreateClient(nameof(PortalSessions)).PostAsync(revocation, new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["token"] = entry.RefreshToken, ["token_type_hint"] = "refresh_token",
                    ["client_id"] = options.Value.ClientId, ["client_secret"] = options.Value.ClientSecret,
                }), ct);
                if (!response.IsSuccessStatusCode) logger.LogWarning("The identity service refused to revoke a signed-out session's token: {Status}", (int)response.StatusCode);
            }
        }
        catch (HttpRequestException ex)
        {
            // The session is gone from here either way; the token dies with its lifetime.
            logger.LogWarning(ex, "Could not revoke a signed-out session's refresh token");
        }
    }

    private SessionExpiredException End(string id, string why)
    {
        _sessions.TryRemove(id, out _);
        logger.LogInformation("A session ended: {Reason}", why);
        return new SessionExpiredException(why);
    }

    private Task<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration> Configuration(CancellationToken ct) =>
        oidc.Get(OpenIdConnectDefaults.AuthenticationScheme).ConfigurationManager!.GetConfigurationAsync(ct);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
