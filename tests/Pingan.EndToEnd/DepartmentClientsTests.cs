using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Sanctions.Api;
using Pingan.Security.Tests;
using static Pingan.Security.PinganRoles;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.EndToEnd;

/// <summary>
/// Two department systems nobody here wrote in .NET (issue 18), run against the whole platform: the organisation
/// department's Node.js gRPC client (tests/integration-clients/organisation-feed.mjs) imports its appointments feed, and
/// the discipline organs' TypeScript system (discipline-system.ts, its REST client generated from the sanctions service's
/// published OpenAPI document) takes the referral the sanctions service delivers and reports its decision (Art. 32, 39).
/// Both get their tokens by client credentials from the identity service, as systems the operators registered.
/// </summary>
public sealed class DepartmentClientsTests : PlatformTest
{
    private const string ZhongyuanPc = Zhongyuan + "-PC", ZhengzhouPc = Zhengzhou + "-PC";
    private readonly int _disciplinePort = FreePort();

    protected override string? DisciplineSystem => $"http://127.0.0.1:{_disciplinePort}/discipline/";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Dictionary<string, string> Platform(string clientId) => new()
    {
        ["PINGAN_IDENTITY"] = Identity.Rest.BaseAddress!.ToString(),
        ["PINGAN_CLIENT_ID"] = clientId,
        ["PINGAN_CLIENT_SECRET"] = "secret-" + clientId, // as IdentityTokens registers it
        ["PINGAN_REGISTRY"] = Registry.Channel.Target,
        ["PINGAN_SANCTIONS"] = Sanctions.Channel.Target,
        ["PINGAN_SANCTIONS_REST"] = Sanctions.Rest.BaseAddress!.ToString().TrimEnd('/'),
        ["PINGAN_PROTOS"] = NodeClients.ProtoPath(),
    };

    /// <summary>The organisation facts the province's office keeps: the tree the feed's appointments sit in.</summary>
    private async Task RecordTreeAsync()
    {
        await ImportUnitsAsync(
            Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
            Unit(ZhongyuanPc, "中共郑州市中原区委员会", "party_committee", Zhongyuan), Unit(ZhengzhouPc, "中共郑州市委员会", "party_committee", Zhengzhou),
            Unit(Province + "-ORG", "中共河南省委组织部", "department", Province), Unit(Province + "-CDI", "河南省纪委监委", "department", Province));
    }

    /// <summary>openapi-typescript on the document the sanctions service serves, then tsc: the client and the document must agree.</summary>
    private async Task BuildDisciplineSystemAsync()
    {
        var generated = Path.Combine(NodeClients.Folder, "gen");
        Directory.CreateDirectory(generated);
        await File.WriteAllTextAsync(Path.Combine(generated, "sanctions.json"), await Sanctions.Rest.GetStringAsync("/openapi/v1.json"));
        var (exit, output, errors) = await NodeClients.RunAsync(NodeClients.Tool("openapi-typescript"),
            [Path.Combine(generated, "sanctions.json"), "--output", Path.Combine(generated, "sanctions.ts")]);
        Assert.True(exit == 0, $"openapi-typescript: {output}\n{errors}");
        (exit, output, errors) = await NodeClients.RunAsync(NodeClients.Tool("tsc"), ["-p", NodeClients.Folder]);
        Assert.True(exit == 0, $"tsc: {output}\n{errors}");
    }

