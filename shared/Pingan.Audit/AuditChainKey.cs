using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Pingan.Audit;

/// <summary>
/// The key the audit chain's hashes are made with (issue 11): HMAC-SHA256 under <c>Audit:ChainKey</c> (32+
/// random bytes, base64), a secret the service holds and its database login does not, so whoever can rewrite
/// rows (a database administrator) cannot make their hashes agree. <c>Audit:ChainKeyId</c> names it in each
/// entry (default "k1"). Without a key, entries are hashed unkeyed (SHA-256), the service logs a warning at
/// start, and verification says the chain is not keyed. <c>Audit:AnchorFile</c>: the append-only file outside the
/// database where every verification writes the tip it found, and against which the next one checks.
/// </summary>
public sealed class AuditChainKey
{
    private readonly byte[]? _key;

    public AuditChainKey(IConfiguration configuration)
    {
        var text = configuration["Audit:ChainKey"];
        if (!string.IsNullOrWhiteSpace(text))
        {
            _key = Convert.FromBase64String(text.Trim());
            if (_key.Length < 32) throw new InvalidOperationException("Audit:ChainKey must be at least 32 random bytes, in base64 (openssl rand -base64 32).");
        }
        Id = _key is null ? "" : configuration["Audit:ChainKeyId"] is { Length: > 0 } id ? id : "k1";
        if (Id.Length > 16) throw new InvalidOperationException("Audit:ChainKeyId is at most 16 characters.");
        AnchorFile = configuration["Audit:AnchorFile"] is { Length: > 0 } file ? file : null;
    }

    /// <summary>The key's name, written in each entry; empty when the chain is unkeyed.</summary>
    public string Id { get; }

    public bool IsKeyed => _key is not null;

    public string? AnchorFile { get; }

    /// <summary>The hash of an entry's canonical bytes under the key it names (unkeyed: plain SHA-256); null for a key this service does not hold.</summary>
    public string? Hash(string keyId, byte[] canonical)
    {
        if (keyId.Length == 0) return Convert.ToHexStringLower(SHA256.HashData(canonical));
        if (_key is null || keyId != Id) return null;
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, canonical));
    }
}
