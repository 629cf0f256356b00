namespace Pingan.Letters.Contracts;

/// <summary>A commission issued a year's target responsibility letter to a unit below it (Art. 13).</summary>
public sealed record LetterIssued(
    Guid LetterId, int Year, Guid TemplateId, string IssuerCode, string ReceiverCode, int Version, int TargetCount, DateTimeOffset IssuedAt);
