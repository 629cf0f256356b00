using Grpc.Core;
using Pingan.Registry.Api;

namespace Pingan.Registry.Tests;

public sealed class CommissionTests : RegistryTest
{
    private async Task EstablishAsync(string jurisdiction, string name, string establishedOn = "2019-03-01") =>
        await Commissions.EstablishCommissionAsync(new EstablishCommissionRequest { JurisdictionCode = jurisdiction, Name = name, EstablishedOn = establishedOn });

    private async Task<Commission> OneLevelUp(string code, string? asOf = null) =>
        await Units.GetCommissionForUnitAsync(new GetCommissionForUnitRequest { Code = code, Relation = CommissionRelation.OneLevelUp, AsOf = asOf ?? "" });

    [Fact]
    public async Task The_commission_one_level_up_is_the_city_for_a_county_and_the_province_for_a_province_direct_county_Art34()
    {
        await LoadSmallTreeAsync();
        await EstablishAsync("410000000000", "平安河南建设领导小组");
        await EstablishAsync("410100000000", "郑州市平安建设领导小组");
        await EstablishAsync("410102000000", "中原区平安建设领导小组");

        Assert.Equal("410100000000", (await OneLevelUp("410102000000")).JurisdictionCode);
        // An organ of the county: its level is the county's, so one level up is the city too.
        Assert.Equal("410100000000", (await OneLevelUp("410102000000-PSB")).JurisdictionCode);
        Assert.Equal("410000000000", (await OneLevelUp("410181000000")).JurisdictionCode);
        Assert.Equal("410000000000", (await OneLevelUp("419001000000")).JurisdictionCode);
        Assert.Equal("410102000000", (await Units.GetCommissionForUnitAsync(new GetCommissionForUnitRequest { Code = "410102000000-PSB" })).JurisdictionCode);
        var top = await Refused(() => OneLevelUp("410000000000"), StatusCode.NotFound);
        Assert.Contains("top", top.Status.Detail);
        await Refused(() => OneLevelUp("419000000000"), StatusCode.FailedPrecondition);
    }

    [Fact]
    public async Task The_commission_is_data_a_reform_succeeds_it_and_the_old_one_answers_for_earlier_dates()
    {
        await LoadSmallTreeAsync();
        await EstablishAsync("410000000000", "河南省社会治安综合治理委员会", "2011-09-01");
        // The small tree's units are on record from 2023-01-01; the reform here falls after that.
        await EstablishAsync("410000000000", "平安河南建设领导小组", "2024-03-01");
        Assert.Equal("平安河南建设领导小组", (await OneLevelUp("410100000000")).Name);
        Assert.Equal("河南省社会治安综合治理委员会", (await OneLevelUp("410100000000", "2024-02-29")).Name);
        var error = await Refused(() => OneLevelUp("410100000000", "2018-12-31"), StatusCode.NotFound);
        Assert.Contains("did not exist on 2018-12-31", error.Status.Detail);
    }

    [Fact]
    public async Task Member_units_and_members_are_dated()
    {
        await LoadSmallTreeAsync();
        await EstablishAsync("410100000000", "郑州市平安建设领导小组");
        await Commissions.AddMemberUnitAsync(new MemberUnitRequest { JurisdictionCode = "410100000000", UnitCode = "410100000000-GOV", EffectiveOn = "2019-03-01" });
        await Commissions.AddMemberUnitAsync(new MemberUnitRequest { JurisdictionCode = "410100000000", UnitCode = "410100000000-PC", EffectiveOn = "2019-03-01" });
        await Commissions.RemoveMemberUnitAsync(new MemberUnitRequest { JurisdictionCode = "410100000000", UnitCode = "410100000000-GOV", EffectiveOn = "2025-01-01" });
        var leader = await Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "张志强", UnitCode = "410100000000-PC", Role = LeadershipRole.InCharge, Portfolio = "政法", StartsOn = "2022-01-01",
        });
        await Commissions.AppointCommissionMemberAsync(new CommissionMemberRequest
        {
            JurisdictionCode = "410100000000", LeaderId = leader.LeaderId, Position = "副组长", MemberUnitCode = "410100000000-PC", StartsOn = "2022-01-01",
        });

        var then = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410100000000", AsOf = "2024-06-01" });
        Assert.Equal(["410100000000-GOV", "410100000000-PC"], then.MemberUnits.Select(m => m.UnitCode).Order());
        Assert.Equal("张志强", Assert.Single(then.Members).LeaderName);
        var now = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410100000000" });
        Assert.Equal(["410100000000-PC"], now.MemberUnits.Select(m => m.UnitCode));
        var error = await Refused(() => Commissions.AddMemberUnitAsync(new MemberUnitRequest { JurisdictionCode = "410100000000", UnitCode = "410102000000" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["unit_code"], Fields(error));
    }
    /// <summary>
    /// Issue 12: ten offices adding the same member unit at once, and ten appointing the same leader to the same
    /// seat, leave one membership and one seat; the others are told it exists already, and none is a 500.
    /// </summary>
    [Fact]
    public async Task Concurrent_adds_of_one_member_unit_or_one_seat_leave_one_Issue12()
    {
        await LoadSmallTreeAsync();
        await EstablishAsync("410100000000", "郑州市平安建设领导小组");
        var leader = await Leadership.AppointLeaderAsync(new AppointLeaderRequest
        {
            Name = "张志强", UnitCode = "410100000000-PC", Role = LeadershipRole.InCharge, Portfolio = "政法", StartsOn = "2026-06-01",
        });

        async Task<StatusCode> Try(Func<Task> call)
        {
            try { await call(); return StatusCode.OK; }
            catch (RpcException e) { return e.StatusCode; }
        }
        var units = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Try(() => Commissions.AddMemberUnitAsync(
            new MemberUnitRequest { JurisdictionCode = "410100000000", UnitCode = "410100000000-GOV", EffectiveOn = "2026-06-01" }).ResponseAsync)));
        var seats = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Try(() => Commissions.AppointCommissionMemberAsync(new CommissionMemberRequest
        {
            JurisdictionCode = "410100000000", LeaderId = leader.LeaderId, Position = "副组长", StartsOn = "2026-06-01",
        }).ResponseAsync)));

        foreach (var outcomes in new[] { units, seats })
        {
            Assert.Equal(1, outcomes.Count(s => s == StatusCode.OK));
            Assert.All(outcomes.Where(s => s != StatusCode.OK), s => Assert.Equal(StatusCode.AlreadyExists, s));
        }
        var commission = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410100000000" });
        Assert.Single(commission.MemberUnits, m => m.UnitCode == "410100000000-GOV");
        Assert.Single(commission.Members);
    }
}
