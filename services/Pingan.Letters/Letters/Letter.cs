namespace Pingan.Letters.Letters;

/// <summary>ISSUED, SIGNED by both sides, SUPERSEDED by an amendment, or COMPLETED with its year-end figure.</summary>
public enum LetterStatus { Issued, Signed, Superseded, Completed }

/// <summary>A year's target responsibility letter from a commission to a unit that answers to it (Art. 13).</summary>
public sealed class Letter
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public Guid TemplateId { get; set; }
    public required string IssuerCode { get; set; }
    public required string ReceiverCode { get; set; }
    public required string ReceiverName { get; set; }
    public int Version { get; set; } = 1;
    public LetterStatus Status { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public required string Title { get; set; }
    public string[] KeyTasks { get; set; } = [];
    public List<LetterTarget> Targets { get; set; } = [];
    public Guid? AmendsLetterId { get; set; }
    public string? AmendmentReason { get; set; }
    public uint RowVersion { get; set; }
}

public sealed class LetterTarget : Templates.ITargetContent
{
    public Guid Id { get; set; }
    public Guid LetterId { get; set; }
    public Guid TemplateTargetId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Indicator { get; set; }
    public decimal TargetValue { get; set; }
    public required string UnitOfMeasure { get; set; }
    public required string EvidenceRequired { get; set; }
    public decimal Weight { get; set; }
    public Guid? ParentTargetId { get; set; }
    /// <summary>
    /// The target's identity across the letter's amendments (issue 12): the first version's target id, carried to
    /// every later version. A child's decomposition may point at any version's target; coverage counts it for the lineage.
    /// </summary>
    public Guid LineageId { get; set; }

    /// <summary>
    /// A target of <paramref name="letterId"/> saying what <paramref name="source"/> says: a template's target (a new
    /// lineage), or the amended version's (<paramref name="lineageId"/> its lineage).
    /// </summary>
    public static LetterTarget CopyOf(Templates.ITargetContent source, Guid letterId, Guid templateTargetId, int position, DateTimeOffset now, Guid? lineageId = null)
    {
        var id = Guid.CreateVersion7(now);
        return new()
        {
            Id = id,
            LineageId = lineageId ?? id,
            LetterId = letterId,
            TemplateTargetId = templateTargetId,
            Position = position,
            Code = source.Code,
            Indicator = source.Indicator,
            TargetValue = source.TargetValue,
            UnitOfMeasure = source.UnitOfMeasure,
            EvidenceRequired = source.EvidenceRequired,
            Weight = source.Weight,
            ParentTargetId = source.ParentTargetId,
        };
    }
}
