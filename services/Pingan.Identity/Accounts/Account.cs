namespace Pingan.Identity.Accounts;

/// <summary>A person's account, tied to a unit of the registry and so to a jurisdiction.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }

    /// <summary>The registry unit the person works for (e.g. 410102000000-PLC, a county's commission office).</summary>
    public required string UnitCode { get; set; }

    /// <summary>The jurisdiction the person acts for: everything they may see lies in or below it.</summary>
    public required string JurisdictionCode { get; set; }
    public string[] Roles { get; set; } = [];

    /// <summary>Base32 TOTP secret (RFC 6238); required for office and leader roles.</summary>
    public string? TotpSecret { get; set; }
    /// <summary>The TOTP time step last accepted: a code is good once.</summary>
    public long LastTotpStep { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The roles of the platform (issue 4); services decide what each may do.</summary>
public static class Roles
{
    public const string CommissionOffice = "commission-office";
    public const string CommissionLeader = "commission-leader";
    public const string MemberUnitLiaison = "member-unit-liaison";
    public const string Inspector = "inspector";
    public const string DisciplineLiaison = "discipline-liaison";
    public const string OrganisationLiaison = "organisation-liaison";
    public const string PersonnelLiaison = "personnel-liaison";
    public const string Auditor = "auditor";
    public const string Operator = "operator";

    public static readonly string[] All =
        [CommissionOffice, CommissionLeader, MemberUnitLiaison, Inspector, DisciplineLiaison, OrganisationLiaison, PersonnelLiaison, Auditor, Operator];

    /// <summary>等保 level 3: those who run and decide cases sign in with a second factor.</summary>
    public static bool NeedsSecondFactor(IEnumerable<string> roles) => roles.Any(r => r is CommissionOffice or CommissionLeader);
}
