using System.Security.Cryptography;
using System.Text;

namespace Pingan.Identity.Keys;

/// <summary>
/// Seals the identity service's secrets at rest (signing and encryption keys, TOTP secrets) with AES-256-GCM
/// under a key-encryption key that lives outside the database: <c>Identity:KeyEncryptionKey</c>, 32 bytes in
/// base64, from a Kubernetes secret in production (<c>./platform up</c> makes one in .local/run). A copy of
/// the database alone yields no key and no second factor. Values written before sealing existed are read as
/// they are and sealed when next written.
/// </summary>
public sealed class SecretSealer
{
    private const string Prefix = "sealed:v1:";
    private readonly byte[] _key;

    public SecretSealer(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var text = configuration["Identity:KeyEncryptionKey"]
            ?? throw new InvalidOperationException("Set Identity:KeyEncryptionKey to 32 random bytes in base64 (e.g. `openssl rand -base64 32`), kept in a secret.");
        try
        {
            _key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Identity:KeyEncryptionKey is not base64.");
        }
        if (_key.Length != 32) throw new InvalidOperationException($"Identity:KeyEncryptionKey must be 32 bytes, not {_key.Length}.");
    }

    public string Seal(string plain)
    {
        var data = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[12 + 16 + data.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plain value; a value sealed under another key fails loudly (CryptographicException).</summary>
    public string Open(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var sealedBytes = Convert.FromBase64String(stored[Prefix.Length..]);
        var plain = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    public static bool IsSealed(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;
}
