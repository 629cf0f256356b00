using Pingan.Persistence;
using Pingan.Registry.Contracts;

namespace Pingan.Registry.Units;

/// <summary>A unit as it stands now: a jurisdiction of the tree, or an organ or unit of one.</summary>
public sealed class Unit : IVersioned
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public UnitKind Kind { get; set; }
    public UnitLevel? Level { get; set; }
    public string? ParentCode { get; set; }
    public string? AnswersToCode { get; set; }
    public bool ProvinceDirect { get; set; }
    public string? VerticalSuperiorCode { get; set; }

    /// <summary>The codes from the root down to this unit joined by '/': subtree queries are one index range.</summary>
    public required string Path { get; set; }
    public string PinyinInitials { get; set; } = "";
    public DateOnly EstablishedOn { get; set; }

    /// <summary>The day the current revision took effect.</summary>
    public DateOnly EffectiveFrom { get; set; }
    public DateOnly? DissolvedOn { get; set; }
    public uint Version { get; set; }

    public int Depth => Path.Count(c => c == '/');

    public bool IsDissolvedOn(DateOnly day) => DissolvedOn is { } d && d <= day;

    public UnitRevision Snapshot(DateTimeOffset recordedAt, string? reason = null) => new()
    {
        Code = Code,
        ValidFrom = EffectiveFrom,
        Name = Name,
        Kind = Kind,
        Level = Level,
        ParentCode = ParentCode,
        AnswersToCode = AnswersToCode,
        ProvinceDirect = ProvinceDirect,
        VerticalSuperiorCode = VerticalSuperiorCode,
        DissolvedOn = DissolvedOn,
        Reason = reason,
        RecordedAt = recordedAt,
    };
}

/// <summary>
/// One period of a unit's life: what it was called, where it sat and whom it answered to from
/// <see cref="ValidFrom"/> until <see cref="ValidTo"/> (exclusive). Revisions are only ever appended;
/// the open one is closed when the next takes effect.
/// </summary>
public sealed class UnitRevision
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public required string Name { get; set; }
    public UnitKind Kind { get; set; }
    public UnitLevel? Level { get; set; }
    public string? ParentCode { get; set; }
    public string? AnswersToCode { get; set; }
    public bool ProvinceDirect { get; set; }
    public string? VerticalSuperiorCode { get; set; }
    public DateOnly? DissolvedOn { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
