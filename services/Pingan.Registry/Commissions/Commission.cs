namespace Pingan.Registry.Commissions;

/// <summary>
/// The commission of a level: a 综治委, or since the 2018 reform a Ping'an-building leading group. Its
/// name, office and member units are data. A jurisdiction has at most one at a time; a reform establishes
/// the next one, which ends the previous.
/// </summary>
public sealed class Commission
{
    public Guid Id { get; set; }
    public required string JurisdictionCode { get; set; }
    public required string Name { get; set; }
    public string? OfficeUnitCode { get; set; }
    public DateOnly EstablishedOn { get; set; }

    /// <summary>The first day it no longer exists.</summary>
    public DateOnly? DissolvedOn { get; set; }
    public List<CommissionMemberUnit> MemberUnits { get; set; } = [];
    public List<CommissionMember> Members { get; set; } = [];

    public bool ExistsOn(DateOnly day) => EstablishedOn <= day && (DissolvedOn is null || DissolvedOn > day);
}

/// <summary>成员单位: a department that sits on the commission, for a period.</summary>
public sealed class CommissionMemberUnit
{
    public long Id { get; set; }
    public Guid CommissionId { get; set; }
    public required string UnitCode { get; set; }
    public DateOnly JoinedOn { get; set; }

    /// <summary>The first day it no longer sits on the commission.</summary>
    public DateOnly? LeftOn { get; set; }

    public bool SitsOn(DateOnly day) => JoinedOn <= day && (LeftOn is null || LeftOn > day);
}

/// <summary>委员: a person on the commission (director, deputy, member), usually for a member unit.</summary>
public sealed class CommissionMember
{
    public long Id { get; set; }
    public Guid CommissionId { get; set; }
    public Guid LeaderId { get; set; }
    public required string Position { get; set; }
    public string? MemberUnitCode { get; set; }
    public DateOnly StartsOn { get; set; }

    /// <summary>The last day (inclusive).</summary>
    public DateOnly? EndsOn { get; set; }

    public bool ServesOn(DateOnly day) => StartsOn <= day && (EndsOn is null || EndsOn >= day);
}
