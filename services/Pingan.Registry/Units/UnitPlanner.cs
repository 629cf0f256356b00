using Pingan.Registry.Api;
using Pingan.Registry.Contracts;
using Pingan.ServiceDefaults;
using UnitKind = Pingan.Registry.Contracts.UnitKind;
using UnitLevel = Pingan.Registry.Contracts.UnitLevel;

namespace Pingan.Registry.Units;

/// <summary>A unit as a caller describes it: to register, or (in an import) to bring an existing unit to.</summary>
public sealed record UnitDraft(
    string Code, string Name, UnitKind Kind, string? ParentCode, bool ProvinceDirect, string? VerticalSuperiorCode, DateOnly EffectiveOn);

/// <summary>A change to an existing unit; null leaves a field as it is, "" clears the vertical superior.</summary>
public sealed record UnitPatch(
    string Code, string? Name, string? ParentCode, bool? ProvinceDirect, string? VerticalSuperiorCode, DateOnly EffectiveOn);

/// <summary>What a planned change does: the unit after it, the fields it changes, the events it publishes.</summary>
public sealed class UnitChange(Unit unit, bool created)
{
    public Unit Unit { get; } = unit;
    public bool Created { get; } = created;
    public List<FieldChange> Changes { get; } = [];
    public List<object> Events { get; } = [];

    /// <summary>Set when the unit moved: its path and level before, so the subtree below can follow.</summary>
    public string? OldPath { get; set; }
    public bool Changed => Created || Changes.Count > 0;

    /// <summary>Why, when the caller said (a dissolution's reason): kept with the revision.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// The rules of the tree, applied to units in memory: which kind may sit under which, whom a unit answers
/// to, no cycles, nothing under a dissolved parent, no back-dated change. The same rules serve a single
/// call and a 50,000-row import; the caller loads what the rules need (<see cref="UnitSet"/>) and saves
/// what they produce.
/// </summary>
public sealed class UnitPlanner(UnitSet units, DateOnly today)
{
    public UnitChange Register(UnitDraft draft)
    {
        var errors = new List<FieldError>();
        if (units.Find(draft.Code) is { } existing)
            throw new AlreadyExistsException(existing.DissolvedOn is null
                ? Say.T($"单位 {draft.Code}（{existing.Name}）已存在。", $"Unit {draft.Code} ({existing.Name}) exists already.")
                : Say.T($"单位代码 {draft.Code} 曾属于 {existing.Name}（已于 {Dates.Write(existing.DissolvedOn)} 撤销）；单位代码不得重复使用。",
                    $"Unit code {draft.Code} belonged to {existing.Name}, dissolved on {Dates.Write(existing.DissolvedOn)}; codes are not reused."));
        var parent = CheckParent(draft.Code, draft.Kind, draft.ParentCode, draft.EffectiveOn, errors);
        var superior = CheckVerticalSuperior(draft.Kind, parent, draft.VerticalSuperiorCode, draft.EffectiveOn, errors);
        if (draft.ProvinceDirect && draft.Kind != UnitKind.County)
            errors.Add(new("province_direct", Say.T("只有县才能实行省直管", "only a county can be province-direct")));
        CheckNotFuture(draft.EffectiveOn, errors);
        ThrowIfAny(errors);

        var unit = new Unit
        {
            Code = draft.Code,
            Name = draft.Name.Trim(),
            Kind = draft.Kind,
            ParentCode = parent?.Code,
            ProvinceDirect = draft.ProvinceDirect,
            VerticalSuperiorCode = superior?.Code,
            Path = parent is null ? draft.Code : parent.Path + "/" + draft.Code,
            PinyinInitials = Pinyin.Initials(draft.Name),
            EstablishedOn = draft.EffectiveOn,
            EffectiveFrom = draft.EffectiveOn,
        };
        unit.Level = LevelOf(unit.Kind, parent);
        unit.AnswersToCode = AnswersTo(unit, parent);
        units.Add(unit);
        var change = new UnitChange(unit, created: true);
        change.Events.Add(new UnitRegistered(unit.Code, unit.Name, unit.Kind, unit.Level ?? default, unit.ParentCode,
            unit.AnswersToCode, unit.ProvinceDirect, unit.VerticalSuperiorCode, draft.EffectiveOn));
        return change;
    }

