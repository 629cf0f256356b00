using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Pingan.Security;

/// <summary>
/// Calls refused for want of a valid token (none, expired, forged, wrong audience) are counted in the metric
/// <c>pingan_security_unauthenticated_refusals</c> (by kind) and sampled into the audit trail: the first of each
/// kind, then at most one per <c>Security:RefusalAuditInterval</c> (default 1 minute) carrying how many went
/// unrecorded since (issue 11). An anonymous flood so costs one audit row a minute, not one locked row a call:
/// it cannot serialise a service on its audit chain.
/// </summary>
public sealed class AnonymousRefusals(IConfiguration configuration, TimeProvider time)
{
    private static readonly Meter Meter = new("Pingan.Security");
    // For OTLP, and for the Prometheus scrape of /metrics.
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("pingan_security_unauthenticated_refusals",
        description: "Calls refused for want of a valid access token, by kind");
    private static readonly Prometheus.Counter Scraped = Prometheus.Metrics.CreateCounter("pingan_security_unauthenticated_refusals",
        "Calls refused for want of a valid access token, by kind", new Prometheus.CounterConfiguration { LabelNames = ["kind"] });

    private readonly TimeSpan _interval = configuration.GetValue("Security:RefusalAuditInterval", TimeSpan.FromMinutes(1));
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>What kind of refusal the authentication failure is.</summary>
    public static string KindOf(Exception? failure) => failure switch
    {
        null => "no-token",
        SecurityTokenExpiredException => "expired",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad-signature",
        SecurityTokenInvalidAudienceException => "wrong-audience",
        SecurityTokenInvalidIssuerException => "wrong-issuer",
        TokenRevokedException => "revoked",
        _ => "invalid-token",
    };

    /// <summary>Counts a refusal; null when it goes unrecorded, else how many of its kind went unrecorded before it.</summary>
    public long? Count(string kind)
    {
        Refused.Add(1, new KeyValuePair<string, object?>("kind", kind));
        Scraped.WithLabels(kind).Inc();
        var window = _windows.GetOrAdd(kind, _ => new Window());
        var now = time.GetUtcNow();
        lock (window)
        {
            if (window.LastRecorded is { } last && now - last < _interval)
            {
                window.Unrecorded++;
                return null;
            }
            var skipped = window.Unrecorded;
            window.LastRecorded = now;
            window.Unrecorded = 0;
            return skipped;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset? LastRecorded;
        public long Unrecorded;
    }
}
