namespace Pingan.Identity.Accounts;

/// <summary>At least 12 characters from at least three of: upper case, lower case, digits, symbols.</summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;

    public static string? Violation(string password)
    {
        if (password.Length < MinimumLength) return $"must be at least {MinimumLength} characters";
        var classes = new[] { password.Any(char.IsUpper), password.Any(char.IsLower), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }.Count(x => x);
        return classes < 3 ? "must mix at least three of upper case, lower case, digits and symbols" : null;
    }
}

/// <summary>After five wrong passwords or codes in a row, the account waits fifteen minutes.</summary>
/// <summary>
/// Issue 11: failures lock an account only for the address they came from (five, for fifteen minutes), so nobody
/// can lock a person out from elsewhere; failures from anywhere are also counted on the account, and from the
/// tenth since its last sign-in the person is told at their next sign-in (and the audit trail says so).
/// </summary>
public static class Lockout
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);
    public const int NoticeAfter = 10;
}

/// <summary>Failed sign-ins of one account from one client address (behind trusted proxies: the forwarded one).</summary>
public sealed class SignInLock
{
    public Guid AccountId { get; set; }
    public required string Address { get; set; }
    public int Failures { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}
