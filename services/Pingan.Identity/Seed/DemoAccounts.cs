using Pingan.Identity.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OtpNet;
using Pingan.Audit;
using Pingan.Identity.Accounts;
using Pingan.Identity.Endpoints;
using Pingan.Identity.Persistence;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Seed;

/// <summary>
/// The demo accounts of `./platform up` (README "Signing in"): office staff of the province, Zhengzhou and
/// 中原区, an auditor, a department system and the command-line client. Fictional; never in production.
/// </summary>
public sealed class DemoAccounts(
    IdentityDb db, IPasswordHasher<Account> hasher, IOpenIddictApplicationManager applications, IAuditTrail audit, TimeProvider time, SecretSealer sealer)
{
    public const string Password = "Pingan-Demo-2026";
    /// <summary>The version of this demo data set in the ledger; raise it when the people or systems change.</summary>
    public const int Version = 4; // 2: the operators' console system; 3: the organisation department's cadre officer; 4: the discipline and personnel systems
    public const string ClientSecret = "pingan-demo-client-secret";
    public const string CliRedirect = "http://127.0.0.1:8765/callback";

    public static readonly (string UserName, string Name, string Unit, string Jurisdiction, string[] Roles, string? Totp)[] People =
    [
        ("province.office", "省平安办 王建国", "410000000000-PLC", "410000000000", [PinganRoles.CommissionOffice], "PINGANPROVINCEDEMOTOTP234"),
        ("zhengzhou.office", "郑州市平安办 李海燕", "410100000000-PLC", "410100000000", [PinganRoles.CommissionOffice], "PINGANZHENGZHOUDEMOTOTP2"),
        ("zhongyuan.office", "中原区平安办 张志强", "410102000000-PLC", "410102000000", [PinganRoles.CommissionOffice], "PINGANZHONGYUANDEMOTOTP3"),
        // Decides for Zhengzhou's commission (a sanctions case's approval, Art. 33).
        ("zhengzhou.leader", "郑州市综治委副主任 周卫东", "410100000000-PLC", "410100000000", [PinganRoles.CommissionLeader], "PINGANZHENGZHOULEADER234"),
        // Decides for the province's commission (the yearly listing selection, Art. 35 ¶2; a city's case, Art. 33).
        ("province.leader", "省综治委副主任 孙志刚", "410000000000-PLC", "410000000000", [PinganRoles.CommissionLeader], "PINGANPROVINCELEADER2345"),
        ("province.auditor", "省平安办 审计员 赵静", "410000000000-PLC", "410000000000", [PinganRoles.Auditor], "PINGANAUDITORDEMOTOTP234"),
        // Consults a leader's archive before an appointment review, a promotion or an award (Art. 23), in the portal.
        ("province.organisation", "省委组织部干部一处 陈立新", "410000000000-ORG", "410000000000", [PinganRoles.OrganisationLiaison], "PINGANORGANISATIONTOTP23"),
    ];

    private static readonly (string ClientId, string Name, string Unit, string[] Roles)[] Systems =
    [
        // The departments' systems of the sandbox (docs/integration/README.md): feeds, referrals' outcomes, consultations.
        ("hn-organisation-system", "河南省委组织部干部信息系统", "410000000000-ORG", [PinganRoles.OrganisationLiaison]),
        ("hn-discipline-system", "河南省纪委监委案件管理系统", "410000000000-CDI", [PinganRoles.DisciplineLiaison]),
        ("hn-personnel-system", "河南省人力资源和社会保障厅人事信息系统", "410000000000-HRSS", [PinganRoles.PersonnelLiaison]),
        // ./platform up loads the letters' and sanctions' demo data through their APIs as this system of the provincial office.
        ("pingan-demo-loader", "省平安办演示数据", "410000000000-PLC", [PinganRoles.CommissionOffice, PinganRoles.CommissionLeader]),
        // The operators' console: disables and enables accounts (POST /admin/accounts/{userName}:disable).
        ("pingan-operations-console", "平台运维控制台", "410000000000-PLC", [PinganRoles.Operator]),
    ];

    /// <summary>The confidential demo systems, whose secret is <see cref="ClientSecret"/>.</summary>
    public static IEnumerable<string> SystemClientIds => Systems.Select(s => s.ClientId);

    /// <summary>Adds the demo accounts and systems that are missing; answers how many it added.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var added = 0;
        foreach (var p in People)
        {
            if (await db.Accounts.FirstOrDefaultAsync(a => a.UserName == p.UserName, ct) is { } known)
            {
                // Every person now has a second factor (issue 11): a demo account seeded before that gets its own.
                if (known.TotpSecret is null && p.Totp is not null) { known.TotpSecret = sealer.Seal(p.Totp); added++; }
                continue;
            }
            var account = new Account
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()), UserName = p.UserName, DisplayName = p.Name, PasswordHash = "",
                UnitCode = p.Unit, JurisdictionCode = p.Jurisdiction, Roles = p.Roles, TotpSecret = p.Totp is null ? null : sealer.Seal(p.Totp), CreatedAt = time.GetUtcNow(),
            };
            account.PasswordHash = hasher.HashPassword(account, Password);
            db.Accounts.Add(account);
            added++;
        }
        await db.SaveChangesAsync(ct);

        // Department systems sign in with client credentials; the demo secret is ClientSecret.
        foreach (var (clientId, name, unit, roles) in Systems)
        {
            if (await applications.FindByClientIdAsync(clientId, ct) is not null) continue;
            var system = SystemClients.Descriptor(clientId, ClientSecret, name, unit, "410000000000", roles);
            await applications.CreateAsync(system, ct);
            added++;
        }
        if (await applications.FindByClientIdAsync(CliClientId, ct) is null)
        {
            await applications.CreateAsync(CliClient(), ct);
            added++;
        }
        if (added > 0) await audit.RecordAsync(new AuditRecord("seed-demo/accounts", "accounts", Detail: $"{{\"added\":{added}}}"), ct);
        await tx.CommitAsync(ct);
        return added;
    }

    public const string CliClientId = "pingan-cli";

    /// <summary>The command-line client: a public client, authorization code with PKCE, refresh tokens (demo and production alike).</summary>
    public static OpenIddictApplicationDescriptor CliClient() => new()
    {
        ClientId = CliClientId,
        ClientType = ClientTypes.Public,
        DisplayName = "Pingan command line",
        RedirectUris = { new Uri(CliRedirect) },
        Permissions =
        {
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            Permissions.Prefixes.Scope + PinganClaims.Scope, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
        },
        Requirements = { Requirements.Features.ProofKeyForCodeExchange },
    };

    public string CurrentCode(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(time.GetUtcNow().UtcDateTime);
}

