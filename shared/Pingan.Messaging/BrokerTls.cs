using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pingan.Messaging;

/// <summary>
/// How the broker's TLS certificate is checked (issue 12): against the system's trust store, or, when
/// <c>Messaging:CaCertificate</c> names a PEM bundle, against those authorities only. A name mismatch or an
/// untrusted chain refuses the connection; there is no switch to accept any certificate.
/// </summary>
public sealed class BrokerTls
{
    private readonly X509Certificate2Collection? _authorities;

    public BrokerTls(string? caCertificateFile)
    {
        if (string.IsNullOrWhiteSpace(caCertificateFile)) return;
        if (!File.Exists(caCertificateFile))
            throw new InvalidOperationException($"Messaging:CaCertificate names {caCertificateFile}, which does not exist.");
        _authorities = [];
        _authorities.ImportFromPemFile(caCertificateFile);
        if (_authorities.Count == 0) throw new InvalidOperationException($"Messaging:CaCertificate {caCertificateFile} holds no certificate.");
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_authorities is null || certificate is null) return errors == SslPolicyErrors.None;
        // The name must match whichever authorities are trusted; only the chain is checked against the bundle.
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
