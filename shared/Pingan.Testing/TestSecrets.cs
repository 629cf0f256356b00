using System.Security.Cryptography;

namespace Pingan.Testing;

/// <summary>Secrets a service under test needs from its environment, fresh for each test process.</summary>
public static class TestSecrets
{
    /// <summary>The identity service's key-encryption key (Identity:KeyEncryptionKey).</summary>
    public static readonly string IdentityKeyEncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
