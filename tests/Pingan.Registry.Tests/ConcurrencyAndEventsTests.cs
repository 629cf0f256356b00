using Grpc.Core;
using Pingan.Registry.Api;
using Pingan.Registry.Contracts;
using Pingan.Testing;
using LeadershipRole = Pingan.Registry.Api.LeadershipRole;
using UnitKind = Pingan.Registry.Api.UnitKind;

namespace Pingan.Registry.Tests;

public sealed class ConcurrencyAndEventsTests : RegistryTest
{
    [Fact]
    public async Task Of_twenty_simultaneous_principal_appointments_exactly_one_is_recorded_Art9()
    {
        await LoadSmallTreeAsync();
        var attempts = Enumerable.Range(1, 20).Select(i => Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = $"候选人{i}", ExternalPersonId = $"P-{i}", UnitCode = "410102000000-PC", Role = LeadershipRole.Principal, StartsOn = "2026-01-01",
        }).ResponseAsync).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                await a;
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
        Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Contains(o, new[] { StatusCode.InvalidArgument, StatusCode.Aborted }));
        var holders = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410102000000-PC", Role = LeadershipRole.Principal });
        Assert.Single(holders.Terms);
    }

    /// <summary>
    /// Issue 12 (AIP-155): an organisation department's system whose AppointLeader timed out sends it again with the
    /// same request id and gets the term the first request recorded; two copies at once record one term; the id
    /// reused for another unit is the caller's mistake.
    /// </summary>
    [Fact]
    public async Task Appointing_again_with_the_request_id_returns_the_first_term_and_records_no_other_Issue12()
    {
        await LoadSmallTreeAsync();
        AppointLeaderRequest Request(string unit) => new()
        {
            Name = "刘建国", UnitCode = unit, Role = LeadershipRole.DualDuty, Portfolio = "教育", StartsOn = "2026-06-15", RequestId = "org-2026-appoint-0042",
        };
        var together = await Task.WhenAll(
            Leadership.AppointLeaderAsync(Request("410100000000-GOV")).ResponseAsync, Leadership.AppointLeaderAsync(Request("410100000000-GOV")).ResponseAsync);
        Assert.Equal(together[0].TermId, together[1].TermId);
        var retry = await Leadership.AppointLeaderAsync(Request("410100000000-GOV"));
        Assert.Equal(together[0].TermId, retry.TermId);
        var misuse = await Refused(() => Leadership.AppointLeaderAsync(Request("410102000000-PC")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(misuse));
        var holders = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410100000000-GOV", Role = LeadershipRole.DualDuty });
        Assert.Single(holders.Terms, t => t.LeaderName == "刘建国");
        Assert.Empty((await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410102000000-PC", Role = LeadershipRole.DualDuty })).Terms);
    }

    [Fact]
    public async Task Registering_moving_and_dissolving_units_and_changing_roles_reach_other_services_as_events()
    {
        await LoadSmallTreeAsync();
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri,
            typeof(UnitRegistered), typeof(UnitMoved), typeof(UnitDissolved), typeof(LeaderRoleChanged));
        await Units.RegisterUnitAsync(new RegisterUnitRequest
        {
            Code = "410103000000", Name = "二七区", Kind = UnitKind.County, ParentCode = "410100000000", EffectiveOn = "2026-01-01",
        });
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410202000000", ProvinceDirect = true, EffectiveOn = "2026-02-01" });
        await Units.DissolveUnitAsync(new DissolveUnitRequest { Code = "410102001000", EffectiveOn = "2026-03-01", Reason = "撤销" });
        var term = await Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "张志强", UnitCode = "410100000000-PC", Role = LeadershipRole.DualDuty, Portfolio = "组织", StartsOn = "2024-01-01",
        });
        await Leadership.ChangeRoleAsync(new ChangeRoleRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, Role = LeadershipRole.InCharge, Portfolio = "政法", EffectiveOn = "2026-04-01" });

        var registered = await tap.WaitForAsync<UnitRegistered>(e => e.Code == "410103000000");
        Assert.Equal(("410100000000", Contracts.UnitLevel.County), (registered.AnswersToCode, registered.Level));
        var moved = await tap.WaitForAsync<UnitMoved>(e => e.Code == "410202000000");
        Assert.Equal(("410200000000", "410000000000", true), (moved.OldAnswersToCode, moved.NewAnswersToCode, moved.ProvinceDirect));
        var dissolved = await tap.WaitForAsync<UnitDissolved>(e => e.Code == "410102001000");
        Assert.Equal(new DateOnly(2026, 3, 1), dissolved.DissolvedOn);
        var changed = await tap.WaitForAsync<LeaderRoleChanged>(e => e.PreviousTermId.ToString() == term.TermId);
        Assert.Equal((Contracts.LeadershipRole.DualDuty, Contracts.LeadershipRole.InCharge), (changed.PreviousRole, changed.Role));

        // The dissolved township is still there for the days it existed.
        Assert.Equal("", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000", AsOf = "2026-02-28" })).DissolvedOn);
        Assert.Equal("2026-03-01", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000" })).DissolvedOn);
    }

    /// <summary>Issue 12 (AIP-155, the request ledger): a unit registered again with its request id is answered, not refused as taken.</summary>
    [Fact]
    public async Task Registering_a_unit_again_with_its_request_id_answers_the_first_registration_Issue12()
    {
        await LoadSmallTreeAsync();
        var request = new RegisterUnitRequest
        {
            Code = "410103000000", Name = "二七区", Kind = UnitKind.County, ParentCode = "410100000000", EffectiveOn = "2026-01-01", RequestId = "reg-erqi-1",
        };
        var first = await Units.RegisterUnitAsync(request);
        var again = await Units.RegisterUnitAsync(request);
        Assert.Equal(first.ToString(), again.ToString());
        // Without the id, the second registration of a code is refused as taken.
        await Refused(() => Units.RegisterUnitAsync(new RegisterUnitRequest(request) { RequestId = "" }).ResponseAsync, StatusCode.AlreadyExists);
        var other = await Refused(() => Units.RegisterUnitAsync(new RegisterUnitRequest(request) { Name = "二七" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(other));
    }
}
