namespace Pingan.Registry.Contracts;

// Integration events of the registry, published through its outbox. Dates are civil dates in China.

public sealed record UnitRegistered(
    string Code, string Name, UnitKind Kind, UnitLevel Level, string? ParentCode, string? AnswersToCode,
    bool ProvinceDirect, string? VerticalSuperiorCode, DateOnly EffectiveOn);

public sealed record UnitRenamed(string Code, string OldName, string NewName, DateOnly EffectiveOn);

/// <summary>The unit's parent, whom it answers to, or both changed (a province-direct flag, for one).</summary>
public sealed record UnitMoved(
    string Code, string? OldParentCode, string? NewParentCode, string? OldAnswersToCode, string? NewAnswersToCode,
    bool ProvinceDirect, string? VerticalSuperiorCode, DateOnly EffectiveOn);

public sealed record UnitDissolved(string Code, DateOnly DissolvedOn, string? Reason);

public sealed record LeaderAppointed(
    Guid TermId, Guid LeaderId, string LeaderName, string UnitCode, LeadershipRole Role, string? Portfolio,
    string? Title, DateOnly StartsOn, DateOnly? EndsOn, string? CadreAuthorityCode,
    // Reading 6: the unit's in-charge term for comprehensive management (added 2026-12; absent, false, in earlier events).
    bool ComprehensiveManagement = false);

/// <summary>A term ended: <paramref name="EndsOn"/> is the last day in office.</summary>
public sealed record LeaderLeft(
    Guid TermId, Guid LeaderId, string UnitCode, LeadershipRole Role, string? Portfolio, DateOnly EndsOn, string? Reason);

public sealed record LeaderRoleChanged(
    Guid PreviousTermId, Guid TermId, Guid LeaderId, string UnitCode, LeadershipRole PreviousRole, LeadershipRole Role,
    string? Portfolio, DateOnly EffectiveOn,
    // Reading 6: whether the new term is the unit's in-charge term for comprehensive management.
    bool ComprehensiveManagement = false,
    // The new term's title (书记 after 副书记); null in events published before it was carried.
    string? Title = null);
