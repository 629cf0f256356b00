using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Persistence;
using Pingan.Registry.Persistence;
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

    [Fact]
    public async Task A_later_start_never_fights_what_the_user_changed_since_the_demo_data_loaded()
    {
        var step = Host.Services.GetServices<IServiceStep>().Single(s => s.Name == "seed-demo");
        await step.RunAsync(CancellationToken.None);
        Assert.Equal(["registry/commissions", "registry/divisions", "registry/leaders", "registry/organs"], (await LedgerAsync()).Select(s => s.Name).Order());

        // What a user does on the first day: 中原区 made province-direct, a township dissolved, a member unit removed.
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", ProvinceDirect = true, EffectiveOn = "2026-06-15" });
        var township = (await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410102000000", PageSize = 500 })).Units.First(u => u.Code.Length == 12 && u.Code != "410102000000");
        await Units.DissolveUnitAsync(new DissolveUnitRequest { Code = township.Code, EffectiveOn = "2026-06-15" });
        var province = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410000000000" });
        var removed = province.MemberUnits[0].UnitCode;
        await Commissions.RemoveMemberUnitAsync(new MemberUnitRequest { JurisdictionCode = "410000000000", UnitCode = removed, EffectiveOn = "2026-06-15" });

        // The next start: every set is recorded at its version, so nothing is loaded again.
        await step.RunAsync(CancellationToken.None);
        await AssertChangesIntact();

        // A database from before the ledger, or a newer version of the sets: only what is missing is added,
        // the rows that contradict the user's changes are left out, and the start does not fail.
        await using (var scope = Host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RegistryDb>().Set<DemoDataSet>().ExecuteDeleteAsync();
        await step.RunAsync(CancellationToken.None);
        await AssertChangesIntact();
        Assert.Equal(4, (await LedgerAsync()).Count);

        async Task AssertChangesIntact()
        {
            Assert.True((await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" })).ProvinceDirect);
            Assert.NotEmpty((await Units.GetUnitAsync(new GetUnitRequest { Code = township.Code })).DissolvedOn);
            var now = await Commissions.GetCommissionAsync(new GetCommissionRequest { JurisdictionCode = "410000000000" });
            Assert.DoesNotContain(now.MemberUnits, m => m.UnitCode == removed && string.IsNullOrEmpty(m.LeftOn));
        }
    }

    private async Task<List<DemoDataSet>> LedgerAsync()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDb>().Set<DemoDataSet>().ToListAsync();
    }
}
