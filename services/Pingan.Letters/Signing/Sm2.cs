using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Pingan.Letters.Signing;

/// <summary>
/// SM2 signatures (GB/T 32918, with SM3 and the standard default user id), as a leader's signing key (a UKey
/// on their own machine) makes them: the platform never holds a private key, it verifies with the public one.
/// A public key is the uncompressed point in hex (04 || X || Y); a signature is DER (r, s).
/// </summary>
public static class Sm2
{
    private static readonly ECDomainParameters Domain = Create();

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
