using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Contracts;
using Pingan.Registry.Persistence;

namespace Pingan.Registry.Units;

/// <summary>
/// The units a change needs, in memory (not tracked: <see cref="UnitWriter"/> saves what changed): all of them
/// for an import, or the named ones with their ancestors for a single call.
/// </summary>
public sealed class UnitSet
{
    private readonly Dictionary<string, Unit> _units = new(StringComparer.Ordinal);

    private UnitSet(IEnumerable<Unit> units)
    {
        foreach (var u in units) _units[u.Code] = u;
    }

    public static async Task<UnitSet> LoadAllAsync(RegistryDb db, CancellationToken ct) =>
        new(await db.Units.AsNoTracking().ToListAsync(ct));

    /// <summary>The named units (those that exist), every ancestor of each, and the root.</summary>
    public static async Task<UnitSet> LoadAsync(RegistryDb db, IEnumerable<string?> codes, CancellationToken ct)
    {
        var wanted = codes.Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).Distinct().ToArray();
        var named = await db.Units.AsNoTracking().Where(u => wanted.Contains(u.Code) || u.ParentCode == null).ToListAsync(ct);
        var ancestors = named.SelectMany(u => u.Path.Split('/')[..^1]).Except(wanted).Distinct().ToArray();
        var above = ancestors.Length == 0 ? [] : await db.Units.AsNoTracking().Where(u => ancestors.Contains(u.Code)).ToListAsync(ct);
        return new UnitSet(named.Concat(above));
    }

    /// <summary>
    /// The root of the tree other than <paramref name="code"/>: the registry holds one province's tree, so that a
    /// province-level account sees every unit and nothing of another tree.
    /// </summary>
    public Unit? OtherRoot(string code) => _units.Values.FirstOrDefault(u => u.ParentCode is null && u.Code != code && u.DissolvedOn is null);

    public Unit? Find(string? code) => code is not null && _units.TryGetValue(code, out var u) ? u : null;

    public void Add(Unit unit) => _units.Add(unit.Code, unit);

    /// <summary>True when <paramref name="code"/> is <paramref name="unit"/> or one of its ancestors, by parent links.</summary>
    public bool IsSelfOrAncestor(string code, Unit unit)
    {
        for (var u = unit; u is not null; u = Find(u.ParentCode))
            if (u.Code == code) return true;
        return false;
    }

    /// <summary>The unit's path from its parent links as they are now in memory (after every move of a batch).</summary>
    public string PathOf(Unit unit)
    {
        var codes = new List<string>();
        for (var u = unit; u is not null && codes.Count < 64; u = Find(u.ParentCode)) codes.Add(u.Code);
        codes.Reverse();
        return string.Join('/', codes);
    }

    public Unit? NearestProvince(Unit? unit)
    {
        for (var u = unit; u is not null; u = Find(u.ParentCode))
            if (u.Kind == UnitKind.Province) return u;
        return null;
    }
}
