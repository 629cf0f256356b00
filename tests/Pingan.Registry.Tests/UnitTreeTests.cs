using Grpc.Core;
using Pingan.Registry.Api;

namespace Pingan.Registry.Tests;

public sealed class UnitTreeTests : RegistryTest
{
    [Fact]
    public async Task Province_direct_county_answers_to_the_province_but_stays_under_its_city_ProvinceDirect()
    {
        await LoadSmallTreeAsync();
        var gongyi = await Units.GetUnitAsync(new GetUnitRequest { Code = "410181000000" });
        Assert.Equal("410100000000", gongyi.ParentCode);
        Assert.Equal("410000000000", gongyi.AnswersToCode);
        Assert.True(gongyi.ProvinceDirect);
        var zhongyuan = await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" });
        Assert.Equal("410100000000", zhongyuan.AnswersToCode);
    }

    [Fact]
    public async Task The_statistical_grouping_row_answers_for_nothing_and_Jiyuan_is_a_city_under_the_province()
    {
        await LoadSmallTreeAsync();
        var grouping = await Units.GetUnitAsync(new GetUnitRequest { Code = "419000000000" });
        Assert.Equal(UnitKind.StatisticalGrouping, grouping.Kind);
        Assert.Equal("", grouping.AnswersToCode);
        var jiyuan = await Units.GetUnitAsync(new GetUnitRequest { Code = "419001000000" });
        Assert.Equal(UnitKind.City, jiyuan.Kind);
        Assert.Equal(UnitLevel.LevelCity, jiyuan.Level);
        Assert.Equal("419000000000", jiyuan.ParentCode);
        Assert.Equal("410000000000", jiyuan.AnswersToCode);
        var cities = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410000000000", Kinds = { UnitKind.City } });
        Assert.Equal(["410100000000", "410200000000", "419001000000"], cities.Units.Select(u => u.Code).Order());
    }

