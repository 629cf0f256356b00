using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Pingan.Audit.Api;
using Pingan.Identity;
using Pingan.Security.Tests.Probe;
using Pingan.ServiceDefaults;
using Pingan.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Metadata = Grpc.Core.Metadata;

namespace Pingan.Security.Tests;

/// <summary>A guarded service beside a real identity service: tokens as department systems of each level get them.</summary>
public sealed class SecurityTests : InfrastructureTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow - TimeSpan.FromHours(1));
    private const string ServiceSecret = "first-service-secret-0123456789";
    private ServiceHost _identity = null!;
    private ServiceHost _probe = null!;
    private string _expired = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _identity = await IdentityTokens.StartIdentityAsync(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(_clock),
            [new("Identity:ServiceClients:sanctions:Secret", ServiceSecret)]);
        await _identity.Services.GetServices<IServiceStep>().Single(s => s.Name == "seed-demo").RunAsync(CancellationToken.None);
        // Issued an hour ago, valid fifteen minutes: expired now.
        _expired = await TokenAsync("county-system", "410102000000");
        _clock.SetUtcNow(DateTimeOffset.UtcNow);

        var probeDb = await Database.CreateSiblingAsync("probe");
        _probe = await ServiceHost.StartAsync(ProbeApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:probe"] = probeDb,
            ["Security:Authority"] = _identity.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
        });
        // The probe has no migrations (the migrate step left only its history table): create its tables from the model.
        await using var scope = _probe.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProbeDb>();
        await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
    }

    public override async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        await _identity.DisposeAsync();
        await base.DisposeAsync();
    }

    private Task<string> TokenAsync(string clientId, string jurisdiction, string role = "commission-office") =>
        IdentityTokens.TokenAsync(_identity, clientId, jurisdiction, role);

    private async Task<StatusCode> LookAsync(string? token, string code)
    {
        var headers = new Metadata();
        if (token is not null) headers.Add("Authorization", "Bearer " + token);
        try
        {
            await new Probe.Probe.ProbeClient(_probe.Channel).LookAsync(new LookRequest { Code = code }, headers);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task No_token_a_forged_token_and_an_expired_token_are_refused_as_unauthenticated_and_audited()
    {
        Assert.Equal(StatusCode.Unauthenticated, await LookAsync(null, "410102000000"));
        Assert.Equal(StatusCode.Unauthenticated, await LookAsync(Forged(), "410102000000"));
        Assert.Equal(StatusCode.Unauthenticated, await LookAsync(_expired, "410102000000"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _probe.Rest.GetAsync("/v1/probe/410102000000")).StatusCode);

        // The audit log is for auditors: an office's token may not read it (and that refusal is itself audited).
        var log = new AuditLog.AuditLogClient(_probe.Channel);
        var office = await TokenAsync("province-system", "410000000000");
        var refused = await Assert.ThrowsAsync<RpcException>(() => log.ListEntriesAsync(new ListEntriesRequest(), new Metadata { { "Authorization", "Bearer " + office } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var auditor = await TokenAsync("audit-system", "410000000000", "auditor");
        var entries = (await log.ListEntriesAsync(new ListEntriesRequest { Outcome = "DENIED" }, new Metadata { { "Authorization", "Bearer " + auditor } })).Entries;
        // No token over gRPC and over REST are one kind of refusal: the first is recorded, the second counted (issue 11).
        Assert.Equal(4, entries.Count);
        Assert.Contains(entries, e => e.Detail.Contains("lacks the role"));
        Assert.Contains(entries, e => e.Detail.Contains("expired", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Issue 11: an anonymous flood is counted in the metrics, call by call, and sampled into the audit trail
    /// (one entry for the kind), so it never queues every call on the audit chain's lock.
    /// </summary>
    [Fact]
    public async Task An_anonymous_flood_is_counted_in_metrics_and_sampled_into_the_audit_trail_Issue11()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => LookAsync(null, "410102000000")));
        Assert.All(answers, a => Assert.Equal(StatusCode.Unauthenticated, a));

        var metrics = await _probe.Rest.GetStringAsync("/metrics");
        // The scrape carries the counter itself and, once prometheus-net's meter adapter has seen the meter, the meter's
        // instrument beside it under the meter's prefix: match the instrument on any of its lines.
        var lines = metrics.Split('\n').Where(l => !l.StartsWith('#') && l.Contains("unauthenticated_refusals") && l.Contains("no-token")).ToList();
        if (lines.Count == 0)
            throw new Xunit.Sdk.XunitException("no refusal counter in /metrics:\n" + string.Join("\n", metrics.Split('\n').Where(l => l.Contains("pingan", StringComparison.OrdinalIgnoreCase))));
        Assert.True(lines.Any(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 300), string.Join("\n", lines));

        await using var scope = _probe.Services.CreateAsyncScope();
        var recorded = await scope.ServiceProvider.GetRequiredService<ProbeDb>().Set<Pingan.Audit.AuditEntry>()
            .CountAsync(e => e.Outcome == "DENIED" && e.Actor.StartsWith("anonymous"));
        Assert.Equal(1, recorded);
    }

    /// <summary>The sampling itself, on a clock the test moves: the first of a kind, then one per interval with the count it skipped.</summary>
    [Fact]
    public void Refusals_are_sampled_one_per_kind_per_interval_with_the_number_skipped_Issue11()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var refusals = new AnonymousRefusals(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), clock);
        Assert.Equal(0, refusals.Count("no-token"));
        Assert.Null(refusals.Count("no-token"));
        Assert.Null(refusals.Count("no-token"));
        Assert.Equal(0, refusals.Count("expired"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(2, refusals.Count("no-token"));
        Assert.Null(refusals.Count("no-token"));
    }

    [Fact]
    public async Task A_county_system_sees_its_county_and_below_but_not_its_city_nor_a_province_direct_county_ProvinceDirect()
    {
        var county = await TokenAsync("county-system", "410102000000");
        Assert.Equal(StatusCode.OK, await LookAsync(county, "410102000000"));
        Assert.Equal(StatusCode.OK, await LookAsync(county, "410102000000-PSB"));
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(county, "410100000000"));
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(county, "410181000000"));

        var city = await TokenAsync("city-system", "410100000000");
        Assert.Equal(StatusCode.OK, await LookAsync(city, "410102000000-PSB"));
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(city, "410181000000"));

        var province = await TokenAsync("province-system", "410000000000");
        Assert.Equal(StatusCode.OK, await LookAsync(province, "410181000000"));

        await using var scope = _probe.Services.CreateAsyncScope();
        var denied = await scope.ServiceProvider.GetRequiredService<ProbeDb>().Set<Pingan.Audit.AuditEntry>().CountAsync(e => e.Outcome == "DENIED");
        Assert.Equal(3, denied);
    }

    [Fact]
    public async Task A_service_signs_in_as_itself_with_the_secret_the_deployment_gave_both_sides_auditor_of_the_province_only_ADR0012()
    {
        ServiceTokens Tokens(string secret) => new(new SingleClient(), _identity.Rest.BaseAddress!.ToString(), "pingan-sanctions", secret, TimeProvider.System);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await Tokens(ServiceSecret).GetAsync(CancellationToken.None));
        Assert.Equal(("pingan-sanctions", "410000000000"), (token.Subject, token.GetClaim("jurisdiction").Value));
        Assert.Equal(["auditor"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        // It reads across the province, as the event log needs (and with the auditor role alone it changes nothing).
        Assert.Equal(StatusCode.OK, await LookAsync(token.EncodedToken, "410181000000"));

        // The next release rotates the secret: its migrate step updates the client, and the old secret no longer signs in.
        const string rotated = "rotated-service-secret-9876543210";
        await using (await IdentityTokens.StartIdentityAsync(Database.ConnectionString, settings: [new("Identity:ServiceClients:sanctions:Secret", rotated)]))
        {
        }
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Tokens(ServiceSecret).GetAsync(CancellationToken.None));
        Assert.Contains("refused pingan-sanctions", refused.Message);
        Assert.NotEmpty(await Tokens(rotated).GetAsync(CancellationToken.None));
        await using var scope = _identity.Services.CreateAsyncScope();
        var changes = await scope.ServiceProvider.GetRequiredService<Pingan.Identity.Persistence.IdentityDb>().Set<Pingan.Audit.AuditEntry>()
            .Where(e => e.Target == "client/pingan-sanctions" && e.Action.StartsWith("service-client/")).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync();
        Assert.Equal(["service-client/register", "service-client/update"], changes);
    }

    private sealed class SingleClient : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    [Fact]
    public async Task A_token_naming_a_jurisdiction_that_does_not_exist_is_refused()
    {
        var nowhere = await TokenAsync("nowhere-system", "419999999999");
        Assert.Equal(StatusCode.PermissionDenied, await LookAsync(nowhere, "410102000000"));
    }

    [Fact]
    public async Task The_callers_token_travels_on_to_the_next_service_which_decides_on_the_callers_rights()
    {
        var county = await TokenAsync("county-system", "410102000000");
        var client = new Probe.Probe.ProbeClient(_probe.Channel);
        var headers = new Metadata { { "Authorization", "Bearer " + county } };
        var reply = await client.RelayAsync(new LookRequest { Code = "410102000000-PSB" }, headers);
        Assert.Equal(("county-system", "410102000000"), (reply.Subject, reply.Jurisdiction));
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.RelayAsync(new LookRequest { Code = "410100000000" }, headers).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task Probes_and_metrics_need_no_token()
    {
        Assert.Equal(HttpStatusCode.OK, (await _probe.Rest.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _probe.Rest.GetAsync("/metrics")).StatusCode);
    }

    /// <summary>A token with the right claims, issuer and audience, signed by a key the identity service never had.</summary>
    private string Forged() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = _identity.Rest.BaseAddress!.ToString(),
        Audience = Audiences.Of("registry"),
        Expires = DateTime.UtcNow.AddMinutes(10),
        Claims = new Dictionary<string, object> { ["sub"] = "intruder", ["jurisdiction"] = "410000000000", ["role"] = "commission-office" },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "forged" }, SecurityAlgorithms.RsaSha256),
    });
}