internal sealed class DemoAccountsStep(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DemoAccountsStep> logger) : IServiceStep
{
    public string Name => "seed-demo";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!DemoCredentialGuard.Allowed(configuration))
            throw new InvalidOperationException("seed-demo creates the demo accounts and their fixed secrets: it runs only where Identity:DemoAccounts=true " +
                "(./platform up, or a staging installation with demoData), never in production.");
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        // Loaded once (issue 19): a later start leaves the demo accounts as the user has changed them since.
        await new DemoDataLedger(services.GetRequiredService<IdentityDb>(), services.GetRequiredService<TimeProvider>(), logger).LoadOnceAsync(
            "identity/accounts", DemoAccounts.Version,
            async (_, ct) => $"{await services.GetRequiredService<DemoAccounts>().RunAsync(ct)} accounts and systems added", cancellationToken);
    }
}

/// <summary>`dotnet Pingan.Identity.dll demo-totp`: the current codes of the demo accounts, for trying the sign-in page.</summary>
internal sealed class DemoTotpStep(IServiceScopeFactory scopes) : IServiceStep
{
    public string Name => "demo-totp";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var demo = scope.ServiceProvider.GetRequiredService<DemoAccounts>();
        foreach (var p in DemoAccounts.People.Where(p => p.Totp is not null))
            Console.WriteLine($"{p.UserName,-20} {demo.CurrentCode(p.Totp!)}");
    }
}

/// <summary>
/// Issue 11: the demo accounts, the demo systems and their fixed secrets exist only where the local profile (or a
/// staging installation) asks for them with <c>Identity:DemoAccounts=true</c>. Anywhere else the service refuses
/// to start while any of them is in its database, naming them.
/// </summary>
internal sealed class DemoCredentialGuard(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DemoCredentialGuard> logger) : IHostedService
{
    public static bool Allowed(IConfiguration configuration) => configuration.GetValue("Identity:DemoAccounts", false);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Allowed(configuration)) return;
        await using var scope = scopes.CreateAsyncScope();
        var found = new List<string>();
        try
        {
            var names = DemoAccounts.People.Select(p => p.UserName).ToArray();
            found.AddRange(await scope.ServiceProvider.GetRequiredService<IdentityDb>().Accounts.Where(a => names.Contains(a.UserName)).Select(a => a.UserName).ToListAsync(cancellationToken));
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            foreach (var client in DemoAccounts.SystemClientIds)
                if (await applications.FindByClientIdAsync(client, cancellationToken) is not null) found.Add(client);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return; // not migrated yet: nothing in it
        }
        if (found.Count == 0) return;
        logger.LogCritical("Demo credentials are present ({Demo}) and Identity:DemoAccounts is not set: refusing to start", string.Join(", ", found));
        throw new InvalidOperationException($"Refusing to start: the demo credentials {string.Join(", ", found)} (with their published passwords and secrets) are in this database. " +
            "Remove them, or set Identity:DemoAccounts=true on an installation that is not production.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
