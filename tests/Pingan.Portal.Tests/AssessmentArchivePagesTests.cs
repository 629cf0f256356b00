using Microsoft.Playwright;
using Pingan.Archives.Api;
using Pingan.Security;
using Pingan.Testing;
using static Microsoft.Playwright.Assertions;
using static Pingan.Portal.Tests.PortalStack;

namespace Pingan.Portal.Tests;

/// <summary>The year's assessment and the leaders' archives in the portal (Art. 19-23), in chromium.</summary>
[Collection(PortalCollection.Name)]
public sealed class AssessmentArchivePagesTests(PortalFixture portal)
{
    static AssessmentArchivePagesTests() => SetDefaultExpectTimeout(20_000);

    private async Task<IPage> OpenAsync(string userName, string path)
    {
        var page = await (await portal.SignedInAsync(userName)).NewPageAsync();
        await page.GotoAsync(path);
        await Interactive(page);
        return page;
    }

    [Fact]
    public async Task The_office_opens_scores_and_adjusts_the_year_the_leader_approves_and_the_office_circulates_it_Art19_Art20()
    {
        var office = await OpenAsync("zhengzhou.office", "/assessments");
        var state = office.Locator("[data-test=round-state]");
        await Expect(state).ToHaveTextAsync("本年度考核尚未开始。");
        await office.GetByRole(AriaRole.Button, new() { Name = "开始年度考核" }).ClickAsync();
        await Expect(state).ToHaveTextAsync("已开始，待评分。");
        await office.GetByRole(AriaRole.Button, new() { Name = "评分", Exact = true }).ClickAsync();
        await Expect(state).ToHaveTextAsync("已评分，待委员会领导审定。");

        // Every unit answering to the city, each indicator explained; equal totals share a rank and say so.
        var ranking = office.Locator("[data-test=ranking]");
        await Expect(ranking).ToContainTextAsync("中原区");
        await Expect(ranking).ToContainTextAsync("二七区");
        var erqi = ranking.Locator($"tr[data-unit='{Erqi}']");
        await erqi.Locator("summary").ClickAsync();
        await Expect(erqi.Locator(".portal-explanations li").First).ToBeVisibleAsync();
        Assert.Contains("（并列）", await ranking.InnerTextAsync());

        // The office lifts 二七区 to 合格, and must say why.
        await office.Locator("#adjust_unit").SelectOptionAsync(Erqi);
        await office.Locator("#adjust_grade").SelectOptionAsync("Pass");
        await office.GetByRole(AriaRole.Button, new() { Name = "调整", Exact = true }).ClickAsync();
        await Expect(office.Locator("#reasons-error")).ToBeVisibleAsync();
        await office.Locator("#adjust_reasons").FillAsync("年中遭受洪灾，平安建设工作经核实成效明显");
        await office.GetByRole(AriaRole.Button, new() { Name = "调整", Exact = true }).ClickAsync();
        await Expect(erqi.Locator("[data-test=grade]")).ToHaveTextAsync("合格");
        // Approval is the commission leader's: the office is not offered it.
        await Expect(office.GetByRole(AriaRole.Button, new() { Name = "审定考核结果" })).ToHaveCountAsync(0);
        await ScreenshotAsync(office, "assessment");

        var leader = await OpenAsync("zhengzhou.leader", "/assessments");
        await leader.GetByRole(AriaRole.Button, new() { Name = "审定考核结果" }).ClickAsync();
        await Expect(leader.Locator("[data-test=round-state]")).ToHaveTextAsync("已审定，待通报。");
        await Expect(leader.Locator("[data-test=adjust]")).ToHaveCountAsync(0);

        await office.ReloadAsync();
        await Interactive(office);
        await Expect(office.Locator("[data-test=adjust]")).ToHaveCountAsync(0);
        await office.GetByRole(AriaRole.Button, new() { Name = "通报考核结果" }).ClickAsync();
        await Expect(state).ToHaveTextAsync("已审定并通报。");
        await leader.CloseAsync();
        await office.CloseAsync();
    }

