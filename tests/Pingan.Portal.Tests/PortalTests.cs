using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pingan.Sanctions.Api;
using LettersApi = Pingan.Letters.Api;
using Pingan.Security;
using static Microsoft.Playwright.Assertions;
using static Pingan.Portal.Tests.PortalStack;

namespace Pingan.Portal.Tests;

/// <summary>What office staff and leaders do in the portal, in chromium, each assertion what the person sees.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalTests(PortalFixture portal)
{
    static PortalTests() => SetDefaultExpectTimeout(20_000);

    private static string Day(int daysFromToday) =>
        DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(daysFromToday).ToString("yyyy-MM-dd");

    private async Task<IPage> OpenAsync(string userName, string path)
    {
        var page = await (await portal.SignedInAsync(userName)).NewPageAsync();
        await page.GotoAsync(path);
        await Interactive(page);
        return page;
    }

    /// <summary>The case's status as shown; on a mismatch, the refusal the page shows, if any, is in the message.</summary>
    private static Task ExpectStatusAsync(IPage page, string status) => ExpectShownAsync(page, "status", status, exact: true);

    /// <summary>The confirmation of an action done; on a mismatch, the refusal the page shows, if any, is in the message.</summary>
    private static Task ExpectDoneAsync(IPage page, string done) => ExpectShownAsync(page, "done", done, exact: false);

    private static async Task ExpectShownAsync(IPage page, string element, string text, bool exact)
    {
        try
        {
            var locator = page.Locator($"[data-test={element}]");
            if (exact) await Expect(locator).ToHaveTextAsync(text);
            else await Expect(locator).ToContainTextAsync(text);
        }
        catch (PlaywrightException e)
        {
            var shown = await page.Locator("#main").InnerTextAsync();
            throw new Xunit.Sdk.XunitException($"{element} does not show {text}; the page shows: {shown}\n{e.Message}");
        }
    }

    [GeneratedRegex("/cases/(?!new)[^/?]+$")]
    private static partial Regex CasePage();

    [Fact]
    public async Task A_notice_walks_from_the_office_to_the_leaders_desk_to_the_county_and_back_to_its_close_Art33_Art34_Art38()
    {
        var office = await OpenAsync("zhengzhou.office", "/cases/new");
        await office.GetByLabel("对象单位代码").FillAsync(Zhongyuan);
        await office.GetByLabel("情形（第三十一条第几项，1-9）").FillAsync("4");
        await office.GetByLabel("来源").SelectOptionAsync("Incident");
        await office.GetByLabel("危害程度").SelectOptionAsync("Ordinary");
        await office.GetByLabel("发生日期").FillAsync(Day(-3));
        await office.GetByLabel("情况摘要").FillAsync("中原区发生一起群体性事件，处置不力");
        await ScreenshotAsync(office, "case-new");
        await office.GetByRole(AriaRole.Button, new() { Name = "立案", Exact = true }).ClickAsync();
        await office.WaitForURLAsync(CasePage());
        var caseUrl = new Uri(office.Url).AbsolutePath;
        await Expect(office.Locator("[data-test=status]")).ToHaveTextAsync("已立案");

        // The office verifies and proposes the notice (Art. 33); the case now awaits the commission's decision.
        await office.GetByLabel("拟采取的措施").SelectOptionAsync("Notice");
        await office.GetByLabel("核实情况").FillAsync("经核实，情况属实");
        await office.GetByRole(AriaRole.Button, new() { Name = "提出意见" }).ClickAsync();
        await ExpectStatusAsync(office, "待决定");
        // The office may not decide: the decision is the commission leader's. It may still record a circumstance (Art. 40-41).
        await Expect(office.Locator("[data-test=decide]")).ToHaveCountAsync(0);
        await Expect(office.Locator("[data-test=propose]")).ToHaveCountAsync(0);
        await Expect(office.Locator("[data-test=circumstance]")).ToBeVisibleAsync();

        // The leader finds it on the desk, among the cases awaiting a decision, and approves it today.
        var leader = await OpenAsync("zhengzhou.leader", "/");
        await Expect(leader.Locator("[data-test=todo-decisions]")).ToContainTextAsync("中原区");
        await ScreenshotAsync(leader, "home");
        await leader.Locator("[data-test=todo-decisions] a", new() { HasText = "中原区" }).First.ClickAsync();
        await leader.WaitForURLAsync("**" + caseUrl);
        await Expect(leader.GetByLabel("决定日期")).ToHaveValueAsync(Day(0));
        await leader.GetByRole(AriaRole.Button, new() { Name = "作出决定" }).ClickAsync();
        await ExpectStatusAsync(leader, "整改中");
        await Expect(leader.Locator("[data-test=stage]")).ToHaveTextAsync("通报");
        await Expect(leader.Locator("[data-test=trace]")).ToContainTextAsync("Art. 33");

        // Each open deadline carries its light: yellow within the week before its day, green before that.
        var rows = leader.Locator("[data-test=deadlines] tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        Assert.True(await rows.CountAsync() > 0);
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var cells = rows.Nth(i).Locator("td");
            var due = DateOnly.Parse((await cells.Nth(1).InnerTextAsync())[..10], System.Globalization.CultureInfo.InvariantCulture);
            var state = await cells.Nth(2).InnerTextAsync();
            if (state != "PENDING") continue;
            var expected = due <= DateOnly.Parse(Day(7), System.Globalization.CultureInfo.InvariantCulture) ? "黄灯" : "绿灯";
            await Expect(cells.Nth(3)).ToHaveTextAsync(expected);
        }
        await ScreenshotAsync(leader, "case");

        // 中原区, the subject, answers on the same page (Art. 33-34): an application before its measures are reported
        // is refused with the reason; then it reports them and applies.
        var county = await OpenAsync("zhongyuan.office", caseUrl);
        await county.GetByLabel("整改完成情况说明").FillAsync("已整改");
        await county.GetByRole(AriaRole.Button, new() { Name = "申请验收", Exact = true }).ClickAsync();
        await Expect(county.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "FailedPrecondition");
        await Expect(county.Locator("[data-test=problem]")).ToContainTextAsync("请先报告整改措施");
        await ExpectStatusAsync(county, "整改中");
        await county.GetByLabel("报告类别").SelectOptionAsync("Measures");
        await county.GetByLabel("内容", new() { Exact = true }).FillAsync("已制定整改措施并落实");
        await county.GetByRole(AriaRole.Button, new() { Name = "报送" }).ClickAsync();
        await Expect(county.Locator("[data-test=done]")).ToContainTextAsync("已报送");
        await county.GetByLabel("整改完成情况说明").FillAsync("整改完成，申请验收");
        await county.GetByRole(AriaRole.Button, new() { Name = "申请验收", Exact = true }).ClickAsync();
        await ExpectStatusAsync(county, "已申请验收");
        await county.CloseAsync();

        // The city's office, which issued the notice, checks it and closes the case (Art. 34).
        await office.GotoAsync(caseUrl);
        await Interactive(office);
        await office.GetByLabel("检查情况").FillAsync("整改到位");
        await office.GetByRole(AriaRole.Button, new() { Name = "提交验收结论" }).ClickAsync();
        await ExpectStatusAsync(office, "已结案");

        // The same page in English, through the switch in the header; and back.
        await leader.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Interactive(leader);
        await Expect(leader.Locator("[data-test=status]")).ToHaveTextAsync("Closed");
        await Expect(leader.Locator("[data-test=stage]")).ToHaveTextAsync("Notice");
        await ScreenshotAsync(leader, "case");
        await leader.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Interactive(leader);
        await Expect(leader.Locator("[data-test=status]")).ToHaveTextAsync("已结案");
        await leader.CloseAsync();
        await office.CloseAsync();
    }

    [Fact]
    public async Task The_city_records_an_aggravating_circumstance_and_the_five_department_joint_meeting_and_lists_a_county_on_its_proposal_Art24_Art35_Art40()
    {
        var office = await OpenAsync("zhengzhou.office", "/cases/new");
        await office.GetByLabel("对象单位代码").FillAsync(Erqi);
        await office.GetByLabel("情形（第三十一条第几项，1-9）").FillAsync("4");
        await office.GetByLabel("来源").SelectOptionAsync("Incident");
        await office.GetByLabel("危害程度").SelectOptionAsync("Serious");
        await office.GetByLabel("发生日期").FillAsync(Day(-5));
        await office.GetByLabel("情况摘要").FillAsync("二七区发生一起重大群体性事件，影响恶劣");
        await office.GetByRole(AriaRole.Button, new() { Name = "立案", Exact = true }).ClickAsync();
        await office.WaitForURLAsync(CasePage());
        var caseUrl = new Uri(office.Url).AbsolutePath;
        await Expect(office.Locator("[data-test=status]")).ToHaveTextAsync("已立案");

        // A serious case enters at the admonishment at most (Art. 34): a listing is refused with the reason.
        await office.GetByLabel("拟采取的措施").SelectOptionAsync("Listing");
        await office.GetByLabel("核实情况").FillAsync("调查组核实，情况属实");
        await office.GetByLabel("直接采取该措施的理由（如适用）").FillAsync("危害严重，且干扰调查");
        await office.GetByRole(AriaRole.Button, new() { Name = "提出意见" }).ClickAsync();
        await Expect(office.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "FailedPrecondition");
        await Expect(office.Locator("[data-test=problem]")).ToContainTextAsync("须案情更为严重");

        // An aggravating circumstance on record allows a stage higher (Art. 40).
        await office.GetByLabel("情节", new() { Exact = true }).SelectOptionAsync("Obstruction");
        await office.GetByLabel("具体情况").FillAsync("事发后指使他人删除现场视频，干扰调查");
        await office.GetByLabel("证据材料").FillAsync("郑州市委政法委调查笔录");
        await office.GetByRole(AriaRole.Button, new() { Name = "记录情节" }).ClickAsync();
        await ExpectDoneAsync(office, "已记录情节");
        await Expect(office.Locator("[data-test=circumstances] tbody tr")).ToContainTextAsync("从重：干扰、阻碍调查和责任追究");

        // A listing without a joint meeting is refused, the reason beside the meeting's field (Art. 35).
        await office.GetByLabel("拟采取的措施").SelectOptionAsync("Listing");
        await office.GetByLabel("核实情况").FillAsync("调查组核实，情况属实");
        await office.GetByLabel("直接采取该措施的理由（如适用）").FillAsync("危害严重，且干扰调查");
        await office.GetByRole(AriaRole.Button, new() { Name = "提出意见" }).ClickAsync();
        await Expect(office.Locator("#joint_meeting_id-error")).ToContainTextAsync("五部门联席会议");
        await ExpectStatusAsync(office, "已立案");

        // The meeting of four departments is refused naming the one missing (Art. 24); with all five it is recorded.
        var meeting = office.Locator("[data-test=joint-meeting]");
        foreach (var (department, name, unit) in new[]
        {
            ("综治", "郑州市委政法委 王军", ""), ("纪检", "郑州市纪委 陈静", Zhengzhou + "-CDI"), ("监察", "郑州市监委 林涛", Zhengzhou + "-CDI"),
            ("组织", "郑州市委组织部 周敏", Zhengzhou + "-ORG"),
        })
        {
            await meeting.GetByLabel($"{department} 出席人").FillAsync(name);
            if (unit.Length > 0) await meeting.GetByLabel($"{department} 所代表的单位").SelectOptionAsync(unit);
        }
        await meeting.GetByLabel("会议纪要").FillAsync("五部门联席会议研究，建议对二七区挂牌督办");
        await meeting.GetByRole(AriaRole.Button, new() { Name = "记录联席会议" }).ClickAsync();
        await Expect(office.Locator("#attendees-error")).ToContainTextAsync("PERSONNEL");
        await Expect(office.Locator("[data-test=joint-meetings]")).ToHaveCountAsync(0);
        await meeting.GetByLabel("人事 出席人").FillAsync("郑州市人社局 孙丽");
        await meeting.GetByLabel("人事 所代表的单位").SelectOptionAsync(Zhengzhou + "-HRSS");
        await meeting.GetByRole(AriaRole.Button, new() { Name = "记录联席会议" }).ClickAsync();
        await ExpectDoneAsync(office, "已记录联席会议");
        var held = office.Locator("[data-test=joint-meetings] tbody tr");
        await Expect(held).ToHaveCountAsync(1);
        await Expect(held.Locator("td").Nth(1)).ToContainTextAsync("人事 郑州市人社局 孙丽");
        await Expect(held.Locator("td").Nth(2)).ToHaveTextAsync("是");

        // The listing is proposed on that meeting, and the commission's leader decides it.
        await office.GetByLabel("拟采取的措施").SelectOptionAsync("Listing");
        await office.GetByLabel("核实情况").FillAsync("调查组核实，情况属实");
        await office.GetByLabel("直接采取该措施的理由（如适用）").FillAsync("危害严重，且干扰调查");
        await Expect(office.GetByLabel("提出建议的联席会议")).ToHaveValueAsync((await held.GetAttributeAsync("data-meeting"))!);
        await ScreenshotAsync(office, "case-joint-meeting");
        await office.GetByRole(AriaRole.Button, new() { Name = "提出意见" }).ClickAsync();
        await ExpectStatusAsync(office, "待决定");

        var leader = await OpenAsync("zhengzhou.leader", caseUrl);
        await leader.GetByRole(AriaRole.Button, new() { Name = "作出决定" }).ClickAsync();
        await ExpectStatusAsync(leader, "整改中");
        await Expect(leader.Locator("[data-test=stage]")).ToHaveTextAsync("挂牌督办");
        await Expect(leader.Locator("[data-test=trace]")).ToContainTextAsync("Art. 40(1)");
        // Art. 35 "抄送纪检监察机关、组织人事部门": the units the meeting's attendees represented receive a copy.
        foreach (var copied in new[] { "中共郑州市纪律检查委员会", "中共郑州市委组织部", "郑州市人力资源和社会保障局" })
            await Expect(leader.Locator("ul li", new() { HasText = copied })).ToContainTextAsync("（抄送）");
        await leader.CloseAsync();

        // The city's office interviews 二七区's leaders (Art. 35) and refers its party secretary for discipline (Art. 32, 39).
        await office.ReloadAsync();
        await Interactive(office);
        await office.GetByLabel("约谈人").FillAsync("郑州市委政法委书记");
        await office.GetByLabel("约谈记录", new() { Exact = true }).FillAsync("通报挂牌督办决定，提出整改要求");
        await office.GetByRole(AriaRole.Button, new() { Name = "记录约谈" }).ClickAsync();
        await ExpectShownAsync(office, "interviewees", "刘洋", exact: false);
        await Expect(office.Locator("[data-test=interviewees]")).ToContainTextAsync("刘洋（党政主要负责人）");
        await office.GetByLabel("建议措施").SelectOptionAsync("PartyDiscipline");
        await office.Locator("[data-test=refer]").GetByLabel("刘洋").CheckAsync();
        await office.GetByLabel("移送理由").FillAsync("干扰调查，情节严重");
        await office.GetByRole(AriaRole.Button, new() { Name = "移送", Exact = true }).ClickAsync();
        await ExpectDoneAsync(office, "已移送");
        var referral = office.Locator("[data-test=referrals] tbody tr");
        await Expect(referral).ToHaveCountAsync(1);
        await Expect(referral.Locator("td").Nth(0)).ToHaveTextAsync("党纪政纪处分（纪检监察机关）");
        await Expect(referral.Locator("td").Nth(1)).ToHaveTextAsync("刘洋");
        await ScreenshotAsync(office, "case-listing");
        await office.CloseAsync();
    }

    [Fact]
    public async Task The_province_selects_a_county_for_listing_on_its_joint_meetings_proposal_and_the_city_names_the_leader_who_follows_it_up_Art35_Art36()
    {
        var office = await OpenAsync("province.office", "/cases/listing-batch");
        var form = office.Locator("[data-test=listing-batch]");
        await form.GetByLabel("县（市、区）").SelectOptionAsync(Jinshui);
        await form.GetByLabel("情形（第三十一条第几项，1-9）").FillAsync("2");
        foreach (var (department, name, unit) in new[]
        {
            ("综治", "省委政法委 郑华", ""), ("纪检", "省纪委 马骏", Province + "-CDI"), ("监察", "省监委 高远", Province + "-CDI"),
            ("组织", "省委组织部 宋平", Province + "-ORG"), ("人事", "省人社厅 韩梅", Province + "-HRSS"),
        })
        {
            await form.GetByLabel($"{department} 出席人").FillAsync(name);
            if (unit.Length > 0) await form.GetByLabel($"{department} 所代表的单位").SelectOptionAsync(unit);
        }
        await form.GetByLabel("会议纪要").FillAsync("五部门联席会议研究，建议对金水区挂牌督办");
        // Without its prominent problems the county is refused, the service's reason in Chinese beside the field.
        await form.GetByRole(AriaRole.Button, new() { Name = "提出挂牌督办" }).ClickAsync();
        await Expect(office.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "InvalidArgument");
        await Expect(office.Locator("[id='entries[0].reasons-error']")).ToContainTextAsync("必填");
        // The summary repeats the field's message in words, never the request's field path.
        await Expect(office.Locator("[data-test=problem]")).ToContainTextAsync("共 1 处需要更正：必填");
        await Expect(office.Locator("[data-test=problem]")).Not.ToContainTextAsync("entries[0]");
        await ScreenshotAsync(office, "listing-batch-refused");

        await form.GetByLabel("突出问题").FillAsync("命案、盗抢案件高发，群众安全感下降");
        await form.GetByRole(AriaRole.Button, new() { Name = "提出挂牌督办" }).ClickAsync();
        await ExpectDoneAsync(office, "已提出 1 个县（市、区）挂牌督办");
        var row = office.Locator("[data-test=batch] tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("金水区");
        await Expect(row).ToContainTextAsync("待决定");
        var caseUrl = await row.GetByRole(AriaRole.Link).GetAttributeAsync("href");
        await office.CloseAsync();

        // The provincial commission's leader finds it on the desk and decides the listing.
        var leader = await OpenAsync("province.leader", "/");
        await leader.Locator("[data-test=todo-decisions] a", new() { HasText = "金水区" }).First.ClickAsync();
        await leader.WaitForURLAsync("**/" + caseUrl);
        await Interactive(leader);
        await leader.GetByRole(AriaRole.Button, new() { Name = "作出决定" }).ClickAsync();
        await ExpectStatusAsync(leader, "整改中");
        await Expect(leader.Locator("[data-test=stage]")).ToHaveTextAsync("挂牌督办");
        await leader.CloseAsync();

        // Zhengzhou, the level between, follows the listing up and names one of its own leaders (Art. 36).
        var city = await OpenAsync("zhengzhou.office", "/" + caseUrl);
        await ExpectStatusAsync(city, "整改中");
        await Expect(city.Locator("[data-test=follow-up]")).ToContainTextAsync("尚未明确跟踪督办的领导");
        await city.GetByLabel("领导", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "张伟（中共郑州市委员会 书记）" });
        await city.GetByRole(AriaRole.Button, new() { Name = "明确", Exact = true }).ClickAsync();
        await ExpectDoneAsync(city, "已明确跟踪督办的领导");
        await Expect(city.Locator("[data-test=follow-up]")).ToContainTextAsync("张伟");
        await ScreenshotAsync(city, "case-follow-up");
        await city.CloseAsync();
    }

    /// <summary>A case the city's office opens against 二七区 (through the API), which 中原区's office must not read.</summary>
    private async Task<Case> OpenErqiCaseAsync(string summary) =>
        await new Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice)).OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Erqi, Clause = 4, Source = Source.Incident, Severity = Severity.Ordinary, IncidentOn = Day(-5), Summary = summary,
        });

    [Fact]
    public async Task A_county_office_cannot_open_a_sibling_countys_case_from_a_crafted_URL()
    {
        var erqi = await OpenErqiCaseAsync("二七区的案件，中原区无权查看");

        var county = await OpenAsync("zhongyuan.office", $"/cases/{erqi.CaseId}");
        var problem = county.Locator("[data-test=problem]");
        await Expect(problem).ToBeVisibleAsync();
        Assert.Contains(await problem.GetAttributeAsync("data-code"), new[] { "PermissionDenied", "NotFound" });
        await Expect(county.Locator("[data-test=case]")).ToHaveCountAsync(0);
        await Expect(county.GetByText("中原区无权查看")).ToHaveCountAsync(0);
        await ScreenshotAsync(county, "case-refused");

        // Nor does the list show it: it is filtered by the same rule.
        await county.GotoAsync("/cases");
        await Interactive(county);
        await Expect(county.Locator("[data-test=cases]")).ToBeVisibleAsync();
        await Expect(county.GetByText("二七区")).ToHaveCountAsync(0);
        await county.CloseAsync();
    }

    [Fact]
    public async Task The_auditor_finds_a_countys_denied_attempt_at_a_siblings_case_and_the_chain_holding_while_an_office_cannot_read_the_trail()
    {
        var erqi = await OpenErqiCaseAsync("二七区的案件，供审计");
        // The county office tries the sibling's case from a crafted URL: denied, and the denial is audited.
        var county = await OpenAsync("zhongyuan.office", $"/cases/{erqi.CaseId}");
        await Expect(county.Locator("[data-test=problem]")).ToBeVisibleAsync();
        // The trail is the auditor's: an office has no menu entry for it, and the service denies it the address.
        await Expect(county.GetByRole(AriaRole.Link, new() { Name = "审计日志" })).ToHaveCountAsync(0);
        await county.GotoAsync("/audit");
        await Interactive(county);
        await Expect(county.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "PermissionDenied");
        await Expect(county.Locator("[data-test=entries]")).ToHaveCountAsync(0);
        await county.CloseAsync();

        var auditor = await OpenAsync("province.auditor", "/");
        await auditor.GetByRole(AriaRole.Link, new() { Name = "审计日志" }).ClickAsync();
        await Interactive(auditor);
        var filter = auditor.Locator("[data-test=filter]");
        await filter.GetByLabel("服务").SelectOptionAsync("sanctions");
        await filter.GetByLabel("操作人（账号或姓名）").FillAsync("张志强");
        await filter.GetByLabel("对象（开头部分，如 case/）").FillAsync($"case/{erqi.CaseId}");
        await filter.GetByLabel("结果").SelectOptionAsync("DENIED");
        await filter.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        // The page's read (made again when the page turns interactive), each one denied and filed under the case.
        var denied = auditor.Locator("[data-test=entries] tbody tr");
        await Expect(denied.First).ToContainTextAsync("Cases.GetCase");
        foreach (var row in await denied.AllAsync())
        {
            await Expect(row).ToContainTextAsync("Cases.GetCase");
            await Expect(row.Locator("[data-test=outcome]")).ToHaveTextAsync("无权");
            await Expect(row).ToContainTextAsync("410102000000-PLC");
        }

        // The case's opening, by whom it was done, under the same target; the filter is in the address, so it can be sent on.
        await filter.GetByLabel("操作人（账号或姓名）").FillAsync("");
        await filter.GetByLabel("结果").SelectOptionAsync("SUCCEEDED");
        await filter.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(auditor).ToHaveURLAsync(new Regex("outcome=SUCCEEDED"));
        var opened = auditor.Locator("[data-test=entries] tbody tr", new() { HasText = "Cases.OpenCase" });
        await Expect(opened).ToHaveCountAsync(1);
        await Expect(opened.Locator("[data-test=outcome]")).ToHaveTextAsync("成功");

        await auditor.GetByRole(AriaRole.Button, new() { Name = "校验审计链" }).ClickAsync();
        await Expect(auditor.Locator("[data-test=chain]")).ToHaveAttributeAsync("data-intact", "true");
        await Expect(auditor.Locator("[data-test=chain]")).ToContainTextAsync("审计链完整");
        await ScreenshotAsync(auditor, "audit");
        await auditor.CloseAsync();
    }

    /// <summary>Nobody reads a page unsigned: a crafted URL without a session leads to the identity service's sign-in.</summary>
    [Theory]
    [InlineData("/cases")]
    [InlineData("/letters")]
    [InlineData("/registry")]
    [InlineData("/dashboard")]
    public async Task A_visitor_without_a_session_is_sent_to_sign_in_before_any_page(string path)
    {
        await using var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.PortalUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Expect(page.GetByLabel("用户名 User name")).ToBeVisibleAsync();
        Assert.StartsWith(portal.Identity.Rest.BaseAddress!.GetLeftPart(UriPartial.Authority), page.Url);
        await Expect(page.Locator("[data-test=cases], [data-test=letters], [data-test=registry]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_bad_request_shows_the_services_message_beside_the_field_and_opens_nothing()
    {
        var city = new Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice));
        var before = (await city.ListCasesAsync(new ListCasesRequest { UnitCode = Zhengzhou, PageSize = 500 })).Cases.Count;

        var office = await OpenAsync("zhengzhou.office", "/cases/new");
        await office.GetByLabel("对象单位代码").FillAsync(Zhongyuan);
        await office.GetByLabel("情形（第三十一条第几项，1-9）").FillAsync("12");
        await office.GetByLabel("发生日期").FillAsync(Day(-1));
        await office.GetByLabel("情况摘要").FillAsync("第十二项不存在");
        await office.GetByRole(AriaRole.Button, new() { Name = "立案", Exact = true }).ClickAsync();

        await Expect(office.Locator("[data-test=problem]")).ToHaveAttributeAsync("data-code", "InvalidArgument");
        await Expect(office.Locator("[data-test=problem]")).ToContainTextAsync("请更正标出的内容");
        await Expect(office.Locator("#clause-error")).ToBeVisibleAsync();
        await ScreenshotAsync(office, "case-new-refused");
        Assert.EndsWith("/cases/new", office.Url);
        Assert.Equal(before, (await city.ListCasesAsync(new ListCasesRequest { UnitCode = Zhengzhou, PageSize = 500 })).Cases.Count);
        await office.CloseAsync();
    }

    [Fact]
    public async Task The_registry_walks_down_the_tree_and_shows_the_leaders_in_office_on_the_day_chosen()
    {
        var page = await OpenAsync("province.office", "/registry");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("河南省");
        await page.Locator("[data-test=children]").GetByRole(AriaRole.Link, new() { Name = "郑州市", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("郑州市");
        await page.Locator("[data-test=children]").GetByRole(AriaRole.Link, new() { Name = "中原区", Exact = true }).ClickAsync();
        await page.Locator("[data-test=children]").GetByRole(AriaRole.Link, new() { Name = "中共郑州市中原区委员会" }).ClickAsync();
        await Expect(page.Locator("[data-test=ancestors]")).ToContainTextAsync("河南省");
        await Expect(page.Locator("[data-test=leaders]")).ToContainTextAsync("王刚");
        await ScreenshotAsync(page, "registry");

        // Before his term began (1 June 2021) nobody is on record.
        await page.GetByLabel("查询日期").FillAsync("2021-05-31");
        await Expect(page).ToHaveURLAsync(new Regex("asOf=2021-05-31"));
        await Expect(page.Locator("[data-test=leaders]")).ToHaveCountAsync(0);
        await Expect(page.GetByText("该日无在任领导记录")).ToBeVisibleAsync();
        await page.CloseAsync();
    }

    [Fact]
    public async Task Each_side_signs_the_letter_in_its_own_browser_with_a_key_made_there_and_the_platform_never_holds_it_Art13()
    {
        var province = await portal.AsAsync(portal.Letters, Province, PinganRoles.CommissionOffice);
        var template = await new LettersApi.Templates.TemplatesClient(province).CreateTemplateAsync(new LettersApi.CreateTemplateRequest
        {
            Year = DateTime.UtcNow.Year, IssuerCode = Province, Title = "平安建设目标管理责任书（签署测试）", KeyTasks = { "矛盾纠纷排查化解" },
            Targets = { new LettersApi.TargetDraft { Code = "1", Indicator = "矛盾纠纷化解率", TargetValue = "95", UnitOfMeasure = "%", EvidenceRequired = "调解台账", Weight = "100" } },
        });
        var issued = await new LettersApi.Letters.LettersClient(province).IssueLettersAsync(new LettersApi.IssueLettersRequest { TemplateId = template.TemplateId });
        var letter = issued.Letters.Single(l => l.ReceiverCode == Zhengzhou);

        // The province's office makes 李明's key in its browser and registers it, then signs as the issuer.
        var issuer = await OpenAsync("province.office", "/keys");
        await issuer.GetByRole(AriaRole.Button, new() { Name = "生成并登记 李明" }).ClickAsync();
        await Expect(issuer.Locator("[data-test=done]")).ToContainTextAsync("已为李明登记密钥");
        await ScreenshotAsync(issuer, "keys");
        await issuer.GotoAsync($"/letters/{letter.LetterId}/sign");
        await Interactive(issuer);
        await Expect(issuer.GetByLabel("签署人（当日主要负责同志）")).ToHaveValueAsync(new Regex(".+"));
        await issuer.GetByRole(AriaRole.Button, new() { Name = "在本设备签署" }).ClickAsync();
        await Expect(issuer.Locator("[data-test=signatures]")).ToContainTextAsync("发出方：李明");

        // Zhengzhou's office, in its own browser, has no key of 张伟 yet: refused there, before anything reaches the platform.
        var receiver = await OpenAsync("zhengzhou.office", $"/letters/{letter.LetterId}/sign");
        await receiver.GetByRole(AriaRole.Button, new() { Name = "在本设备签署" }).ClickAsync();
        await Expect(receiver.Locator("[data-test=problem]")).ToContainTextAsync("本设备上没有该领导的签名密钥");
        await receiver.GotoAsync("/keys");
        await Interactive(receiver);
        await receiver.GetByRole(AriaRole.Button, new() { Name = "生成并登记 张伟" }).ClickAsync();
        await Expect(receiver.Locator("[data-test=done]")).ToContainTextAsync("已为张伟登记密钥");
        await receiver.GotoAsync($"/letters/{letter.LetterId}/sign");
        await Interactive(receiver);
        await receiver.GetByRole(AriaRole.Button, new() { Name = "在本设备签署" }).ClickAsync();
        await Expect(receiver.Locator("[data-test=status]")).ToHaveTextAsync("已签订");
        await ScreenshotAsync(receiver, "letter-signed");

        // The letters service verifies both signatures over the canonical text; the private keys stayed in the browsers.
        var verification = await new LettersApi.Letters.LettersClient(province).VerifyLetterAsync(new LettersApi.VerifyLetterRequest { LetterId = letter.LetterId });
        Assert.Equal(2, verification.Signatures.Count);
        Assert.All(verification.Signatures, s => Assert.True(s.Valid, s.LeaderName));
        var stored = await receiver.EvaluateAsync<string>("Object.keys(localStorage).filter(k => k.startsWith('pingan.sm2.')).join(',')");
        Assert.NotEmpty(stored);
        await issuer.CloseAsync();
        await receiver.CloseAsync();
    }

    [Fact]
    public async Task The_province_sees_open_cases_by_city_on_the_map_and_ranked_with_ties_flagged()
    {
        var city = new Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice));
        await city.OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Erqi, Clause = 2, Source = Source.WrittenReport, Severity = Severity.Ordinary, IncidentOn = Day(-2), Summary = "二七区工作不力", ReportedBy = "郑州市公安局",
        });
        var open = (await city.ListCasesAsync(new ListCasesRequest { UnitCode = Zhengzhou, OpenOnly = true, PageSize = 500 })).Cases.Count;

        var page = await OpenAsync("province.office", "/dashboard");
        var ranking = page.Locator("[data-test=ranking] tbody tr");
        await Expect(ranking).ToHaveCountAsync(3);
        await Expect(ranking.Nth(0)).ToHaveTextAsync(new Regex($"^1郑州市{open}\\d+$"));
        // Kaifeng and Luoyang have none: they share the second place, flagged.
        await Expect(ranking.Nth(1)).ToContainTextAsync("2（并列）");
        await Expect(ranking.Nth(2)).ToContainTextAsync("2（并列）");
        // The map of Henan is drawn, and says in words what it shows.
        await Expect(page.Locator("[data-test=map]")).ToHaveAttributeAsync("data-rendered", "1");
        await Expect(page.Locator("[data-test=map] canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-test=map]")).ToHaveAttributeAsync("aria-label", new Regex($"郑州市 {open}"));
        await Expect(page.Locator("[data-test=trend]")).ToHaveAttributeAsync("data-rendered", "1");
        await ScreenshotAsync(page, "dashboard");
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_city_sees_its_counties_on_its_own_map_and_their_overdue_reports_as_the_inspections_service_counts_them_Art17()
    {
        var city = new Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice));
        await city.OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Erqi, Clause = 2, Source = Source.WrittenReport, Severity = Severity.Ordinary, IncidentOn = Day(-3), Summary = "二七区报送不及时", ReportedBy = "郑州市公安局",
        });
        var open = (await city.ListCasesAsync(new ListCasesRequest { UnitCode = Erqi, OpenOnly = true, PageSize = 500 })).Cases.Count;
        var year = DateTime.UtcNow.AddHours(8).Year;
        await new Pingan.Inspections.Api.ReportingDuties.ReportingDutiesClient(await portal.AsAsync(portal.Inspections, Province, PinganRoles.CommissionOffice))
            .GenerateDutyCalendarAsync(new Pingan.Inspections.Api.GenerateDutyCalendarRequest { Year = year });
        var lights = await new Pingan.Inspections.Api.ReportingDuties.ReportingDutiesClient(await portal.AsAsync(portal.Inspections, Zhengzhou, PinganRoles.CommissionOffice))
            .GetDutyLightsAsync(new Pingan.Inspections.Api.GetDutyLightsRequest { UnitCode = Zhengzhou, Year = year });

        var page = await OpenAsync("zhengzhou.office", "/dashboard");
        // Zhengzhou's own map, by county, drawn from the vendored boundaries, and said in words.
        var map = page.Locator("[data-test=map]");
        await Expect(map).ToHaveAttributeAsync("data-map", "郑州");
        await Expect(map).ToHaveAttributeAsync("data-rendered", "1");
        await Expect(map).ToHaveAttributeAsync("aria-label", new Regex($"二七区 {open}"));
        await Expect(page.Locator($"[data-test=ranking] tr[data-unit='{Erqi}'] td").Nth(2)).ToHaveTextAsync($"{open}");

        // The overdue reports layer: each county's lights as the inspections service counts them.
        await page.GetByRole(AriaRole.Link, new() { Name = "逾期报送" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "逾期报送" })).ToHaveAttributeAsync("aria-current", "page");
        foreach (var county in new[] { Zhongyuan, Erqi })
        {
            var row = page.Locator($"[data-test=duty-ranking] tr[data-unit='{county}'] td");
            var counts = lights.Rows.Where(r => r.CountyCode == county).ToList();
            await Expect(row.Nth(2)).ToHaveTextAsync($"{counts.Sum(r => r.Red)}");
            await Expect(row.Nth(3)).ToHaveTextAsync($"{counts.Sum(r => r.Yellow)}");
            await Expect(row.Nth(4)).ToHaveTextAsync($"{counts.Sum(r => r.Green)}");
            await Expect(row.Nth(5)).ToHaveTextAsync($"{counts.Sum(r => r.Grey)}");
        }
        await Expect(map).ToHaveAttributeAsync("aria-label", new Regex($"二七区 {lights.Rows.Where(r => r.CountyCode == Erqi).Sum(r => r.Red)}"));
        await Expect(page.Locator("[data-test=trend]")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "dashboard-city-duties");
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_province_colours_each_city_by_its_latest_assessment_grade_Art19_Art20()
    {
        // Last year's assessment of the cities, opened and scored by the province's office (Art. 20: before the year is out,
        // or just after); the dashboard shows the latest one scored.
        var year = DateTime.UtcNow.AddHours(8).Year - 1;
        var assessments = new Pingan.Assessments.Api.Assessments.AssessmentsClient(await portal.AsAsync(portal.Assessments, Province, PinganRoles.CommissionOffice));
        await assessments.OpenAssessmentAsync(new Pingan.Assessments.Api.OpenAssessmentRequest { AssessingCode = Province, Year = year });
        await assessments.ScoreAssessmentAsync(new Pingan.Assessments.Api.ScoreAssessmentRequest { AssessingCode = Province, Year = year });
        var ranking = await assessments.GetRankingAsync(new Pingan.Assessments.Api.GetRankingRequest { AssessingCode = Province, Year = year });
        Assert.NotEmpty(ranking.Units);

        var page = await OpenAsync("province.office", "/dashboard?layer=grades");
        await Expect(page.Locator("#ranking-title")).ToContainTextAsync($"{year}年度考核");
        foreach (var unit in ranking.Units.Where(u => u.UnitCode is Zhengzhou or Kaifeng or Luoyang))
        {
            var grade = unit.Grade switch { Pingan.Assessments.Api.Grade.Excellent => "优秀", Pingan.Assessments.Api.Grade.Pass => "合格", _ => "不合格" };
            var row = page.Locator($"[data-test=grade-ranking] tr[data-unit='{unit.UnitCode}'] td");
            await Expect(row.Nth(0)).ToHaveTextAsync($"{unit.Rank}{(unit.Tied ? "（并列）" : "")}");
            await Expect(row.Nth(3)).ToHaveTextAsync(new Regex($"^{grade}"));
            await Expect(page.Locator("[data-test=map]")).ToHaveAttributeAsync("aria-label", new Regex($"{unit.UnitName} {grade}"));
        }
        await Expect(page.Locator("[data-test=map]")).ToHaveAttributeAsync("data-rendered", "1");
        await ScreenshotAsync(page, "dashboard-grades");
        await page.CloseAsync();
    }

    [Theory]
    [InlineData("/dashboard", "平安建设态势", "Ping'an at a glance", "dashboard")]
    [InlineData("/", "我的工作台", "My desk", "home")]
    [InlineData("/registry", "组织机构", "Registry", "registry-root")]
    [InlineData("/letters", "目标管理责任书", "Responsibility letters", "letters")]
    [InlineData("/cases", "责任追究", "Accountability cases", "cases")]
    [InlineData("/inspections", "督导检查", "Supervision inspections", "inspections")]
    [InlineData("/duties", "报告任务日历", "Reporting duties", "duties")]
    [InlineData("/commendations", "表彰奖励", "Commendations", "commendations-root")]
    [InlineData("/incidents", "案事件报告", "Incident reports", "incidents")]
    [InlineData("/cases/listing-batch", "年度挂牌督办县（市、区）", "Yearly listing selection", "listing-batch")]
    [InlineData("/audit", "审计日志", "Audit trail", "audit-root", "province.auditor")]
    public async Task Every_main_page_opens_in_Chinese_and_in_English_without_a_refusal(string path, string zh, string en, string name, string user = "province.office")
    {
        var page = await OpenAsync(user, path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(zh);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("[data-test=problem]")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, name);
        await page.GotoAsync($"/culture?name=en&back={Uri.EscapeDataString(path)}");
        await Interactive(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(en);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("[data-test=problem]")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, name);
        await page.GotoAsync($"/culture?name=zh-CN&back={Uri.EscapeDataString(path)}");
        await page.CloseAsync();
    }
}
