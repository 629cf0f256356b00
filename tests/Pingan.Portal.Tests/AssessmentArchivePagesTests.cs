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

        // The assessment team scores 中原区's overall work (Art. 20): above the indicator's weight it is refused beside the
        // points; within it, recorded, and counted once the year is scored again.
        var score = office.Locator("[data-test=assessor-score]");
        await score.GetByLabel("单位").SelectOptionAsync(Zhongyuan);
        await score.GetByLabel("得分").FillAsync("12");
        await score.GetByLabel("评分理由").FillAsync("平安建设整体工作扎实，群众满意度高");
        await score.GetByLabel("依据（文件、走访、记录，每行一项）").FillAsync("中原区平安建设工作总结\n考核组实地走访记录");
        await score.GetByRole(AriaRole.Button, new() { Name = "记录评分" }).ClickAsync();
        await Expect(office.Locator("#points-error")).ToContainTextAsync("权重");
        await score.GetByLabel("得分").FillAsync("8.5");
        await score.GetByRole(AriaRole.Button, new() { Name = "记录评分" }).ClickAsync();
        await Expect(office.Locator("[data-test=done]")).ToContainTextAsync("已记录评分");
        await office.GetByRole(AriaRole.Button, new() { Name = "重新评分" }).ClickAsync();
        var zhongyuan = ranking.Locator($"tr[data-unit='{Zhongyuan}']");
        await zhongyuan.Locator("summary").ClickAsync();
        await Expect(zhongyuan.Locator(".portal-explanations li", new() { HasText = "overall-assessor" })).ToContainTextAsync("8.5 / 10");

        // The office lifts 二七区 to 合格, and must say why.
        await office.Locator("#adjust_unit").SelectOptionAsync(Erqi);
        await office.Locator("#adjust_grade").SelectOptionAsync("Pass");
        await office.GetByRole(AriaRole.Button, new() { Name = "调整", Exact = true }).ClickAsync();
        await Expect(office.Locator("#reasons-error")).ToBeVisibleAsync();
        await office.Locator("#adjust_reasons").FillAsync("年中遭受洪灾，平安建设工作经核实成效明显");
        await office.GetByRole(AriaRole.Button, new() { Name = "调整", Exact = true }).ClickAsync();
        await Expect(erqi.Locator("[data-test=grade]")).ToHaveTextAsync("合格");
        await office.Locator("#adjust_unit").SelectOptionAsync(Zhongyuan);
        await office.Locator("#adjust_grade").SelectOptionAsync("Excellent");
        await office.Locator("#adjust_reasons").FillAsync("全年未发生重大案事件，考核组核实工作成效突出");
        await office.GetByRole(AriaRole.Button, new() { Name = "调整", Exact = true }).ClickAsync();
        await Expect(zhongyuan.Locator("[data-test=grade]")).ToHaveTextAsync("优秀");
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

        // The excellent units' extra month (Art. 20, a "may"): the decision without its day is refused beside the day;
        // recorded, it names the unit and its document, and the list downloads as the salary channel's workbook.
        var extra = office.Locator("[data-test=record-extra-salary]");
        await extra.GetByLabel("中原区").CheckAsync();
        await extra.GetByLabel("决定文号").FillAsync("郑平安〔2026〕12号");
        await extra.GetByRole(AriaRole.Button, new() { Name = "记录增发决定" }).ClickAsync();
        await Expect(office.Locator("#decided_on-error")).ToBeVisibleAsync();
        await Expect(office.Locator("[data-test=extra-salary]")).ToHaveCountAsync(0);
        await extra.GetByLabel("决定日期").FillAsync(DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"));
        await extra.GetByRole(AriaRole.Button, new() { Name = "记录增发决定" }).ClickAsync();
        var decided = office.Locator("[data-test=extra-salary]");
        await Expect(decided).ToContainTextAsync("郑平安〔2026〕12号");
        await Expect(decided).ToContainTextAsync("中原区");
        var list = await office.Context.APIRequest.GetAsync(await decided.Locator("[data-test=extra-salary-list]").GetAttributeAsync("href") is { } href ? "/" + href : "");
        Assert.Equal(200, list.Status);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", list.Headers["content-type"]);
        Assert.Equal("PK", System.Text.Encoding.ASCII.GetString((await list.BodyAsync())[..2]));

        // The public's sense of security in a county (Art. 7(4)): more satisfied than asked is refused beside the count;
        // recorded, the rate and its interval are held against the target.
        var survey = office.Locator("[data-test=record-survey]");
        await survey.GetByLabel("被调查单位").SelectOptionAsync(Zhongyuan);
        await survey.GetByLabel("样本量（人）").FillAsync("1000");
        await survey.GetByLabel("感到安全的人数").FillAsync("1200");
        await survey.GetByLabel("调查机构").FillAsync("国家统计局郑州调查队");
        await survey.GetByLabel("调查结束日期").FillAsync(DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"));
        await survey.GetByRole(AriaRole.Button, new() { Name = "登记" }).ClickAsync();
        await Expect(office.Locator("#satisfied-error")).ToContainTextAsync("不得超过样本量");
        await survey.GetByLabel("感到安全的人数").FillAsync("950");
        await survey.GetByRole(AriaRole.Button, new() { Name = "登记" }).ClickAsync();
        var surveyed = office.Locator($"[data-test=surveys] tr[data-unit='{Zhongyuan}']");
        await Expect(surveyed).ToContainTextAsync("95.00%");
        await Expect(surveyed.Locator("[data-test=verdict]")).ToContainTextAsync("达到 90% 目标");
        await ScreenshotAsync(office, "assessment-extra-salary-survey");
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

    [Fact]
    public async Task The_office_proposes_an_advanced_unit_the_joint_meeting_endorses_it_and_the_leader_approves_it_Art24_Art26_Art28()
    {
        // Last year's commendations of Zhengzhou (its proposals are the city's own).
        var year = DateTime.UtcNow.AddHours(8).Year - 1;
        // Commended from the year's approved results (Art. 27): Zhengzhou's assessment of that year, approved with 中原区 优秀.
        var assessing = new Pingan.Assessments.Api.Assessments.AssessmentsClient(await portal.AsAsync(portal.Assessments, Zhengzhou, PinganRoles.CommissionOffice));
        await assessing.OpenAssessmentAsync(new Pingan.Assessments.Api.OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = year });
        await assessing.ScoreAssessmentAsync(new Pingan.Assessments.Api.ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = year });
        await assessing.AdjustGradeAsync(new Pingan.Assessments.Api.AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = year, UnitCode = Zhongyuan, Grade = Pingan.Assessments.Api.Grade.Excellent, Reasons = "全年工作成效突出，经考核组核实" });
        await new Pingan.Assessments.Api.Assessments.AssessmentsClient(await portal.AsAsync(portal.Assessments, Zhengzhou, PinganRoles.CommissionLeader))
            .ApproveAssessmentAsync(new Pingan.Assessments.Api.ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = year });

        var office = await OpenAsync("zhengzhou.office", $"/commendations?year={year}");
        var propose = office.Locator("[data-test=propose]");
        await propose.GetByLabel("单位").SelectOptionAsync(Zhongyuan);
        await propose.GetByLabel("荣誉称号").FillAsync("全市平安建设工作先进单位");
        // Without its deeds the proposal is refused beside the citation, and nothing is proposed.
        await propose.GetByRole(AriaRole.Button, new() { Name = "提出建议" }).ClickAsync();
        await Expect(office.Locator("#citation-error")).ToBeVisibleAsync();
        await Expect(office.Locator("[data-test=commendations]")).ToHaveCountAsync(0);
        await propose.GetByLabel("主要事迹").FillAsync("全年未发生重大群体性事件，群众安全感位居全市第一");
        await propose.GetByRole(AriaRole.Button, new() { Name = "提出建议" }).ClickAsync();
        var row = office.Locator($"[data-test=commendations] tbody tr", new() { HasText = "中原区" });
        await Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("待联席会议研究");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("优秀");

        // The five-department joint meeting studies it and endorses it (Art. 24).
        var study = office.Locator("[data-test=study]");
        foreach (var (department, name) in new[] { ("综治", "王军"), ("纪检", "陈静"), ("监察", "林涛"), ("组织", "周敏"), ("人事", "孙丽") })
            await study.GetByLabel($"{department} 出席人").FillAsync(name);
        await study.GetByLabel("会议纪要").FillAsync("联席会议研究同意");
        await study.GetByRole(AriaRole.Button, new() { Name = "记录研究意见" }).ClickAsync();
        await Expect(row.Locator("[data-test=status]")).ToHaveTextAsync("已研究，待决定");
        // The decision is the leader's: the office is not offered it.
        await Expect(office.Locator("[data-test=decide]")).ToHaveCountAsync(0);
        await ScreenshotAsync(office, "commendations");

        var leader = await OpenAsync("zhengzhou.leader", $"/commendations?year={year}");
        await leader.GetByRole(AriaRole.Button, new() { Name = "作出决定" }).ClickAsync();
        await Expect(leader.Locator($"[data-test=commendations] tbody tr", new() { HasText = "中原区" }).Locator("[data-test=status]")).ToHaveTextAsync("已批准");
        await leader.CloseAsync();
        await office.CloseAsync();
    }
}
