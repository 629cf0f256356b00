using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace Pingan.Signing;

/// <summary>
/// SM2 signatures (GB/T 32918, with SM3 and the standard default user id). A public key is the uncompressed point
/// in hex (04 || X || Y); a signature is DER (r, s). Leaders sign on their own devices (the platform verifies);
/// the platform signs its own answers with a <see cref="Sm2PrivateKey"/> it holds as a secret.
/// </summary>
public static class Sm2
{
    internal static readonly ECDomainParameters Domain = Create();

    private static ECDomainParameters Create()
    {
        var curve = GMNamedCurves.GetByName("sm2p256v1");
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
    }

    public static bool TryParsePublicKey(string hex, out ECPublicKeyParameters? key)
    {
        key = null;
        try
        {
            var point = Domain.Curve.DecodePoint(Convert.FromHexString(hex));
            if (point.IsInfinity || !point.IsValid()) return false;
            key = new ECPublicKeyParameters(point, Domain);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    public static bool Verify(string publicKeyHex, byte[] data, byte[] signature)
    {
        if (!TryParsePublicKey(publicKeyHex, out var key)) return false;
        var signer = new SM2Signer();
        signer.Init(false, key);
        signer.BlockUpdate(data, 0, data.Length);
        try
        {
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false; // not DER
        }
    }

    /// <summary>SM3 digest of the canonical form, in hex: what a signer's device shows before signing.</summary>
    public static string Sm3Hex(byte[] data)
    {
        var digest = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }
}

/// <summary>
/// A private SM2 key the platform itself signs with, derived from a secret of 32+ random bytes (base64, as
/// <c>openssl rand -base64 32</c> makes it): the scalar is the secret's SM3 digest reduced into [1, n-1], so any such
/// secret is a valid key and the same secret always gives the same key. <see cref="KeyId"/> names the public key
/// (the first 16 hex digits of its SM3 digest) in what it signs, so a verifier picks the right one after a rotation.
/// </summary>
public sealed class Sm2PrivateKey
{
    private readonly ECPrivateKeyParameters _key;
    private static readonly Org.BouncyCastle.Security.SecureRandom Random = new();
    /// <summary>
    /// One initialised signer per thread: initialising derives the public point (a scalar multiplication) and the
    /// user-id digest Z, which every signature under the key shares; a signer resets to Z after each signature.
    /// </summary>
    private readonly ThreadLocal<SM2Signer> _signers;

    public Sm2PrivateKey(string secretBase64)
    {
        var secret = Convert.FromBase64String(secretBase64.Trim());
        if (secret.Length < 32) throw new ArgumentException("The signing secret must be at least 32 random bytes, in base64 (openssl rand -base64 32).", nameof(secretBase64));
        var digest = Convert.FromHexString(Sm2.Sm3Hex(secret));
        var d = new BigInteger(1, digest).Mod(Sm2.Domain.N.Subtract(BigInteger.One)).Add(BigInteger.One);
        _key = new ECPrivateKeyParameters(d, Sm2.Domain);
        PublicKey = Convert.ToHexStringLower(Sm2.Domain.G.Multiply(d).Normalize().GetEncoded(false));
        KeyId = Sm2.Sm3Hex(Convert.FromHexString(PublicKey))[..16];
        _signers = new ThreadLocal<SM2Signer>(() =>
        {
            var signer = new SM2Signer();
            signer.Init(true, new ParametersWithRandom(_key, Random));
            return signer;
        });
    }

    /// <summary>The public key, uncompressed point in hex, published for verification.</summary>
    public string PublicKey { get; }

    public string KeyId { get; }

    /// <summary>The DER signature over <paramref name="data"/> (randomised: two signatures of the same data differ, both verify).</summary>
    public byte[] Sign(byte[] data)
    {
        var signer = _signers.Value!;
        signer.Reset();
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }
}
