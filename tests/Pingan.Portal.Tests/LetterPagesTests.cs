using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static Pingan.Portal.Tests.PortalStack;

namespace Pingan.Portal.Tests;

/// <summary>A year's letter drafted, issued, reported on with evidence and rated at year end in the portal (Art. 13, 20).</summary>
[Collection(PortalCollection.Name)]
public sealed class LetterPagesTests(PortalFixture portal)
{
    static LetterPagesTests() => SetDefaultExpectTimeout(20_000);

    private static readonly byte[] Photo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private async Task<IPage> OpenAsync(string userName, string path)
    {
        var page = await (await portal.SignedInAsync(userName)).NewPageAsync();
        await page.GotoAsync(path);
        await Interactive(page);
        return page;
    }

    [Fact]
    public async Task The_city_drafts_weighted_targets_issues_them_the_district_reports_with_evidence_and_the_city_rates_the_year_Art13_Art20()
    {
        // Last year's letter: its year-end rating is open (from November of its year), whatever month the test runs in.
        var year = DateTime.UtcNow.AddHours(8).Year - 1;
        var city = await OpenAsync("zhengzhou.office", $"/letters?year={year}");
        await city.Locator("[data-test=draft-link]").ClickAsync();
        await city.WaitForURLAsync("**/templates/new*");
        await Interactive(city);
        await city.Locator("#title").FillAsync($"{year}年度郑州市平安建设目标管理责任书");
        await city.Locator("#key_tasks").FillAsync("矛盾纠纷排查化解\n平安建设宣传");
        await city.Locator("#target-indicator-0").FillAsync("矛盾纠纷化解率");
        await city.Locator("#target-value-0").FillAsync("95");
        await city.Locator("#target-unit-0").FillAsync("%");
        await city.Locator("#target-evidence-0").FillAsync("化解台账");
        await city.Locator("#target-weight-0").FillAsync("60");
        await city.GetByRole(AriaRole.Button, new() { Name = "增加目标" }).ClickAsync();
        await city.Locator("#target-indicator-1").FillAsync("平安建设宣传覆盖率");
        await city.Locator("#target-value-1").FillAsync("90");
        await city.Locator("#target-unit-1").FillAsync("%");
        await city.Locator("#target-evidence-1").FillAsync("宣传记录");
        await city.Locator("#target-weight-1").FillAsync("30");
        await Expect(city.Locator("[data-test=weight-sum]")).ToHaveTextAsync("90");

        // Weights that do not make the whole are refused beside the targets, and nothing is saved.
        await city.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(city.Locator("#targets-error")).ToContainTextAsync("应为 100");
        Assert.Contains("/templates/new", city.Url);
        await city.Locator("#target-weight-1").FillAsync("40");
        await city.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await city.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/templates/(?!new)[^/?]+$"));
        await Interactive(city);
        await Expect(city.Locator("[data-test=status]")).ToHaveTextAsync("草稿");

        // 中原区's first target set higher than the template's (Art. 13, a unit's own values at issue): a value that is not a
        // number is refused beside it, and nothing is issued.
        await city.GetByRole(AriaRole.Button, new() { Name = "增加一项调整" }).ClickAsync();
        await city.GetByLabel("调整 1 单位").SelectOptionAsync(Zhongyuan);
        await city.GetByLabel("调整 1 目标", new() { Exact = true }).SelectOptionAsync("1");
        await city.GetByLabel("调整 1 目标值").FillAsync("九十七");
        await city.GetByRole(AriaRole.Button, new() { Name = "下达责任书" }).ClickAsync();
        await Expect(city.Locator("[id='adjustments[0].target_value-error']")).ToBeVisibleAsync();
        await Expect(city.Locator("[data-test=status]")).ToHaveTextAsync("草稿");
        await city.GetByLabel("调整 1 目标值").FillAsync("97");
        await city.GetByRole(AriaRole.Button, new() { Name = "下达责任书" }).ClickAsync();
        await Expect(city.Locator("[data-test=done]")).ToContainTextAsync("已下达");
        await Expect(city.Locator("[data-test=status]")).ToHaveTextAsync("已下达");
        var toZhongyuan = city.GetByRole(AriaRole.Row).Filter(new() { HasText = "中原区" }).GetByRole(AriaRole.Link).First;
        var letterPath = await toZhongyuan.GetAttributeAsync("href");
        await ScreenshotAsync(city, "template");

        // The city amends 二七区's letter (Art. 13): refused without a reason; then a second version, to be signed again,
        // and the first stays as it was, superseded.
        var toErqi = await city.GetByRole(AriaRole.Row).Filter(new() { HasText = "二七区" }).GetByRole(AriaRole.Link).First.GetAttributeAsync("href");
        var erqi = await OpenAsync("zhengzhou.office", $"/{toErqi}");
        var amend = erqi.Locator("[data-test=amend]");
        await amend.GetByLabel("目标", new() { Exact = true }).SelectOptionAsync("2");
        await amend.GetByLabel("新的目标值（不改则留空）").FillAsync("92");
        await amend.GetByRole(AriaRole.Button, new() { Name = "修订" }).ClickAsync();
        await Expect(erqi.Locator("#reason-error")).ToBeVisibleAsync();
        await amend.GetByLabel("修订理由").FillAsync("市委平安建设工作会议提高宣传覆盖要求");
        await amend.GetByRole(AriaRole.Button, new() { Name = "修订" }).ClickAsync();
        await Expect(erqi.Locator("[data-test=done]")).ToContainTextAsync("已修订为第2版");
        Assert.DoesNotContain(toErqi!, erqi.Url);
        await Expect(erqi.Locator("[data-test=letter]")).ToContainTextAsync("2：市委平安建设工作会议提高宣传覆盖要求");
        await Expect(erqi.Locator("[data-test=status]")).ToHaveTextAsync("待签订");
        await Expect(erqi.Locator("[data-target='2']")).ToContainTextAsync("92");
        await erqi.GotoAsync($"/{toErqi}");
        await Interactive(erqi);
        await Expect(erqi.Locator("[data-test=status]")).ToHaveTextAsync("已被修订版取代");
        await Expect(erqi.Locator("[data-test=amend]")).ToHaveCountAsync(0);
        await erqi.CloseAsync();

        // The district reports on its first target with the ledger attached; the target is its own 97, not the template's 95.
        var county = await OpenAsync("zhongyuan.office", $"/{letterPath}");
        await Expect(county.Locator("[data-target='1']")).ToContainTextAsync("97");
        var report = county.Locator("[data-test=report-progress]");
        await report.Locator("#achieved_value").FillAsync("96");
        await report.Locator("#note").FillAsync("全年排查矛盾纠纷1260件，化解1210件");
        await report.GetByRole(AriaRole.Button, new() { Name = "报告进展" }).ClickAsync();
        await Expect(county.Locator("#evidence_ids-error")).ToBeVisibleAsync();
        await report.Locator("#progress_evidence").SetInputFilesAsync(new FilePayload { Name = "化解台账.png", MimeType = "image/png", Buffer = Photo });
        await Expect(report.Locator("[data-test=progress-evidence] li")).ToHaveTextAsync("化解台账.png");
        await report.GetByRole(AriaRole.Button, new() { Name = "报告进展" }).ClickAsync();
        await Expect(county.Locator("[data-target='1'] [data-test=latest]")).ToContainTextAsync("96");
        await Expect(county.Locator("[data-target='1']")).ToContainTextAsync("化解台账.png");
        // The rating is the issuer's: the district is not offered it.
        await Expect(county.Locator("[data-test=complete-letter]")).ToHaveCountAsync(0);
        await ScreenshotAsync(county, "letter-progress");

        // The city sees the report and rates the year: 60 × 100% + 40 × 50% = 80.
        await city.GotoAsync($"/{letterPath}");
        await Interactive(city);
        await Expect(city.Locator("[data-target='1'] [data-test=latest]")).ToContainTextAsync("96");
        await city.Locator("#completion-1").FillAsync("100");
        await city.Locator("#completion-2").FillAsync("50");
        await city.GetByRole(AriaRole.Button, new() { Name = "评定完成度" }).ClickAsync();
        await Expect(city.Locator("[data-test=completion]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^80(\\.0+)?%$"));
        await Expect(city.Locator("[data-test=complete-letter]")).ToHaveCountAsync(0);

        // Rated: the district reports no more.
        await county.ReloadAsync();
        await Interactive(county);
        await Expect(county.Locator("[data-test=completion]")).ToBeVisibleAsync();
        await Expect(county.Locator("[data-test=report-progress]")).ToHaveCountAsync(0);
        await county.CloseAsync();
        await city.CloseAsync();
    }
}
