using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OtpNet;
using Pingan.ServiceDefaults;
using Pingan.Testing;

namespace Pingan.Identity.Tests;

/// <summary>Issue 16: a production installation (no demo accounts) gets its first operator and department systems from a Secret.</summary>
public sealed class BootstrapTests : IdentityTest
{
    private const string Password = "Ops-Bootstrap-2026!";
    private static readonly string TotpSecret = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));
    private const string SystemSecret = "discipline-system-secret-0123456789";

    private static Dictionary<string, string?> Production(string connectionString, Dictionary<string, string?> bootstrap)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = connectionString,
            ["Identity:AllowHttp"] = "true",
            ["Identity:KeyEncryptionKey"] = TestSecrets.IdentityKeyEncryptionKey,
        };
        foreach (var (k, v) in bootstrap) settings[$"Identity:Bootstrap:{k}"] = v;
        return settings;
    }

    private static readonly Dictionary<string, string?> Entries = new()
    {
        ["Operators:hn.ops:DisplayName"] = "省平安办运维", ["Operators:hn.ops:Unit"] = "410000000000-PLC", ["Operators:hn.ops:Jurisdiction"] = "410000000000",
        ["Operators:hn.ops:Password"] = Password, ["Operators:hn.ops:TotpSecret"] = TotpSecret,
        ["Clients:hn-discipline-system:Secret"] = SystemSecret, ["Clients:hn-discipline-system:DisplayName"] = "省纪委监委案件系统",
        ["Clients:hn-discipline-system:Unit"] = "410000000000-JW", ["Clients:hn-discipline-system:Jurisdiction"] = "410000000000",
        ["Clients:hn-discipline-system:Roles"] = "discipline-liaison",
    };

    [Fact]
    public async Task The_first_operator_and_a_department_system_come_from_the_secret_once_and_are_audited_Issue16()
    {
        await using var host = await ServiceHost.StartAsync(IdentityApplication.Create, Production(await Database.CreateSiblingAsync("production"), Entries),
            services => services.AddSingleton<TimeProvider>(Clock));
        var step = host.Services.GetServices<IServiceStep>().Single(s => s.Name == "bootstrap");
        await step.RunAsync(CancellationToken.None);
        await step.RunAsync(CancellationToken.None); // every upgrade runs it again

        // The operator signs in with the password and the authenticator enrolled from the secret.
        using var browser = new Browser(host.Rest.BaseAddress!);
        var code = new Totp(Base32Encoding.ToBytes(TotpSecret)).ComputeTotp(Clock.GetUtcNow().UtcDateTime);
        var person = await browser.LogInAsync("hn.ops", Password, code);
        var personToken = new JsonWebToken(person.GetProperty("access_token").GetString()!);
        Assert.Contains(personToken.Claims, c => c.Type == "role" && c.Value == "operator");

        // The department's system gets its token with its unit, jurisdiction and role.
        var system = await (await host.Rest.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "hn-discipline-system", ["client_secret"] = SystemSecret, ["scope"] = "pingan",
        }))).Content.ReadFromJsonAsync<JsonElement>();
        var systemToken = new JsonWebToken(system.GetProperty("access_token").GetString()!);
        Assert.Contains(systemToken.Claims, c => c.Type == "role" && c.Value == "discipline-liaison");
        Assert.Contains(systemToken.Claims, c => c.Type == "jurisdiction" && c.Value == "410000000000");

        // Created once, registered once and updated on the second run; no demo account anywhere.
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Persistence.IdentityDb>();
        Assert.Equal(["hn.ops"], await db.Accounts.Select(a => a.UserName).ToListAsync());
        var actions = await db.Set<Audit.AuditEntry>().Where(e => e.Action.StartsWith("bootstrap/")).Select(e => e.Action + " " + e.Target).ToListAsync();
        Assert.Equal(1, actions.Count(a => a == "bootstrap/operator account/hn.ops"));
        Assert.Equal(1, actions.Count(a => a == "bootstrap/client-register client/hn-discipline-system"));
        Assert.Equal(1, actions.Count(a => a == "bootstrap/client-update client/hn-discipline-system"));
        Assert.Equal(1, actions.Count(a => a == "bootstrap/client-register client/pingan-cli"));
    }

    [Fact]
    public async Task A_bad_entry_is_named_with_every_other_and_nothing_is_written_Issue16()
    {
        var bad = new Dictionary<string, string?>(Entries)
        {
            ["Operators:hn.ops:Password"] = "short", ["Clients:hn-discipline-system:Roles"] = "discipline-liaison,superuser",
            ["Operators:hn.ops2:DisplayName"] = "第二运维",
        };
        var connection = await Database.CreateSiblingAsync("bad");
        await using var host = await ServiceHost.StartAsync(IdentityApplication.Create, Production(connection, bad), services => services.AddSingleton<TimeProvider>(Clock));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            host.Services.GetServices<IServiceStep>().Single(s => s.Name == "bootstrap").RunAsync(CancellationToken.None));
        Assert.Contains("Identity:Bootstrap:Operators:hn.ops:Password must be at least 12 characters", error.Message);
        Assert.Contains("Identity:Bootstrap:Clients:hn-discipline-system:Roles must name roles of the platform", error.Message);
        Assert.Contains("Identity:Bootstrap:Operators:hn.ops2:Password is missing", error.Message);
        Assert.Contains("Identity:Bootstrap:Operators:hn.ops2:TotpSecret is missing", error.Message);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<Persistence.IdentityDb>().Accounts.ToListAsync());
        Assert.Null(await scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>().FindByClientIdAsync("hn-discipline-system"));
    }
}
