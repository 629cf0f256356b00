using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Pingan.Security;

/// <summary>
/// The identity service's token revocation list (issue 11): the accounts whose tokens were revoked (an account
/// disabled) within the longest life of an access token, each with the instant. An access token of such an account
/// issued before that instant is refused by every service, though its signature and expiry are still good.
/// Like a certificate revocation list it names only opaque subject ids and instants, and is public.
/// </summary>
public sealed class RevokedSubjects
{
    /// <summary>Where the identity service publishes the list, under its issuer.</summary>
    public const string Path = "connect/revoked-subjects";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    private static readonly Gauge Age = Metrics.CreateGauge("pingan_security_revocation_list_age_seconds",
        "Seconds since this service last read the identity service's token revocation list (issue 11).");

    public DateTimeOffset? LastRead { get; private set; }

    /// <summary>
    /// Whether a token of <paramref name="subject"/> issued at <paramref name="issuedAt"/> was revoked since. A token's
    /// iat has no fraction of a second, so a token issued in the same second as the revocation counts as before it:
    /// refused (tried on ./platform up, a token fetched just before the disablement otherwise went on working).
    /// </summary>
    public bool IsRevoked(string subject, DateTimeOffset issuedAt, out DateTimeOffset revokedAt) =>
        _revoked.TryGetValue(subject, out revokedAt) && issuedAt < revokedAt.AddTicks(TimeSpan.TicksPerSecond - revokedAt.Ticks % TimeSpan.TicksPerSecond);

    internal void Replace(IEnumerable<RevokedSubject> list, DateTimeOffset now)
    {
        var fresh = list.ToDictionary(s => s.Subject, s => s.RevokedAt, StringComparer.Ordinal);
        foreach (var (subject, at) in fresh) _revoked[subject] = at;
        foreach (var gone in _revoked.Keys.Where(k => !fresh.ContainsKey(k)).ToList()) _revoked.TryRemove(gone, out _);
        LastRead = now;
        Age.Set(0);
    }

    internal void Aged(DateTimeOffset now)
    {
        if (LastRead is { } read) Age.Set((now - read).TotalSeconds);
    }
}

/// <summary>A token refused because its account's tokens were revoked after it was issued.</summary>
public sealed class TokenRevokedException(string message) : Exception(message);

/// <summary>One entry of the list as the identity service publishes it.</summary>
public sealed record RevokedSubject(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("revokedAt")] DateTimeOffset RevokedAt);

/// <summary>The list's document: the entries, and how long an entry stays on it.</summary>
public sealed record RevocationList(
    [property: JsonPropertyName("subjects")] List<RevokedSubject> Subjects,
    [property: JsonPropertyName("windowSeconds")] int WindowSeconds);

/// <summary>
/// Reads the revocation list every <c>Security:RevocationPollSeconds</c> (10), so a disabled account's token is
/// refused everywhere within that. When the identity service cannot be reached the last list stays in force and
/// the age metric grows: the operators' alert, not an outage.
/// </summary>
internal sealed class RevokedSubjectsPoller(RevokedSubjects list, IConfiguration configuration, ILogger<RevokedSubjectsPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var authority = configuration["Security:Authority"]!.TrimEnd('/') + "/";
        var every = TimeSpan.FromSeconds(configuration.GetValue("Security:RevocationPollSeconds", 10));
        using var http = new HttpClient { BaseAddress = new Uri(authority), Timeout = TimeSpan.FromSeconds(5) };
        // The poll runs on the wall clock, not the service's TimeProvider: it is plumbing, and a test's frozen clock must not stop it.
        var time = TimeProvider.System;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var document = await http.GetFromJsonAsync<RevocationList>(RevokedSubjects.Path, stoppingToken);
                list.Replace(document?.Subjects ?? [], time.GetUtcNow());
                if (failures > 0) logger.LogInformation("The token revocation list is read again after {Failures} failed attempts", failures);
                failures = 0;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !stoppingToken.IsCancellationRequested)
            {
                if (failures++ % 30 == 0) logger.LogWarning("Could not read the token revocation list from {Authority}: {Error}; the last one read stays in force", authority, e.Message);
            }
            list.Aged(time.GetUtcNow());
            try { await Task.Delay(every, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