    private static async Task<JsonElement> OrganisationFeedAsync(Dictionary<string, string> environment)
    {
        var (exit, output, errors) = await NodeClients.RunAsync("node", ["organisation-feed.mjs"], environment);
        Assert.True(exit == 0, $"organisation-feed.mjs exited {exit}:\n{output}\n{errors}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task A_Node_gRPC_client_and_a_generated_TypeScript_REST_client_import_a_feed_take_a_referral_and_report_its_outcome_Art32_Art39_Issue18()
    {
        await RecordTreeAsync();
        // The operators register each department's system: its client id, jurisdiction, unit and role.
        await IdentityTokens.ClientTokenAsync(Identity, "zzb-henan", Province, Province + "-ORG", "pingan", OrganisationLiaison);
        await IdentityTokens.ClientTokenAsync(Identity, "jw-henan", Province, Province + "-CDI", "pingan.sanctions", DisciplineLiaison);

        // The organisation department's feed, over gRPC from Node.js.
        var feedFile = Path.Combine(Directory.CreateTempSubdirectory("pingan-feed-").FullName, "feed.json");
        await File.WriteAllTextAsync(feedFile, JsonSerializer.Serialize(new[]
        {
            new
            {
                appointmentId = "ZZB-2021-0601-001", personId = "P-410102-0001", personName = "王刚", unitCode = ZhongyuanPc, role = "PRINCIPAL",
                title = "书记", startsOn = "2021-06-01", cadreAuthorityCode = ZhengzhouPc,
            },
        }));
        var organisation = Platform("zzb-henan");
        organisation["PINGAN_FEED"] = feedFile;
        var feed = await OrganisationFeedAsync(organisation);
        var imported = feed.GetProperty("imported");
        Assert.True(imported.GetProperty("ok").GetBoolean(), imported.ToString());
        Assert.Equal(1, imported.GetProperty("response").GetProperty("created").GetInt32());
        var holder = Assert.Single(feed.GetProperty("holders").GetProperty("response").GetProperty("terms").EnumerateArray());
        Assert.Equal("王刚", holder.GetProperty("leaderName").GetString());
        // The same feed again (a retry after a timeout) changes nothing.
        Assert.Equal(1, feed.GetProperty("sameFeedAgain").GetProperty("response").GetProperty("unchanged").GetInt32());
        // A bad request: InvalidArgument naming the field, nothing saved.
        var badAppointment = feed.GetProperty("badAppointment");
        Assert.Equal("INVALID_ARGUMENT", badAppointment.GetProperty("code").GetString());
        Assert.Contains(badAppointment.GetProperty("violations").EnumerateArray(), v => v.GetProperty("field").GetString() == "starts_on");
        var holders = await new RegistryApi.Leadership.LeadershipClient(await AsAsync(Registry, Province, CommissionOffice))
            .ListHoldersAsync(new RegistryApi.ListHoldersRequest { UnitCode = ZhongyuanPc, Role = RegistryApi.LeadershipRole.Principal });
        Assert.Equal(["王刚"], holders.Terms.Select(t => t.LeaderName));

        // Zhengzhou's office opens a case against Zhongyuan, its commission notifies it (Art. 33), and the office refers
        // Zhongyuan's principal to the discipline organs (Art. 32, 39).
        Today("2026-05-13");
        var cases = new Cases.CasesClient(await AsAsync(Sanctions, Zhengzhou, CommissionOffice));
        var opened = await cases.OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Zhongyuan, Clause = 4, Source = Source.Incident, Severity = Severity.Serious, IncidentOn = "2026-05-10", Summary = "中原区发生一起群体性事件,处置不力",
        });
        Today("2026-05-20");
        await cases.ProposeMeasureAsync(new ProposeMeasureRequest { CaseId = opened.CaseId, Stage = Stage.Notice, Verification = "经核实,情况属实" });
        await new Cases.CasesClient(await AsAsync(Sanctions, Zhengzhou, CommissionLeader))
            .DecideProposalAsync(new DecideProposalRequest { CaseId = opened.CaseId, Approve = true, DecidedOn = "2026-05-20" });
        var referred = await cases.ReferCaseAsync(new ReferCaseRequest
        {
            CaseId = opened.CaseId, Measure = Measure.PartyDiscipline, LeaderIds = { holder.GetProperty("leaderId").GetString() }, Grounds = "处置群体性事件不力,造成严重影响",
        });
        var referralId = Assert.Single(referred.Referrals).ReferralId;

        // The TypeScript system, its client generated from what the sanctions service publishes, takes the delivery.
        await BuildDisciplineSystemAsync();
        var disciplineEnvironment = Platform("jw-henan");
        disciplineEnvironment["PINGAN_PORT"] = _disciplinePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var discipline = new NodeClients.Running("node", [Path.Combine("build", "discipline-system.js")], disciplineEnvironment);
        await discipline.NextAsync(l => l.Contains("\"listening\"", StringComparison.Ordinal));
        await Sanctions.Services.GetRequiredService<Pingan.Sanctions.Cases.ReferralDispatcher>().SweepAsync(CancellationToken.None);
        var delivery = JsonDocument.Parse(await discipline.NextAsync(l => l.Contains("\"referral\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal(referralId, delivery.GetProperty("idempotencyKey").GetString());
        var acknowledged = (await cases.GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Referrals.Single();
        Assert.Equal(("ACKNOWLEDGED", delivery.GetProperty("reference").GetString()), (acknowledged.Status, acknowledged.Reference));

        // Its decision at the end of June, over REST; then a mistake like the one above, which names the field and saves nothing.
        Today("2026-06-30");
        await discipline.WriteLineAsync($"outcome {opened.CaseId} {referralId}");
        var outcome = JsonDocument.Parse(await discipline.NextAsync(l => l.Contains("\"outcome\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal(200, outcome.GetProperty("recorded").GetProperty("status").GetInt32());
        var bad = outcome.GetProperty("bad");
        Assert.Equal((400, "application/problem+json"), (bad.GetProperty("status").GetInt32(), bad.GetProperty("contentType").GetString()));
        Assert.Equal("InvalidArgument", bad.GetProperty("problem").GetProperty("grpcStatus").GetString());
        Assert.True(bad.GetProperty("problem").GetProperty("errors").TryGetProperty("decidedOn", out _), bad.ToString());
        var after = Assert.Single(outcome.GetProperty("after").GetProperty("referrals").EnumerateArray());
        Assert.Equal(("DECIDED", "给予党内警告处分", "2026-06-30"),
            (after.GetProperty("status").GetString(), after.GetProperty("outcome").GetString(), after.GetProperty("outcomeOn").GetString()));

        // The same bad request over gRPC from Node.js: the same status, the same field (by its .proto name).
        organisation["PINGAN_CASE"] = opened.CaseId;
        organisation["PINGAN_REFERRAL"] = referralId;
        var badOutcome = (await OrganisationFeedAsync(organisation)).GetProperty("badOutcome");
        Assert.Equal("INVALID_ARGUMENT", badOutcome.GetProperty("code").GetString());
        Assert.Contains(badOutcome.GetProperty("violations").EnumerateArray(), v => v.GetProperty("field").GetString() == "decided_on");
        var stored = (await cases.GetCaseAsync(new GetCaseRequest { CaseId = opened.CaseId })).Referrals.Single();
        Assert.Equal("给予党内警告处分", stored.Outcome);
    }
}