    public UnitChange Update(UnitPatch patch)
    {
        var unit = units.Find(patch.Code) ?? throw new NotFoundException(Say.T($"单位 {patch.Code} 不存在。", $"No unit {patch.Code}."));
        var change = new UnitChange(unit, created: false);
        var errors = new List<FieldError>();

        var name = patch.Name?.Trim() ?? unit.Name;
        var parentCode = patch.ParentCode ?? unit.ParentCode;
        var provinceDirect = patch.ProvinceDirect ?? unit.ProvinceDirect;
        var superiorCode = patch.VerticalSuperiorCode is null ? unit.VerticalSuperiorCode
            : patch.VerticalSuperiorCode.Length == 0 ? null : patch.VerticalSuperiorCode;
        var moving = parentCode != unit.ParentCode;
        var reflagging = provinceDirect != unit.ProvinceDirect;
        var renaming = name != unit.Name;
        var superiorChanging = superiorCode != unit.VerticalSuperiorCode;
        if (!moving && !reflagging && !renaming && !superiorChanging) return change;
        if (unit.DissolvedOn is { } gone)
            throw new DomainRuleException(Say.T($"单位 {unit.Code}（{unit.Name}）已于 {Dates.Write(gone)} 撤销，不能再变更。",
                $"Unit {unit.Code} ({unit.Name}) was dissolved on {Dates.Write(gone)}; it cannot change."));
        CheckNotFuture(patch.EffectiveOn, errors);

        if (patch.EffectiveOn < unit.EffectiveFrom)
            errors.Add(new("effective_on", Say.T($"不得早于该单位现行记录的生效日期（{Dates.Write(unit.EffectiveFrom)}）", $"must not be before {Dates.Write(unit.EffectiveFrom)}, when the unit's current record took effect")));
        var parent = moving ? CheckParent(unit.Code, unit.Kind, parentCode, patch.EffectiveOn, errors) : units.Find(unit.ParentCode);
        var superior = superiorChanging ? CheckVerticalSuperior(unit.Kind, parent, superiorCode, patch.EffectiveOn, errors) : null;
        if (provinceDirect && unit.Kind != UnitKind.County)
            errors.Add(new("province_direct", Say.T("只有县才能实行省直管", "only a county can be province-direct")));
        ThrowIfAny(errors);

        var before = (unit.Name, unit.ParentCode, unit.AnswersToCode, unit.ProvinceDirect, unit.VerticalSuperiorCode, unit.Level, unit.Path);
        unit.Name = name;
        unit.PinyinInitials = Pinyin.Initials(name);
        unit.ParentCode = parent?.Code;
        unit.ProvinceDirect = provinceDirect;
        unit.VerticalSuperiorCode = superiorChanging ? superior?.Code : unit.VerticalSuperiorCode;
        unit.Level = LevelOf(unit.Kind, parent);
        unit.AnswersToCode = AnswersTo(unit, parent);
        unit.EffectiveFrom = patch.EffectiveOn;
        if (moving)
        {
            unit.Path = parent is null ? unit.Code : parent.Path + "/" + unit.Code;
            change.OldPath = before.Path;
        }

        Record(change, "name", before.Name, unit.Name);
        Record(change, "parent_code", before.ParentCode, unit.ParentCode);
        Record(change, "province_direct", before.ProvinceDirect.ToString().ToLowerInvariant(), unit.ProvinceDirect.ToString().ToLowerInvariant());
        Record(change, "vertical_superior_code", before.VerticalSuperiorCode, unit.VerticalSuperiorCode);
        Record(change, "answers_to_code", before.AnswersToCode, unit.AnswersToCode);
        if (renaming) change.Events.Add(new UnitRenamed(unit.Code, before.Name, unit.Name, patch.EffectiveOn));
        if (moving || before.AnswersToCode != unit.AnswersToCode || reflagging || superiorChanging)
            change.Events.Add(new UnitMoved(unit.Code, before.ParentCode, unit.ParentCode, before.AnswersToCode, unit.AnswersToCode,
                unit.ProvinceDirect, unit.VerticalSuperiorCode, patch.EffectiveOn));
        return change;
    }

