using Pingan.Registry.Contracts;
using Api = Pingan.Registry.Api;

namespace Pingan.Registry.Units;

/// <summary>Between the domain's enums and records and the API's messages.</summary>
public static class UnitMapping
{
    public static Api.Unit ToApi(this Unit u) => u.Snapshot(default).ToApi(u.PinyinInitials);

    public static Api.Unit ToApi(this UnitRevision r, string pinyinInitials) => new()
    {
        Code = r.Code,
        Name = r.Name,
        Kind = (Api.UnitKind)(int)r.Kind,
        Level = r.Level is { } l ? (Api.UnitLevel)(int)l : Api.UnitLevel.Unspecified,
        ParentCode = r.ParentCode ?? "",
        AnswersToCode = r.AnswersToCode ?? "",
        ProvinceDirect = r.ProvinceDirect,
        VerticalSuperiorCode = r.VerticalSuperiorCode ?? "",
        EffectiveFrom = Dates.Write(r.ValidFrom),
        DissolvedOn = Dates.Write(r.DissolvedOn),
        PinyinInitials = pinyinInitials,
    };

    public static UnitKind ToDomain(this Api.UnitKind kind) => (UnitKind)(int)kind;

    public static UnitLevel ToDomain(this Api.UnitLevel level) => (UnitLevel)(int)level;

    public static bool IsDefined(this Api.UnitKind kind) => kind != Api.UnitKind.Unspecified && Enum.IsDefined(kind);

    /// <summary>"province", "party_committee", "PartyCommittee", "PARTY_COMMITTEE" all name the same kind.</summary>
    public static bool TryParseKind(string? text, out UnitKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var key = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse(key, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(key, out _);
    }
}
