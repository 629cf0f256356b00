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
