using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OtpNet;
using Pingan.Audit;
using Pingan.Identity.Keys;
using Pingan.Identity.Persistence;
using Pingan.Identity.Seed;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Identity.Accounts;

/// <summary>
/// Issue 16: a production installation's first accounts and systems, from the operators' Kubernetes Secret (the chart's
/// <c>identity-bootstrap</c> Job runs <c>bootstrap</c> after each install and upgrade). Configuration:
/// <list type="bullet">
/// <item><c>Identity:Bootstrap:Operators:{userName}:{DisplayName,Unit,Jurisdiction,Password,TotpSecret}</c>: an operator
/// account, created when missing and never changed afterwards (its person changes the password; a later run keeps it);</item>
/// <item><c>Identity:Bootstrap:Clients:{clientId}:{Secret,DisplayName,Unit,Jurisdiction,Roles}</c>: a department's
/// system (client credentials), registered when missing and updated when its entry changes (a secret rotated by a new
/// Secret and an upgrade).</item>
/// </list>
/// The command-line client (<c>pingan-cli</c>, authorization code with PKCE) is registered too. Every entry is checked
/// before anything is written, and every bad field is named; a bad entry writes nothing. Each change is audited.
/// </summary>
internal sealed class BootstrapStep(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<BootstrapStep> logger) : IServiceStep
{
    public const string Section = "Identity:Bootstrap";

    public string Name => "bootstrap";

    private static readonly HashSet<string> KnownRoles = typeof(PinganRoles).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    private sealed record OperatorEntry(string UserName, string DisplayName, string Unit, string Jurisdiction, string Password, string TotpSecret);

    private sealed record ClientEntry(string ClientId, string Secret, string DisplayName, string Unit, string Jurisdiction, string[] Roles);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (operators, clients) = Read();
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<IdentityDb>();
        var hasher = services.GetRequiredService<IPasswordHasher<Account>>();
        var sealer = services.GetRequiredService<SecretSealer>();
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        var audit = services.GetRequiredService<IAuditTrail>();
        var time = services.GetRequiredService<TimeProvider>();

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var o in operators)
        {
            if (await db.Accounts.AnyAsync(a => a.UserName == o.UserName, cancellationToken))
            {
                logger.LogInformation("Operator account {UserName} exists: kept as it is", o.UserName);
                continue;
            }
            var account = new Account
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()), UserName = o.UserName, DisplayName = o.DisplayName, PasswordHash = "", UnitCode = o.Unit,
                JurisdictionCode = o.Jurisdiction, Roles = [PinganRoles.Operator], TotpSecret = sealer.Seal(o.TotpSecret), CreatedAt = time.GetUtcNow(),
            };
            account.PasswordHash = hasher.HashPassword(account, o.Password);
            db.Accounts.Add(account);
            await db.SaveChangesAsync(cancellationToken);
            await audit.RecordAsync(new AuditRecord("bootstrap/operator", $"account/{o.UserName}",
                Detail: JsonSerializer.Serialize(new { created = true, unit = o.Unit, jurisdiction = o.Jurisdiction, roles = account.Roles })), cancellationToken);
            logger.LogInformation("Operator account {UserName} created", o.UserName);
        }
        foreach (var c in clients)
        {
            var descriptor = SystemClients.Descriptor(c.ClientId, c.Secret, c.DisplayName, c.Unit, c.Jurisdiction, c.Roles);
            var known = await applications.FindByClientIdAsync(c.ClientId, cancellationToken);
            if (known is null) await applications.CreateAsync(descriptor, cancellationToken);
            else await applications.UpdateAsync(known, descriptor, cancellationToken);
            await audit.RecordAsync(new AuditRecord(known is null ? "bootstrap/client-register" : "bootstrap/client-update", $"client/{c.ClientId}",
                Detail: JsonSerializer.Serialize(new { unit = c.Unit, jurisdiction = c.Jurisdiction, roles = c.Roles })), cancellationToken);
            logger.LogInformation("Department system {ClientId} {Change}", c.ClientId, known is null ? "registered" : "updated");
        }
        if (await applications.FindByClientIdAsync(DemoAccounts.CliClientId, cancellationToken) is null)
        {
            await applications.CreateAsync(DemoAccounts.CliClient(), cancellationToken);
            await audit.RecordAsync(new AuditRecord("bootstrap/client-register", $"client/{DemoAccounts.CliClientId}", Detail: "{\"public\":true}"), cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Every entry, checked whole: one message naming every bad field, before anything is written.</summary>
    private (List<OperatorEntry> Operators, List<ClientEntry> Clients) Read()
    {
        var errors = new List<string>();
        var section = configuration.GetSection(Section);
        string Field(IConfigurationSection entry, string name, Func<string, string?>? check = null)
        {
            var value = entry[name]?.Trim() ?? "";
            var path = $"{Section}:{entry.Path[(Section.Length + 1)..]}:{name}";
            if (value.Length == 0) errors.Add($"{path} is missing");
            else if (check?.Invoke(value) is { } problem) errors.Add($"{path} {problem}");
            return value;
        }
        static string? Code(string v) => v.Length <= 64 ? null : "is longer than 64 characters";

        var operators = section.GetSection("Operators").GetChildren().Select(e => new OperatorEntry(
            e.Key, Field(e, "DisplayName"), Field(e, "Unit", Code), Field(e, "Jurisdiction", Code), Field(e, "Password", PasswordPolicy.Violation),
            Field(e, "TotpSecret", TotpProblem))).ToList();
        foreach (var o in operators.Where(o => o.UserName.Length is < 3 or > 64))
            errors.Add($"{Section}:Operators:{o.UserName}: a user name is 3 to 64 characters");
        var clients = section.GetSection("Clients").GetChildren().Select(e => new ClientEntry(
            e.Key, Field(e, "Secret", v => v.Length >= 24 ? null : "must be at least 24 characters"), Field(e, "DisplayName"), Field(e, "Unit", Code),
            Field(e, "Jurisdiction", Code),
            Field(e, "Roles", v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is var roles && roles.Length > 0 && roles.All(KnownRoles.Contains)
                ? null : $"must name roles of the platform ({string.Join(", ", KnownRoles.Order())}), comma-separated")
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))).ToList();
        foreach (var c in clients.Where(c => c.ClientId.StartsWith("pingan-", StringComparison.Ordinal)))
            errors.Add($"{Section}:Clients:{c.ClientId}: pingan-* are the platform's own clients, not a department's system");
        if (errors.Count > 0)
            throw new InvalidOperationException("The bootstrap entries are not valid; nothing was written:\n  " + string.Join("\n  ", errors));
        if (operators.Count == 0 && clients.Count == 0)
            logger.LogWarning("No {Section}:Operators or {Section}:Clients entries: only the command-line client is registered", Section, Section);
        return (operators, clients);
    }

    /// <summary>A base32 TOTP secret of at least 160 bits (RFC 4226's recommendation), as an authenticator app enrols it.</summary>
    private static string? TotpProblem(string secret)
    {
        try
        {
            return Base32Encoding.ToBytes(secret).Length >= 20 ? null : "must be at least 160 bits (32 base32 characters)";
        }
        catch (ArgumentException)
        {
            return "is not base32";
        }
    }
}
