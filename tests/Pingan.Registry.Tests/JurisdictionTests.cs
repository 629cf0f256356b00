using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Pingan.Registry.Api;
using Pingan.Security;

namespace Pingan.Registry.Tests;

/// <summary>
/// What each account may read and change (issue 4): its jurisdiction and below, the units it answers to, and
/// nothing of a neighbour's; a province-direct county belongs to the province, not to its city (省直管县: the province's administrative arrangement, not Art. 42).
/// </summary>
public sealed class JurisdictionTests : RegistryTest
{
    private const string Zhengzhou = "410100000000", Zhongyuan = "410102000000", Linshanzhai = "410102001000";
    private const string Gongyi = "410181000000", Kaifeng = "410200000000", Longting = "410202000000";

    [Fact]
    public async Task A_county_office_reads_its_county_below_and_above_but_not_a_neighbour()
    {
        await LoadSmallTreeAsync();
        var county = new Api.Units.UnitsClient(As(Zhongyuan, PinganRoles.CommissionOffice));

        Assert.Equal("林山寨街道", (await county.GetUnitAsync(new GetUnitRequest { Code = Linshanzhai })).Name);
        Assert.Equal("郑州市", (await county.GetUnitAsync(new GetUnitRequest { Code = Zhengzhou })).Name); // whom it reports to
        await Commissions.EstablishCommissionAsync(new EstablishCommissionRequest { JurisdictionCode = Zhengzhou, Name = "平安郑州建设领导小组", EstablishedOn = "2020-01-01" });
        var above = await county.GetCommissionForUnitAsync(new GetCommissionForUnitRequest { Code = Zhongyuan, Relation = CommissionRelation.OneLevelUp });
        Assert.Equal(Zhengzhou, above.JurisdictionCode); // the commission it answers to (Art. 34)

        foreach (var neighbour in new[] { Longting, Kaifeng, Gongyi, "410100000000-GOV" })
            await Refused(() => county.GetUnitAsync(new GetUnitRequest { Code = neighbour }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => county.ListDescendantsAsync(new ListDescendantsRequest { Code = Zhengzhou }).ResponseAsync, StatusCode.PermissionDenied);

        var own = await county.ListDescendantsAsync(new ListDescendantsRequest { Code = Zhongyuan });
        Assert.Equal([Zhongyuan + "-PC", Zhongyuan + "-PSB", Linshanzhai], own.Units.Select(u => u.Code).Order().ToArray());
    }

    [Fact]
    public async Task A_city_office_does_not_see_the_province_direct_county_under_its_statistics_ProvinceDirect()
    {
        await LoadSmallTreeAsync();
        var city = new Api.Units.UnitsClient(As(Zhengzhou, PinganRoles.CommissionOffice));

        var below = await city.ListDescendantsAsync(new ListDescendantsRequest { Code = Zhengzhou, PageSize = 1 });
        var codes = new List<string>(below.Units.Select(u => u.Code));
        while (below.NextPageToken.Length > 0)
        {
            below = await city.ListDescendantsAsync(new ListDescendantsRequest { Code = Zhengzhou, PageSize = 1, PageToken = below.NextPageToken });
            codes.AddRange(below.Units.Select(u => u.Code));
        }
        Assert.Contains(Zhongyuan, codes);
        Assert.Contains(Linshanzhai, codes);
        Assert.DoesNotContain(Gongyi, codes);
        await Refused(() => city.GetUnitAsync(new GetUnitRequest { Code = Gongyi }).ResponseAsync, StatusCode.PermissionDenied);

        Assert.Empty((await city.SearchUnitsAsync(new SearchUnitsRequest { Query = "巩义" })).Units);
        Assert.Equal(Zhongyuan, (await city.SearchUnitsAsync(new SearchUnitsRequest { Query = "中原区" })).Units[0].Code);
        await Refused(() => city.SearchUnitsAsync(new SearchUnitsRequest { Query = "龙亭", Within = Kaifeng }).ResponseAsync, StatusCode.PermissionDenied);

        // The province sees 巩义 both ways.
        Assert.Single((await Units.SearchUnitsAsync(new SearchUnitsRequest { Query = "巩义" })).Units);
    }

    [Fact]
    public async Task Changes_need_a_writers_role_and_a_target_within_the_jurisdiction_and_a_refusal_changes_nothing()
    {
        await LoadSmallTreeAsync();
        var countyOffice = new Api.Units.UnitsClient(As(Zhongyuan, PinganRoles.CommissionOffice));
        var renamed = await countyOffice.UpdateUnitAsync(new UpdateUnitRequest { Code = Linshanzhai, Name = "林山寨街道办事处" });
        Assert.Equal("林山寨街道办事处", renamed.Name);

        await Refused(() => countyOffice.UpdateUnitAsync(new UpdateUnitRequest { Code = Longting, Name = "改名" }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => countyOffice.RegisterUnitAsync(new RegisterUnitRequest { Code = "410202001000", Name = "新街道", Kind = UnitKind.Township, ParentCode = Longting }).ResponseAsync,
            StatusCode.PermissionDenied);
        // Moving its own township under a neighbour is a change to the neighbour too.
        await Refused(() => countyOffice.UpdateUnitAsync(new UpdateUnitRequest { Code = Linshanzhai, ParentCode = Longting }).ResponseAsync, StatusCode.PermissionDenied);

        var provinceAuditor = new Api.Units.UnitsClient(As(Province, PinganRoles.Auditor));
        Assert.Equal("龙亭区", (await provinceAuditor.GetUnitAsync(new GetUnitRequest { Code = Longting })).Name);
        await Refused(() => provinceAuditor.UpdateUnitAsync(new UpdateUnitRequest { Code = Longting, Name = "改名" }).ResponseAsync, StatusCode.PermissionDenied);

        var noRole = new Api.Units.UnitsClient(As(Province));
        await Refused(() => noRole.GetUnitAsync(new GetUnitRequest { Code = Longting }).ResponseAsync, StatusCode.PermissionDenied);

        Assert.Equal("龙亭区", (await Units.GetUnitAsync(new GetUnitRequest { Code = Longting })).Name);
        Assert.Equal(Zhongyuan, (await Units.GetUnitAsync(new GetUnitRequest { Code = Linshanzhai })).ParentCode);
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410202001000" }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task Organisation_departments_appoint_leaders_in_their_jurisdiction_but_do_not_reshape_the_tree()
    {
        await LoadSmallTreeAsync();
        var cityOrganisation = As(Zhengzhou, PinganRoles.OrganisationLiaison);
        var term = await new Api.Leadership.LeadershipClient(cityOrganisation).AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "王一", UnitCode = Zhongyuan + "-PC", Role = LeadershipRole.Principal, StartsOn = "2025-01-01",
        });
        Assert.Equal(Zhongyuan + "-PC", term.UnitCode);
        await Refused(() => new Api.Leadership.LeadershipClient(cityOrganisation).AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "李二", UnitCode = Longting, Role = LeadershipRole.Principal, StartsOn = "2025-01-01",
        }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => new Api.Units.UnitsClient(cityOrganisation).UpdateUnitAsync(new UpdateUnitRequest { Code = Zhongyuan, Name = "改名" }).ResponseAsync,
            StatusCode.PermissionDenied);

        // Kaifeng's office cannot see the leader, nor end the term.
        var kaifeng = new Api.Leadership.LeadershipClient(As(Kaifeng, PinganRoles.CommissionOffice));
        await Refused(() => kaifeng.GetLeaderAsync(new GetLeaderRequest { LeaderId = term.LeaderId }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => kaifeng.EndTermAsync(new EndTermRequest { CorrectionReason = "补录历史任职记录", TermId = term.TermId, EndsOn = "2026-01-01" }).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Equal("", (await Leadership.GetLeaderAsync(new GetLeaderRequest { LeaderId = term.LeaderId })).Terms.Single().EndsOn);
    }

    [Fact]
    public async Task Imports_cover_the_whole_tree_and_need_a_province_level_account()
    {
        await LoadSmallTreeAsync();
        var cityOffice = new Api.Integration.IntegrationClient(As(Zhengzhou, PinganRoles.CommissionOffice));
        var error = await Refused(() => cityOffice.ImportUnitsAsync(new ImportUnitsRequest { Units = { Record("410102002000", "新街道", "township", Zhongyuan) } }).ResponseAsync,
            StatusCode.PermissionDenied);
        Assert.Contains("province-level", error.Status.Detail);
        var provinceInspector = new Api.Integration.IntegrationClient(As(Province, PinganRoles.Inspector));
        await Refused(() => provinceInspector.ImportUnitsAsync(new ImportUnitsRequest { Units = { Record("410102002000", "新街道", "township", Zhongyuan) } }).ResponseAsync,
            StatusCode.PermissionDenied);
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410102002000" }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task Over_REST_a_neighbours_unit_is_403_with_problem_details_and_no_token_is_401()
    {
        await LoadSmallTreeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/units/{Longting}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Authority.Token(Zhongyuan, [PinganRoles.CommissionOffice]));
        var response = await Host.Rest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("Refused by the rule 'read organisation facts'", problem.GetProperty("detail").GetString());

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, $"/v1/units/{Longting}");
        anonymous.Headers.Authorization = null;
        using var bare = new HttpClient { BaseAddress = Host.Rest.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.SendAsync(anonymous)).StatusCode);
    }
}
