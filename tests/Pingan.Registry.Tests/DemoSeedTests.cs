using Microsoft.Extensions.DependencyInjection;
using Pingan.Registry.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Tests;

public sealed class DemoSeedTests : RegistryTest
{
    [Fact]
    public async Task The_demo_seed_builds_Henan_with_commissions_and_teams_and_running_it_again_changes_nothing()
    {
        var step = Host.Services.GetServices<IServiceStep>().Single(s => s.Name == "seed-demo");
        await step.RunAsync(CancellationToken.None);
        var province = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410000000000" });
        Assert.Equal("平安河南建设领导小组", province.Name);
        Assert.InRange(province.MemberUnits.Count, 40, 60);
        var cityPrincipal = await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410100000000-PC", Role = LeadershipRole.Principal });
        Assert.Single(cityPrincipal.Terms);
        var jiyuanUp = await Units.GetCommissionForUnitAsync(new GetCommissionForUnitRequest { Code = "419001000000-PSB", Relation = CommissionRelation.OneLevelUp });
        Assert.Equal("410000000000", jiyuanUp.JurisdictionCode);

        var before = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410000000000", PageSize = 1000 });
        await step.RunAsync(CancellationToken.None);
        var after = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410000000000", PageSize = 1000 });
        Assert.Equal(before.Units.Select(u => (u.Code, u.EffectiveFrom)), after.Units.Select(u => (u.Code, u.EffectiveFrom)));
        Assert.Single((await Leadership.ListHoldersAsync(new ListHoldersRequest { UnitCode = "410100000000-PC", Role = LeadershipRole.Principal })).Terms);
    }
}
