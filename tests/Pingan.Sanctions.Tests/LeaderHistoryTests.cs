using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Registry.Persistence;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// Issue 11: leader history can't be rewritten to escape accountability. The registry mirrors the sanctions
/// service's open cases from its events; a correction (a date more than 30 days back) that would change who led
/// 中原区's government on the incident day of an open case against 中原区 is refused naming the case, and is
/// allowed once the case is closed.
/// </summary>
public sealed class LeaderHistoryTests : SanctionsTest
{
    [Fact]
    public async Task A_correction_that_changes_who_led_on_an_open_cases_incident_day_is_refused_naming_the_case_Issue11()
    {
        var opened = await OpenAgainstZhongyuanAsync(); // incident on 2026-05-10; today is 2026-05-12
        await Eventually.HoldsAsync(() => RegistryHoldsAsync(opened.CaseId, open: true), TimeSpan.FromSeconds(60), "the registry knows the open case");

        var organisation = new RegistryApi.Leadership.LeadershipClient(As(Province, PinganRoles.OrganisationLiaison, Registry));
        var zhao = (await organisation.ListHoldersAsync(new RegistryApi.ListHoldersRequest { UnitCode = Zhongyuan + "-GOV", Role = RegistryApi.LeadershipRole.Principal })).Terms.Single();
        var backdatedEnd = new RegistryApi.EndTermRequest { TermId = zhao.TermId, EndsOn = "2026-03-31", Reason = "调任", CorrectionReason = "任免文件晚到，更正任职终止日期" };
        var refused = await Refused(() => organisation.EndTermAsync(backdatedEnd).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains(opened.CaseId, refused.Status.Detail);
        Assert.Contains("2026-05-10", refused.Status.Detail);
        // Seating someone else over that day is the same rewrite.
        var backdatedRole = new RegistryApi.ChangeRoleRequest
        {
            TermId = zhao.TermId, Role = RegistryApi.LeadershipRole.InCharge, Portfolio = "政法", EffectiveOn = "2026-04-01", CorrectionReason = "更正分工",
        };
        Assert.Contains(opened.CaseId, (await Refused(() => organisation.ChangeRoleAsync(backdatedRole).ResponseAsync, StatusCode.FailedPrecondition)).Status.Detail);
        Assert.Equal("", (await organisation.ListHoldersAsync(new RegistryApi.ListHoldersRequest { UnitCode = Zhongyuan + "-GOV", Role = RegistryApi.LeadershipRole.Principal })).Terms.Single().EndsOn);

        // Closed, the case no longer holds the record.
        await CasesOf(Zhengzhou).DismissCaseAsync(new Api.DismissCaseRequest { CaseId = opened.CaseId, Reasons = "经核查不属实" });
        await Eventually.HoldsAsync(() => RegistryHoldsAsync(opened.CaseId, open: false), TimeSpan.FromSeconds(60), "the registry knows the case is closed");
        Assert.Equal("2026-03-31", (await organisation.EndTermAsync(backdatedEnd)).EndsOn);
    }

    private async Task<bool> RegistryHoldsAsync(string caseId, bool open)
    {
        await using var scope = Registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDb>();
        return await db.SanctionCases.AnyAsync(c => c.CaseId == Guid.Parse(caseId) && c.IncidentOn != null && (c.ClosedAt == null) == open);
    }
}
