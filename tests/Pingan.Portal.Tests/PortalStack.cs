using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using Pingan.Identity.Accounts;
using Pingan.Identity.Seed;
using Pingan.Security;
using Pingan.Security.Tests;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Portal.Tests;

/// <summary>Where the stack's services keep their databases and find their broker.</summary>
public interface IStackStorage : IAsyncDisposable
{
    Task InitializeAsync();
    Task<string> DatabaseAsync(string service);
    string Amqp { get; }
}

/// <summary>
/// The portal in a real browser (Debian's chromium driven by Playwright) against the real identity, registry, letters
/// and sanctions services on PostgreSQL and RabbitMQ. People sign in at the identity service's own page with their demo
/// password and current TOTP code, once per person for the stack's life (a code is accepted once, issue 11). Used by
/// the portal's tests (PortalFixture) and its benchmark (tests/Pingan.Benchmarks, PortalBenchmark).
/// </summary>
public class PortalStack(IStackStorage storage) : IAsyncDisposable
{
    public const string Province = "410000000000", Zhengzhou = "410100000000", Zhongyuan = "410102000000", Erqi = "410103000000", Jinshui = "410105000000",
        Kaifeng = "410200000000", Luoyang = "410300000000";
    private readonly Dictionary<string, IBrowserContext> _people = [];
    private readonly SemaphoreSlim _signIn = new(1, 1);
    private readonly List<ServiceHost> _hosts = [];
    private IPlaywright _playwright = null!;

