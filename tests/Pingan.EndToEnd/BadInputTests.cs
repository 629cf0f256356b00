using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Pingan.Security.Tests;
using Pingan.Testing;
using static Pingan.Security.PinganRoles;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.EndToEnd;

/// <summary>
/// A department's client that gets it wrong (issue 18, docs/integration/README.md "Errors"): an unknown field, a missing
/// required one, an enum value that does not exist, a request id sent again with another body. Each gets the documented
/// error, the same over gRPC and REST (InvalidArgument / 400 problem details naming the field), and nothing is saved.
/// </summary>
public sealed class BadInputTests : PlatformTest
{
    private const string ZhongyuanPc = Zhongyuan + "-PC", ZhengzhouPc = Zhengzhou + "-PC";

    private async Task<(HttpClient Http, RegistryApi.Leadership.LeadershipClient Leadership, CallInvoker Invoker)> OrganisationDepartmentAsync()
    {
        await ImportUnitsAsync(
            Unit(Province, "河南省", "province", ""), Unit(Zhengzhou, "郑州市", "city", Province), Unit(Zhongyuan, "中原区", "county", Zhengzhou),
            Unit(ZhongyuanPc, "中共郑州市中原区委员会", "party_committee", Zhongyuan), Unit(ZhengzhouPc, "中共郑州市委员会", "party_committee", Zhengzhou));
        var token = await IdentityTokens.ClientTokenAsync(Identity, "zzb-henan-bad", Province, Province + "-ORG", "pingan", OrganisationLiaison);
        var rest = new HttpClient { BaseAddress = Registry.Rest.BaseAddress };
        rest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var invoker = TestAuthority.As(Registry.Channel, token);
        return (rest, new RegistryApi.Leadership.LeadershipClient(invoker), invoker);
    }

    /// <summary>A REST call's answer: its status, content type, gRPC status and the fields its problem names.</summary>
    private static async Task<(int Status, string? Type, string? Grpc, Dictionary<string, string> Errors)> PostAsync(HttpClient rest, string json)
    {
        using var response = await rest.PostAsync("/v1/terms", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var errors = body.TryGetProperty("errors", out var e) ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetString()!) : [];
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            body.TryGetProperty("grpcStatus", out var g) ? g.GetString() : null, errors);
    }

    /// <summary>A gRPC call's refusal: its status and the fields of its google.rpc.BadRequest.</summary>
    private static async Task<(StatusCode Status, Dictionary<string, string> Errors)> RefusedAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        return (e.StatusCode, e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.ToDictionary(v => v.Field, v => v.Description) ?? []);
    }

    private static string Json(string unit, string role, string extra = "", string name = "李明") =>
        $$"""{"name":"{{name}}","unitCode":"{{unit}}","role":{{role}},"title":"书记","startsOn":"2026-03-01","cadreAuthorityCode":"{{ZhengzhouPc}}"{{extra}}}""";

    private static RegistryApi.AppointLeaderRequest Appointment(string name = "李明") => new()
    {
        Name = name, UnitCode = ZhongyuanPc, Role = RegistryApi.LeadershipRole.Principal, Title = "书记", StartsOn = "2026-03-01", CadreAuthorityCode = ZhengzhouPc,
    };

    [Fact]
    public async Task An_unknown_field_a_missing_one_a_wrong_enum_and_a_reused_request_id_get_the_same_error_over_gRPC_and_REST_and_save_nothing_Issue18()
    {
        var (rest, leadership, invoker) = await OrganisationDepartmentAsync();

        // An unknown field: a misspelt JSON property ("startOn"), or a field number from a contract this service does not have.
        var unknownRest = await PostAsync(rest, Json(ZhongyuanPc, "\"PRINCIPAL\"", extra: ",\"startOn\":\"2026-03-01\""));
        Assert.Equal((400, "application/problem+json", "InvalidArgument"), (unknownRest.Status, unknownRest.Type, unknownRest.Grpc));
        Assert.Equal(["startOn"], unknownRest.Errors.Keys);
        var bytes = Appointment().ToByteArray().Concat(new byte[] { 0x9a, 0x06, 0x01, 0x78 }).ToArray(); // + field 99, length-delimited, "x"
        var raw = new Method<byte[], byte[]>(MethodType.Unary, "pingan.registry.v1.Leadership", "AppointLeader", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var unknownGrpc = await RefusedAsync(() => invoker.AsyncUnaryCall(raw, null, new CallOptions(), bytes).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "99"), (unknownGrpc.Status, Assert.Single(unknownGrpc.Errors.Keys)));

        // A missing required field: the same field, the same words, by its JSON name and its .proto name.
        var missingRest = await PostAsync(rest, Json("", "\"PRINCIPAL\""));
        var missingGrpc = await RefusedAsync(() => leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest(Appointment()) { UnitCode = "" }).ResponseAsync);
        Assert.Equal((400, "InvalidArgument"), (missingRest.Status, missingRest.Grpc));
        Assert.Equal(StatusCode.InvalidArgument, missingGrpc.Status);
        Assert.Equal(missingGrpc.Errors["unit_code"], missingRest.Errors["unitCode"]);

        // An enum value that does not exist: by name or by number over REST, by number over gRPC.
        var enumByName = await PostAsync(rest, Json(ZhongyuanPc, "\"BOSS\""));
        var enumByNumber = await PostAsync(rest, Json(ZhongyuanPc, "99"));
        var enumGrpc = await RefusedAsync(() => leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest(Appointment()) { Role = (RegistryApi.LeadershipRole)99 }).ResponseAsync);
        Assert.Equal((400, 400, StatusCode.InvalidArgument), (enumByName.Status, enumByNumber.Status, enumGrpc.Status));
        Assert.Equal(enumGrpc.Errors["role"], enumByName.Errors["role"]);
        Assert.Equal(enumGrpc.Errors["role"], enumByNumber.Errors["role"]);

        // A request id sent again with another body (AIP-155): the first is applied, the second refused, both ways.
        var first = await PostAsync(rest, Json(ZhongyuanPc, "\"PRINCIPAL\"", extra: ",\"requestId\":\"zzb-2026-0001\""));
        Assert.Equal(200, first.Status);
        var againRest = await PostAsync(rest, Json(ZhongyuanPc, "\"PRINCIPAL\"", extra: ",\"requestId\":\"zzb-2026-0001\"", name: "王五"));
        var againGrpc = await RefusedAsync(() => leadership.AppointLeaderAsync(new RegistryApi.AppointLeaderRequest(Appointment("赵六")) { RequestId = "zzb-2026-0001" }).ResponseAsync);
        Assert.Equal((400, "InvalidArgument", StatusCode.InvalidArgument), (againRest.Status, againRest.Grpc, againGrpc.Status));
        Assert.Equal(againGrpc.Errors["request_id"], againRest.Errors["requestId"]);

        // Nothing but the one good request was saved.
        var holders = await leadership.ListHoldersAsync(new RegistryApi.ListHoldersRequest { UnitCode = ZhongyuanPc, AsOf = "2026-03-02" });
        Assert.Equal(["李明"], holders.Terms.Select(t => t.LeaderName));
    }
}
