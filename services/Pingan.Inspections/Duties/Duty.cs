using Pingan.Evidence;

namespace Pingan.Inspections.Duties;

public enum DutyParty { MemberUnit = 1, CommissionMember = 2, Commission = 3, PrincipalLeaders = 4, StandingCommittee = 5 }

/// <summary>One duty of a year's schedule: what is owed, by whom, when, under which article (data the province sets).</summary>
public sealed class DutyRule
{
    public int Year { get; set; }
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public required string Article { get; set; }
    public DutyParty Party { get; set; }
    /// <summary>Due days as MM-DD.</summary>
    public string[] DueDates { get; set; } = [];
    public bool ToCommissionAbove { get; set; }
    public DateTimeOffset SetAt { get; set; }
    public string SetBy { get; set; } = "";
    public string Reason { get; set; } = "";
}

/// <summary>
/// One row of the compliance calendar: a duty of one party, due on one day. <see cref="ScopeChain"/> is the chain of the
/// jurisdiction it lies in (lists and counts "within a unit"); <see cref="CityCode"/> and <see cref="CountyCode"/> are its
/// city and county on that chain, for the province's overview.
/// </summary>
public sealed class ReportingDuty
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public required string Article { get; set; }
    public DutyParty Party { get; set; }
    public required string PartyCode { get; set; }
    public required string PartyName { get; set; }
    /// <summary>Who submits: the member unit, the member's unit, or the jurisdiction (through its office).</summary>
    public required string UnitCode { get; set; }
    public required string JurisdictionCode { get; set; }
    public required string RecipientCode { get; set; }
    public string[] ScopeChain { get; set; } = [];
    public string CityCode { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public DateOnly DueOn { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    /// <summary>The China date of <see cref="SubmittedAt"/>: on time when not after <see cref="DueOn"/>.</summary>
    public DateOnly? SubmittedOn { get; set; }
    public string SubmittedBy { get; set; } = "";
    public string Text { get; set; } = "";
    public string Form { get; set; } = "";
    public DateTimeOffset? MissedAt { get; set; }
}

public sealed class DutyDocument : StoredEvidence
{
    public Guid DutyId { get; set; }
}

/// <summary>
/// Art. 15 "工作信息随时报送": work information a member unit sent its commission, as it happened. No due day and no
/// light; the year's count per member unit is what an office (and the assessment) looks at.
/// </summary>
public sealed class WorkInformation
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public required string JurisdictionCode { get; set; }
    public string[] ScopeChain { get; set; } = [];
    public required string Title { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public required string SubmittedBy { get; set; }
}
