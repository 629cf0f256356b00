using System.Text.Json.Serialization;

namespace Pingan.Registry.Contracts;

/// <summary>What a unit is: a jurisdiction of the administrative tree, or an organ or unit of one (Art. 2, 43).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnitKind>))]
public enum UnitKind
{
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
    /// <summary>A statistical grouping such as 省直辖县级行政区划: in the tree, answerable for nothing.</summary>
    StatisticalGrouping = 6,
    PartyCommittee = 20,
    Government = 21,
    PeoplesCongress = 22,
    Cppcc = 23,
    Court = 24,
    Procuratorate = 25,
    Department = 26,
    CommissionOffice = 27,
    PeoplesOrganisation = 40,
    PublicInstitution = 41,
    StateOwnedEnterprise = 42,
}

/// <summary>The tier of the jurisdiction tree a unit sits at; an organ has its jurisdiction's level.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnitLevel>))]
public enum UnitLevel
{
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
}

/// <summary>A leader's responsibility role in a leadership team.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LeadershipRole>))]
public enum LeadershipRole
{
    /// <summary>主要负责同志, the first responsible person (Art. 9).</summary>
    Principal = 1,
    /// <summary>分管负责同志, the directly responsible person (Art. 10).</summary>
    InCharge = 2,
    /// <summary>其他成员, responsible within their own portfolio (一岗双责, Art. 11).</summary>
    DualDuty = 3,
}

public static class UnitKinds
{
    public static bool IsJurisdiction(this UnitKind kind) => kind <= UnitKind.StatisticalGrouping;

    public static bool IsOrgan(this UnitKind kind) => kind >= UnitKind.PartyCommittee;

    /// <summary>People's organisations, public institutions and state-owned enterprises apply the measures by reference (Art. 2 ¶2).</summary>
    public static bool AppliesByReference(this UnitKind kind) => kind >= UnitKind.PeoplesOrganisation;
}