    [Fact]
    public async Task A_move_that_would_make_a_cycle_is_refused_and_changes_nothing()
    {
        await LoadSmallTreeAsync();
        var error = await Refused(() => Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", ParentCode = "410102001000" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Contains("parent_code", Fields(error));
        // A city under its own county: the kind rule and the cycle rule both speak.
        error = await Refused(() => Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410100000000", ParentCode = "410102000000" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations, v => v.Description.Contains("cycle"));
        Assert.Equal("410100000000", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" })).ParentCode);
    }

    [Fact]
    public async Task Nothing_can_be_registered_under_a_dissolved_unit()
    {
        await LoadSmallTreeAsync();
        await Units.DissolveUnitAsync(new DissolveUnitRequest { Code = "410202000000", EffectiveOn = "2026-03-01", Reason = "merged" });
        var error = await Refused(() => Units.RegisterUnitAsync(new RegisterUnitRequest
        {
            Code = "410202001000", Name = "北书店街道", Kind = UnitKind.Township, ParentCode = "410202000000", EffectiveOn = "2026-04-01",
        }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["parent_code"], Fields(error));
        Assert.Contains("dissolved on 2026-03-01", error.Status.Detail);
    }

    [Fact]
    public async Task A_unit_with_live_units_under_it_cannot_be_dissolved()
    {
        await LoadSmallTreeAsync();
        var error = await Refused(() => Units.DissolveUnitAsync(new DissolveUnitRequest { Code = "410102000000" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("units under it", error.Status.Detail);
        Assert.Equal("", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" })).DissolvedOn);
    }

    [Fact]
    public async Task A_unit_whose_leaders_still_serve_cannot_be_dissolved_and_a_future_dated_change_is_refused()
    {
        await LoadSmallTreeAsync();
        await Leadership.AppointLeaderAsync(new AppointLeaderRequest
        { CorrectionReason = "补录历史任职记录",
            Name = "李建国", UnitCode = "410102000000-PSB", Role = LeadershipRole.Principal, StartsOn = "2024-01-01",
        });
        var error = await Refused(() => Units.DissolveUnitAsync(new DissolveUnitRequest { Code = "410102000000-PSB", EffectiveOn = "2026-06-01" }).ResponseAsync,
            StatusCode.FailedPrecondition);
        Assert.Contains("term", error.Status.Detail);
        error = await Refused(() => Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原新区", EffectiveOn = "2026-07-01" }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["effective_on"], Fields(error));
    }

    [Fact]
    public async Task A_rename_keeps_the_old_name_readable_as_of_an_earlier_date()
    {
        await LoadSmallTreeAsync();
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102001000", Name = "林山寨新街道", EffectiveOn = "2026-05-01" });
        Assert.Equal("林山寨新街道", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000" })).Name);
        Assert.Equal("林山寨街道", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000", AsOf = "2026-04-30" })).Name);
        Assert.Equal("林山寨新街道", (await Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000", AsOf = "2026-05-01" })).Name);
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410102001000", AsOf = "2020-01-01" }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task A_moved_county_takes_its_subtree_along_and_the_old_parent_stays_in_history()
    {
        await LoadSmallTreeAsync();
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", ParentCode = "410200000000", EffectiveOn = "2026-05-01" });
        var underKaifeng = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410200000000" });
        Assert.Contains("410102001000", underKaifeng.Units.Select(u => u.Code));
        Assert.Contains("410102000000-PSB", underKaifeng.Units.Select(u => u.Code));
        var underZhengzhou = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410100000000" });
        Assert.DoesNotContain("410102001000", underZhengzhou.Units.Select(u => u.Code));

        var now = await Units.ListAncestorsAsync(new ListAncestorsRequest { Code = "410102001000" });
        Assert.Equal(["410000000000", "410200000000", "410102000000"], now.Units.Select(u => u.Code));
        var before = await Units.ListAncestorsAsync(new ListAncestorsRequest { Code = "410102001000", AsOf = "2026-04-30" });
        Assert.Equal(["410000000000", "410100000000", "410102000000"], before.Units.Select(u => u.Code));
    }

    [Fact]
    public async Task Paging_the_descendants_returns_every_unit_once_in_tree_order()
    {
        await LoadSmallTreeAsync();
        var seen = new List<string>();
        var request = new ListDescendantsRequest { Code = "410000000000", PageSize = 3 };
        do
        {
            var page = await Units.ListDescendantsAsync(request);
            Assert.True(page.Units.Count <= 3);
            seen.AddRange(page.Units.Select(u => u.Code));
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        Assert.Equal(SmallTree().Count() - 1, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        // A parent comes before its children.
        Assert.True(seen.IndexOf("410102000000") < seen.IndexOf("410102001000"));

        var counties = await Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410100000000", Level = UnitLevel.LevelCounty, Kinds = { UnitKind.County } });
        Assert.Equal(["410102000000", "410181000000"], counties.Units.Select(u => u.Code));
    }

    [Fact]
    public async Task Search_finds_a_Chinese_substring_and_pinyin_initials()
    {
        await LoadSmallTreeAsync();
        var byName = await Units.SearchUnitsAsync(new SearchUnitsRequest { Query = "中原" });
        Assert.Equal(["410102000000", "410102000000-PC", "410102000000-PSB"], byName.Units.Select(u => u.Code).Order());
        var byInitials = await Units.SearchUnitsAsync(new SearchUnitsRequest { Query = "zzs" });
        Assert.Equal("410100000000", byInitials.Units[0].Code);
        var within = await Units.SearchUnitsAsync(new SearchUnitsRequest { Query = "市", Within = "410100000000", Level = UnitLevel.LevelCounty });
        // Organs share their jurisdiction's level: the district police branch (郑州市公安局中原分局) is county-level too.
        Assert.Equal(["410102000000-PSB", "410181000000"], within.Units.Select(u => u.Code).Order());
    }

    [Fact]
    public async Task Bad_requests_name_the_field_over_gRPC_and_REST_and_an_unknown_code_is_not_found()
    {
        await LoadSmallTreeAsync();
        var error = await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "410100000000", AsOf = "2026-13-01" }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["as_of"], Fields(error));
        error = await Refused(() => Units.ListDescendantsAsync(new ListDescendantsRequest { Code = "410000000000", PageSize = 5000 }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["page_size"], Fields(error));
        await Refused(() => Units.GetUnitAsync(new GetUnitRequest { Code = "419999999999" }).ResponseAsync, StatusCode.NotFound);

        var rest = await Host.Rest.GetAsync("/v1/units/410000000000/descendants?pageToken=bm9wZQ==");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, rest.StatusCode);
        Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"pageToken\"", await rest.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Host.Rest.GetAsync("/v1/units/419999999999")).StatusCode);
    }
}
