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

    /// <summary>Base32 TOTP secret (RFC 6238), sealed; every person signs in with it (issue 11).</summary>
    public string? TotpSecret { get; set; }
    /// <summary>The TOTP time step last accepted: a code is good once.</summary>
    public long LastTotpStep { get; set; }
    /// <summary>Failed sign-ins from any address since the last successful one (issue 11: the person is told of them).</summary>
    public int FailedAttempts { get; set; }
    /// <summary>What to tell the person at their next sign-in (failed attempts against their account).</summary>
    public string? Notice { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Why and by whom the account was last disabled or enabled.</summary>
    public string? DisabledReason { get; set; }
    /// <summary>
    /// Every token of the account issued before this instant is refused, by the identity service and, through its
    /// revocation list, by every service (issue 11): set when the account is disabled.
    /// </summary>
    public DateTimeOffset? TokensRevokedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Neither disabled nor locked at <paramref name="now"/>: the account may hold a session and get tokens.</summary>
    public bool IsUsable(DateTimeOffset now) => !Disabled && !(LockedUntil > now);
}

/// <summary>The roles of the platform are <see cref="Pingan.Security.PinganRoles"/>; which of them sign in with two factors.</summary>
public static class Roles
{
    /// <summary>
    /// 等保 level 3: every person signs in with a second factor, whatever their roles (issue 11; an auditor reads
    /// everyone's actions, an organisation liaison changes leaders' records). Department systems use client
    /// credentials, not this page.
    /// </summary>
    public static bool NeedsSecondFactor(IEnumerable<string> roles) => true;
}