    public ServiceHost Identity { get; private set; } = null!;
    public ServiceHost Registry { get; private set; } = null!;
    public ServiceHost Letters { get; private set; } = null!;
    public ServiceHost Sanctions { get; private set; } = null!;
    public ServiceHost Inspections { get; private set; } = null!;
    public ServiceHost Assessments { get; private set; } = null!;
    public ServiceHost Archives { get; private set; } = null!;
    public ServiceHost Portal { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string PortalUrl => Portal.Rest.BaseAddress!.ToString().TrimEnd('/');

    /// <summary>Where the pages' screenshots go: PINGAN_TEST_SCREENSHOTS, or screenshots/ beside the test results.</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("PINGAN_TEST_SCREENSHOTS") is { Length: > 0 } d
        ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>The services, the portal registered with the identity service, and the browser; no organisation data yet.</summary>
    public async Task StartAsync()
    {
        await storage.InitializeAsync();
        Identity = Add(await IdentityTokens.StartIdentityAsync(await storage.DatabaseAsync("identity")));
        await using (var scope = Identity.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoAccounts>().RunAsync(CancellationToken.None);
        var authority = Identity.Rest.BaseAddress!.ToString();
        Registry = Add(await StartAsync(Pingan.Registry.RegistryApplication.Create, "registry", authority));
        Letters = Add(await StartAsync(Pingan.Letters.LettersApplication.Create, "letters", authority, ("Services:Registry:Grpc", Grpc(Registry))));
        Sanctions = Add(await StartAsync(Pingan.Sanctions.SanctionsApplication.Create, "sanctions", authority, ("Services:Registry:Grpc", Grpc(Registry)),
            ("Sanctions:Sweep:Enabled", "false"), ("Sanctions:Referrals:Enabled", "false")));
        Inspections = Add(await StartAsync(Pingan.Inspections.InspectionsApplication.Create, "inspections", authority, ("Services:Registry:Grpc", Grpc(Registry)),
            ("Inspections:Sweep:Enabled", "false")));
        Assessments = Add(await StartAsync(Pingan.Assessments.AssessmentsApplication.Create, "assessments", authority, ("Services:Registry:Grpc", Grpc(Registry))));
        Archives = Add(await StartAsync(Pingan.Archives.ArchivesApplication.Create, "archives", authority,
            ("Archives:ConsultationKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))));
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Portal = Add(await ServiceHost.StartAsync(PortalApplication.Create, new Dictionary<string, string?>
        {
            ["Logging:Console:LogLevel:Default"] = "Error", ["Portal:Authority"] = authority, ["Portal:RequireHttpsMetadata"] = "false", ["Portal:ClientSecret"] = secret,
            ["Portal:Services:Registry"] = Grpc(Registry), ["Portal:Services:Letters"] = Grpc(Letters), ["Portal:Services:Sanctions"] = Grpc(Sanctions),
            ["Portal:Services:Inspections"] = Grpc(Inspections), ["Portal:Services:Assessments"] = Grpc(Assessments), ["Portal:Services:Archives"] = Grpc(Archives),
        }));
        // As the identity service's migrate step registers it from Identity:Portal:* once the portal's address is known.
        await PortalClient.RegisterAsync(Identity.Services.GetRequiredService<IServiceScopeFactory>(), secret, [PortalUrl + "/signin-oidc"], CancellationToken.None);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PINGAN_TEST_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    private ServiceHost Add(ServiceHost host)
    {
        _hosts.Add(host);
        return host;
    }

    private async Task<ServiceHost> StartAsync(Func<string[], Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>, Microsoft.AspNetCore.Builder.WebApplication> create,
        string service, string authority, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{service}"] = await storage.DatabaseAsync(service),
            ["ConnectionStrings:rabbitmq"] = storage.Amqp,
            ["Security:Authority"] = authority,
            ["Security:RequireHttpsMetadata"] = "false",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return await ServiceHost.StartAsync(create, settings);
    }

    private static string Grpc(ServiceHost host) => $"http://{host.Channel.Target}";

    /// <summary>A department system's (or an office tool's) call, for the facts a test needs before it opens the browser.</summary>
    public async Task<CallInvoker> AsAsync(ServiceHost host, string jurisdiction, string role) =>
        TestAuthority.As(host.Channel, await TokenAsync(jurisdiction, role));

    /// <summary>A client token of the identity service for <paramref name="role"/> in <paramref name="jurisdiction"/>.</summary>
    public Task<string> TokenAsync(string jurisdiction, string role) =>
        IdentityTokens.ClientTokenAsync(Identity, $"portal-test-{role}-{jurisdiction}", jurisdiction, jurisdiction, "pingan", role);

    /// <summary>Zhengzhou and two of its districts, their party committees and governments, the city's commission and leaders.</summary>
    public async Task RecordOrganisationAsync()
    {
        static RegistryApi.UnitRecord Unit(string code, string name, string kind, string parent) =>
            new() { Code = code, Name = name, Kind = kind, ParentCode = parent, EffectiveOn = "2020-01-01" };
        var report = await new RegistryApi.Integration.IntegrationClient(await AsAsync(Registry, Province, PinganRoles.CommissionOffice)).ImportUnitsAsync(new RegistryApi.ImportUnitsRequest
        {
            Units =
            {
                Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
                Unit(Zhongyuan + "-PC", "中共郑州市中原区委员会", "party_committee", Zhongyuan), Unit(Zhongyuan + "-GOV", "郑州市中原区人民政府", "government", Zhongyuan),
                Unit(Erqi, "二七区", "county", Zhengzhou), Unit(Erqi + "-PC", "中共郑州市二七区委员会", "party_committee", Erqi),
                // The county the province selects for listing (its listing keeps it from commendation, Art. 35 ¶4: not 中原区).
                Unit(Jinshui, "金水区", "county", Zhengzhou), Unit(Jinshui + "-PC", "中共郑州市金水区委员会", "party_committee", Jinshui),
                Unit(Province + "-PC", "中共河南省委员会", "party_committee", Province), Unit(Zhengzhou + "-PC", "中共郑州市委员会", "party_committee", Zhengzhou),
                Unit(Zhengzhou + "-PSB", "郑州市公安局", "department", Zhengzhou),
                // The departments a Zhengzhou joint meeting's attendees represent (Art. 24, 35).
                Unit(Zhengzhou + "-CDI", "中共郑州市纪律检查委员会", "department", Zhengzhou), Unit(Zhengzhou + "-ORG", "中共郑州市委组织部", "department", Zhengzhou),
                Unit(Zhengzhou + "-HRSS", "郑州市人力资源和社会保障局", "department", Zhengzhou),
                Unit(Kaifeng, "开封市", "city", Province), Unit(Luoyang, "洛阳市", "city", Province),
                // The offices the demo accounts work in (DemoAccounts.People), as the demo registry has them.
                Unit(Province + "-PLC", "中共河南省委政法委员会", "commission_office", Province), Unit(Zhengzhou + "-PLC", "中共郑州市委政法委员会", "commission_office", Zhengzhou),
                Unit(Zhongyuan + "-PLC", "中共郑州市中原区委政法委员会", "commission_office", Zhongyuan),
                Unit(Province + "-ORG", "中共河南省委组织部", "department", Province),
                // The departments a provincial joint meeting's attendees represent (the yearly listing selection, Art. 35).
                Unit(Province + "-CDI", "中共河南省纪律检查委员会", "department", Province), Unit(Province + "-HRSS", "河南省人力资源和社会保障厅", "department", Province),
            },
        });
        if (!report.Applied) throw new InvalidOperationException(string.Join("; ", report.Rows.Select(r => r.Error)));
        var commissions = new RegistryApi.Commissions.CommissionsClient(await AsAsync(Registry, Province, PinganRoles.CommissionOffice));
        await commissions.EstablishCommissionAsync(new RegistryApi.EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "郑州市综治委", EstablishedOn = "2018-01-01" });
        var leadership = new RegistryApi.Leadership.LeadershipClient(await AsAsync(Registry, Province, PinganRoles.OrganisationLiaison));
        // Each managed by the party committee a level up (干部管理权限), whose organisation department consults the archive (Art. 23).
        foreach (var (name, unit, role, starts, cadreAuthority) in new[]
        {
            ("王刚", Zhongyuan + "-PC", RegistryApi.LeadershipRole.Principal, "2021-06-01", Zhengzhou + "-PC"), ("赵强", Zhongyuan + "-GOV", RegistryApi.LeadershipRole.Principal, "2022-01-01", Zhengzhou + "-PC"),
            ("刘洋", Erqi + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01", Zhengzhou + "-PC"),
            ("周涛", Jinshui + "-PC", RegistryApi.LeadershipRole.Principal, "2023-03-01", Zhengzhou + "-PC"), ("张伟", Zhengzhou + "-PC", RegistryApi.LeadershipRole.Principal, "2024-01-01", Province + "-PC"),
            ("李明", Province + "-PC", RegistryApi.LeadershipRole.Principal, "2021-06-01", ""),
        })
        {
            await leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest
            {
                ExternalPersonId = "HR-" + name, Name = name, UnitCode = unit, Role = role, StartsOn = starts, Title = role == RegistryApi.LeadershipRole.Principal ? "书记" : "",
                CadreAuthorityCode = cadreAuthority, CorrectionReason = "载入历史任职记录",
            });
        }
    }

    /// <summary>
    /// A browser signed in as the demo account <paramref name="userName"/> (DemoAccounts.People) through the identity
    /// service's page: user name, password, TOTP code. Kept for the collection.
    /// </summary>
    public async Task<IBrowserContext> SignedInAsync(string userName)
    {
        await _signIn.WaitAsync();
        try
        {
            if (_people.TryGetValue(userName, out var known)) return known;
            var person = DemoAccounts.People.Single(p => p.UserName == userName);
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = PortalUrl, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            });
            context.Console += (_, message) => { if (message.Type is "error" or "warning") Console.WriteLine($"[browser {userName}] {message.Text}"); };
            context.Response += (_, response) => { if (response.Status >= 400) Console.WriteLine($"[browser {userName}] {response.Status} {response.Url}"); };
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await page.GetByLabel("用户名 User name").FillAsync(userName);
            await page.GetByLabel("密码 Password").FillAsync(DemoAccounts.Password);
            await page.GetByLabel("动态口令 Code (TOTP)").FillAsync(new Totp(Base32Encoding.ToBytes(person.Totp!)).ComputeTotp(DateTime.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "登录 Sign in" }).ClickAsync();
            await Interactive(page);
            await page.CloseAsync();
            return _people[userName] = context;
        }
        finally
        {
            _signIn.Release();
        }
    }

    /// <summary>Waits until the page's circuit runs, so clicks reach the server (MainLayout's data-ready).</summary>
    public static async Task Interactive(IPage page)
    {
        try
        {
            await page.Locator("[data-ready=interactive]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        }
        catch (TimeoutException e)
        {
            // What the person would have seen, for the failure's message.
            var text = await page.EvaluateAsync<string>("document.body ? document.body.innerText : ''");
            throw new TimeoutException($"{page.Url} did not become interactive; the page shows: {text[..Math.Min(text.Length, 1500)]}", e);
        }
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var language = await page.EvaluateAsync<string>("document.documentElement.lang");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.{language}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var context in _people.Values) await context.CloseAsync();
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        foreach (var host in Enumerable.Reverse(_hosts)) await host.DisposeAsync();
        await storage.DisposeAsync();
    }
}
