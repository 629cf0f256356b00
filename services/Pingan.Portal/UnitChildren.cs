using Grpc.Core;
using Pingan.Registry.Api;

namespace Pingan.Portal;

/// <summary>A unit's children as the pages show them: the organs of its own level, then the jurisdictions one level down (not their organs).</summary>
public static class UnitChildren
{
    public static async Task<List<Unit>> ReadAsync(Units.UnitsClient units, Unit unit, Metadata headers)
    {
        var organs = units.ListDescendantsAsync(new ListDescendantsRequest { Code = unit.Code, Level = unit.Level, PageSize = 1000 }, headers).ResponseAsync;
        var lower = Enum.IsDefined(unit.Level + 1)
            ? units.ListDescendantsAsync(new ListDescendantsRequest
                {
                    Code = unit.Code, Level = unit.Level + 1, PageSize = 1000,
                    Kinds = { UnitKind.City, UnitKind.County, UnitKind.Township, UnitKind.Village, UnitKind.StatisticalGrouping },
                }, headers).ResponseAsync
            : Task.FromResult(new UnitPage());
        await Task.WhenAll(organs, lower);
        return [.. (await organs).Units.Concat((await lower).Units).Where(x => x.ParentCode == unit.Code)];
    }

    /// <summary>The organs of a jurisdiction's own level (its party committee, government, departments), by code.</summary>
    public static async Task<List<Unit>> OrgansAsync(Units.UnitsClient units, string code, Metadata headers)
    {
        var own = await units.GetUnitAsync(new GetUnitRequest { Code = code }, headers);
        return [.. (await units.ListDescendantsAsync(new ListDescendantsRequest { Code = code, Level = own.Level, PageSize = 1000 }, headers))
            .Units.Where(u => u.ParentCode == code).OrderBy(u => u.Code, StringComparer.Ordinal)];
    }

    /// <summary>The jurisdictions one level below a jurisdiction (a city's counties), by code.</summary>
    public static async Task<List<Unit>> LowerAsync(Units.UnitsClient units, string code, Metadata headers)
    {
        var own = await units.GetUnitAsync(new GetUnitRequest { Code = code }, headers);
        if (!Enum.IsDefined(own.Level + 1)) return [];
        var page = await units.ListDescendantsAsync(new ListDescendantsRequest
        {
            Code = code, Level = own.Level + 1, PageSize = 1000,
            Kinds = { UnitKind.City, UnitKind.County, UnitKind.Township },
        }, headers);
        return [.. page.Units.Where(u => u.ParentCode == code).OrderBy(u => u.Code, StringComparer.Ordinal)];
    }
}
