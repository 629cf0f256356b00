namespace Pingan.Letters.Reporting;

/// <summary>
/// A file of evidence for one target of a letter (Art. 13 "易于执行检查"), kept in the service's own database with its
/// SHA-256 (ADR 0008). It belongs to the letter between its issuer and receiver that year, whatever version it was
/// uploaded on, so an amendment does not orphan it.
/// </summary>
public sealed class EvidenceFile : Pingan.Evidence.StoredEvidence
{
    /// <summary>The version of the letter it was uploaded on.</summary>
    public Guid LetterId { get; set; }
    public int Year { get; set; }
    public required string IssuerCode { get; set; }
    public required string ReceiverCode { get; set; }
    public required string TargetCode { get; set; }
}

/// <summary>What the receiver has achieved on a target as of a day, citing its evidence.</summary>
public sealed class ProgressEntry
{
    public Guid Id { get; set; }
    public Guid LetterId { get; set; }
    public int Version { get; set; }
    public int Year { get; set; }
    public required string IssuerCode { get; set; }
    public required string ReceiverCode { get; set; }
    public required string TargetCode { get; set; }
    public DateOnly AsOf { get; set; }
    public decimal AchievedValue { get; set; }
    public string Note { get; set; } = "";
    public Guid[] EvidenceIds { get; set; } = [];
    public DateTimeOffset ReportedAt { get; set; }
    public required string ReportedBy { get; set; }
}

/// <summary>The year-end completion figure of a letter (Art. 20 "目标责任书完成情况"), set once by the issuer's commission.</summary>
public sealed class Completion
{
    public Guid LetterId { get; set; }
    /// <summary>Σ weight × percent / 100 over the targets: 0 to 100.</summary>
    public decimal Figure { get; set; }
    public bool Signed { get; set; }
    public List<CompletionResult> Results { get; set; } = [];
    public DateTimeOffset CompletedAt { get; set; }
    public required string CompletedBy { get; set; }
}

public sealed class CompletionResult
{
    public Guid LetterId { get; set; }
    public required string Code { get; set; }
    public decimal Percent { get; set; }
    public string Note { get; set; } = "";
}
