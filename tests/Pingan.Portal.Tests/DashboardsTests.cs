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
}
