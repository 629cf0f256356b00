namespace Pingan.Letters.Signing;

/// <summary>A leader's SM2 public key, enrolled by their organisation department or commission office.</summary>
public sealed class SigningKey
{
    public Guid Id { get; set; }
    /// <summary>The leader's id in the registry.</summary>
    public Guid LeaderId { get; set; }
    public required string LeaderName { get; set; }
    public required string PublicKey { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public required string RegisteredBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// A one-time challenge for enrolling a key (issue 11): the data to sign names the leader and a server nonce, so a
/// signature over it proves possession of the private key now, for this leader, and cannot be replayed.
/// </summary>
public sealed class EnrolmentChallenge
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public Guid Id { get; set; }
    public Guid LeaderId { get; set; }
    public required byte[] Nonce { get; set; }
    /// <summary>The subject that asked for it: only they may answer it.</summary>
    public required string IssuedTo { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    public byte[] Data() => System.Text.Encoding.UTF8.GetBytes($"pingan/signing-key-enrolment/v1\nleader:{LeaderId}\nnonce:{Convert.ToHexStringLower(Nonce)}\n");
}

public enum SignatureSide { Issuer, Receiver }

/// <summary>One side's detached signature over the letter's canonical form, with the key that made it.</summary>
public sealed class LetterSignature
{
    public Guid Id { get; set; }
    public Guid LetterId { get; set; }
    public SignatureSide Side { get; set; }
    public required string UnitCode { get; set; }
    public Guid LeaderId { get; set; }
    public required string LeaderName { get; set; }
    public DateOnly SignedOn { get; set; }
    public Guid KeyId { get; set; }
    public required string PublicKey { get; set; }
    public required byte[] Signature { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