    [Fact]
    public async Task The_city_keeps_a_county_leaders_archive_and_grades_the_year_and_the_department_consults_within_its_cadre_authority_Art22_Art23()
    {
        // The archives learn the leaders from the registry's events.
        var city = new Archives.Api.Archives.ArchivesClient(await portal.AsAsync(portal.Archives, Zhengzhou, PinganRoles.CommissionOffice));
        var province = new Archives.Api.Archives.ArchivesClient(await portal.AsAsync(portal.Archives, Province, PinganRoles.CommissionOffice));
        string? wang = null, zhang = null;
        await Eventually.HoldsAsync(async () =>
            (wang = (await city.ListArchivesAsync(new ListArchivesRequest { NameContains = "王刚" })).Archives.FirstOrDefault()?.LeaderId) is not null
            && (zhang = (await province.ListArchivesAsync(new ListArchivesRequest { NameContains = "张伟" })).Archives.FirstOrDefault()?.LeaderId) is not null,
            TimeSpan.FromSeconds(60), "the archives of 王刚 (kept by 郑州) and 张伟 (kept by the province)");

        var office = await OpenAsync("zhengzhou.office", "/archives");
        await office.GetByRole(AriaRole.Link, new() { Name = "王刚" }).ClickAsync();
        await Expect(office.Locator("[data-test=posts]")).ToContainTextAsync("中共郑州市中原区委员会");
        var year = DateTime.UtcNow.AddHours(8).Year - 1;
        await office.Locator("#grade_year").FillAsync(year.ToString());
        await office.Locator("#grade").SelectOptionAsync("Excellent");
        await office.Locator("#grade_reasons").FillAsync("年度考核优秀，矛盾纠纷化解成效突出");
        await office.GetByRole(AriaRole.Button, new() { Name = "确定档次" }).ClickAsync();
        await Expect(office.Locator("[data-test=done]")).ToBeVisibleAsync();
        await ScreenshotAsync(office, "archive");
        await office.GotoAsync("/archives?name=王刚");
        await Interactive(office);
        await Expect(office.Locator("[data-test=archives]")).ToContainTextAsync($"{year} 优秀");

        // The provincial organisation department consults on 张伟, whom the province's party committee manages; the answer
        // is signed and its written opinion opens on the officer's own session.
        var organisation = await OpenAsync("province.organisation", $"/archives/{zhang}");
        await organisation.Locator("#purpose").SelectOptionAsync("Promotion");
        await organisation.Locator("#reference").FillAsync("豫组干〔2026〕12号");
        await organisation.GetByRole(AriaRole.Button, new() { Name = "征求意见", Exact = true }).ClickAsync();
        var answer = organisation.Locator("[data-test=consultation]");
        await Expect(answer).ToContainTextAsync("张伟");
        await Expect(answer.Locator("[data-test=verdict]")).ToHaveTextAsync("无不得评优、晋职情形");
        await ScreenshotAsync(organisation, "consultation");
        var opinion = await organisation.Context.APIRequest.GetAsync(await answer.Locator("[data-test=opinion]").GetAttributeAsync("href") is { } href
            ? new Uri(new Uri(portal.PortalUrl + "/"), href).ToString() : throw new InvalidOperationException("no opinion link"));
        Assert.Equal(200, opinion.Status);
        Assert.StartsWith("text/html", opinion.Headers["content-type"]);
        Assert.Contains("张伟", await opinion.TextAsync());

        // 王刚 is managed by 郑州's party committee: the province's department is refused, and nothing is answered.
        await organisation.GotoAsync($"/archives/{wang}");
        await Interactive(organisation);
        await organisation.GetByRole(AriaRole.Button, new() { Name = "征求意见", Exact = true }).ClickAsync();
        await Expect(organisation.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "PermissionDenied");
        await Expect(organisation.Locator("[data-test=consultation]")).ToHaveCountAsync(0);
        await organisation.CloseAsync();
        await office.CloseAsync();
    }
}