    /// <summary>
    /// Dissolves a unit from <paramref name="on"/>. <paramref name="blockers"/> are what still runs in it on that
    /// day (units under it, terms, a commission), described for the caller in the caller's language; there must be none.
    /// </summary>
    public UnitChange Dissolve(string code, DateOnly on, string? reason, IReadOnlyList<string> blockers)
    {
        var unit = units.Find(code) ?? throw new NotFoundException(Say.T($"单位 {code} 不存在。", $"No unit {code}."));
        if (unit.DissolvedOn is { } gone)
            throw new DomainRuleException(Say.T($"单位 {unit.Code}（{unit.Name}）已于 {Dates.Write(gone)} 撤销。",
                $"Unit {unit.Code} ({unit.Name}) was dissolved on {Dates.Write(gone)} already."));
        if (on <= unit.EffectiveFrom)
            throw new RequestValidationException("effective_on", Say.T($"必须晚于该单位现行记录的生效日期（{Dates.Write(unit.EffectiveFrom)}）",
                $"must be after {Dates.Write(unit.EffectiveFrom)}, when the unit's current record took effect"));
        var errors = new List<FieldError>();
        CheckNotFuture(on, errors);
        ThrowIfAny(errors);
        if (blockers.Count > 0)
            throw new DomainRuleException(Say.T($"单位 {unit.Code}（{unit.Name}）在 {Dates.Write(on)} 仍有{string.Join("、", blockers)}；请先调整、结束或撤销。",
                $"Unit {unit.Code} ({unit.Name}) still has {string.Join("; ", blockers)} on {Dates.Write(on)}; move, end or dissolve them first."));
        unit.DissolvedOn = on;
        unit.EffectiveFrom = on;
        var change = new UnitChange(unit, created: false) { Reason = reason };
        Record(change, "dissolved_on", null, Dates.Write(on));
        change.Events.Add(new UnitDissolved(unit.Code, on, reason));
        return change;
    }

    private Unit? CheckParent(string code, UnitKind kind, string? parentCode, DateOnly on, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(parentCode))
        {
            if (kind != UnitKind.Province) errors.Add(new("parent_code", Say.T($"{kind} 类单位须有上级单位", $"a {kind} unit needs a parent")));
            else if (units.OtherRoot(code) is { } root) errors.Add(new("kind", Say.T($"组织机构库只收录一个省的单位树，其根为 {root.Code}（{root.Name}）", $"the registry holds one province's tree, under {root.Code} ({root.Name})")));
            return null;
        }
        if (kind == UnitKind.Province)
        {
            errors.Add(new("parent_code", Say.T("省是单位树的根，没有上级单位", "a province is the root of its tree and has no parent")));
            return null;
        }
        var parent = units.Find(parentCode);
        if (parent is null)
        {
            errors.Add(new("parent_code", Say.T($"单位 {parentCode} 不存在", $"no unit {parentCode}")));
            return null;
        }
        if (parent.DissolvedOn is not null)
            errors.Add(new("parent_code", Say.T($"{parent.Code}（{parent.Name}）已于 {Dates.Write(parent.DissolvedOn)} 撤销", $"{parent.Code} ({parent.Name}) was dissolved on {Dates.Write(parent.DissolvedOn)}")));
        if (!MaySitUnder(kind, parent.Kind))
            errors.Add(new("parent_code", Say.T($"{kind} 类单位不能隶属于 {parent.Kind} 类单位 {parent.Code}（{parent.Name}）", $"a {kind} cannot sit under {parent.Code} ({parent.Name}), a {parent.Kind}")));
        if (units.IsSelfOrAncestor(code, parent))
            errors.Add(new("parent_code", Say.T($"{parent.Code}（{parent.Name}）位于 {code} 之下：此调整将形成循环", $"{parent.Code} ({parent.Name}) lies under {code}: the move would make a cycle")));
        return parent;
    }

