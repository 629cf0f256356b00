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
public static class Lockout
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);
}