    private Unit? CheckVerticalSuperior(UnitKind kind, Unit? parent, string? superiorCode, DateOnly on, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(superiorCode)) return null;
        var superior = units.Find(superiorCode);
        if (superior is null)
        {
            errors.Add(new("vertical_superior_code", Say.T($"单位 {superiorCode} 不存在", $"no unit {superiorCode}")));
            return null;
        }
        if (!kind.IsOrgan() || !superior.Kind.IsOrgan())
            errors.Add(new("vertical_superior_code", Say.T("只有机构才能属于垂直管理系统，其上级也须是机构", "only an organ can belong to a vertical system, under another organ")));
        else if (superior.DissolvedOn is not null)
            errors.Add(new("vertical_superior_code", Say.T($"{superior.Code}（{superior.Name}）已于 {Dates.Write(superior.DissolvedOn)} 撤销", $"{superior.Code} ({superior.Name}) was dissolved on {Dates.Write(superior.DissolvedOn)}")));
        else if (LevelOf(kind, parent) is { } level && superior.Level is { } upper && upper >= level)
            errors.Add(new("vertical_superior_code", Say.T($"{superior.Code}（{superior.Name}）的层级不高于该单位", $"{superior.Code} ({superior.Name}) is not at a higher level than the unit")));
        return superior;
    }

    /// <summary>Which kind of unit may sit directly under which.</summary>
    public static bool MaySitUnder(UnitKind kind, UnitKind parent) => kind switch
    {
        UnitKind.Province => false,
        UnitKind.StatisticalGrouping => parent == UnitKind.Province,
        UnitKind.City => parent is UnitKind.Province or UnitKind.StatisticalGrouping,
        UnitKind.County => parent is UnitKind.City or UnitKind.StatisticalGrouping,
        UnitKind.Township => parent is UnitKind.County or UnitKind.City,
        UnitKind.Village => parent == UnitKind.Township,
        _ => parent != UnitKind.StatisticalGrouping,
    };

    public static UnitLevel? LevelOf(UnitKind kind, Unit? parent) => kind switch
    {
        UnitKind.Province => UnitLevel.Province,
        UnitKind.City => UnitLevel.City,
        UnitKind.County => UnitLevel.County,
        UnitKind.Township => UnitLevel.Township,
        UnitKind.Village => UnitLevel.Village,
        UnitKind.StatisticalGrouping => null,
        _ => parent?.Level,
    };

    /// <summary>
    /// Whom a unit answers to in this system (not in the statistics): a province-direct county, and a county-level
    /// unit under a statistical grouping, answer to the province (省直管县: the province's administrative arrangement, not Art. 42); an organ answers to its jurisdiction
    /// (属地管理, Art. 4); every other jurisdiction to its parent.
    /// </summary>
    private string? AnswersTo(Unit unit, Unit? parent)
    {
        if (parent is null || unit.Kind == UnitKind.StatisticalGrouping) return null;
        if (unit.Kind.IsOrgan()) return parent.Kind.IsJurisdiction() ? parent.Code : parent.AnswersToCode;
        if (unit.Kind == UnitKind.County && unit.ProvinceDirect) return units.NearestProvince(parent)?.Code;
        return parent.Kind == UnitKind.StatisticalGrouping ? parent.ParentCode : parent.Code;
    }

    /// <summary>
    /// The current record is the unit as it stands today: a change dated in the future would show early, so it
    /// is refused; record it on the day it takes effect.
    /// </summary>
    private void CheckNotFuture(DateOnly on, List<FieldError> errors)
    {
        if (on > today) errors.Add(new("effective_on", Say.T($"不得晚于今天（{Dates.Write(today)}）；请在变更生效当日登记", $"must not be after today ({Dates.Write(today)}); record a change on the day it takes effect")));
    }

    private static void Record(UnitChange change, string field, string? before, string? after)
    {
        if (before != after) change.Changes.Add(new FieldChange { Field = field, Before = before ?? "", After = after ?? "" });
    }

    private static void ThrowIfAny(List<FieldError> errors)
    {
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }
}
