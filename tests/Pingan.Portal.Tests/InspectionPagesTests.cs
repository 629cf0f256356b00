using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pingan.Inspections.Api;
using Pingan.Security;
using Pingan.Testing;
using static Microsoft.Playwright.Assertions;
using static Pingan.Portal.Tests.PortalStack;

namespace Pingan.Portal.Tests;

/// <summary>Inspections and reporting duties in the portal (Art. 14-18), in chromium, as the offices on both sides work them.</summary>
[Collection(PortalCollection.Name)]
public sealed partial class InspectionPagesTests(PortalFixture portal)
{
    static InspectionPagesTests() => SetDefaultExpectTimeout(20_000);

    // A 1×1 PNG, as a phone's photo would be recognised by its signature.
    private static readonly byte[] Photo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static int Year => DateTime.UtcNow.AddHours(8).Year;

    /// <summary>The referral form (an incident's or a finding's) sent with its reasons; the row then says under which clause.</summary>
    private static async Task ReferAsync(IPage page, ILocator form, ILocator row, string reasons, int clause)
    {
        await form.GetByLabel("移送理由").FillAsync(reasons);
        await form.GetByRole(AriaRole.Button, new() { Name = "移送", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-test=done]")).ToContainTextAsync("已移送责任追究");
        await Expect(row.Locator("[data-test=referred]")).ToHaveTextAsync($"已移送（第三十一条第{clause}项）");
    }

    [GeneratedRegex("/inspections/(?!new)[^/?]+$")]
    private static partial Regex InspectionPage();

    private async Task<IPage> OpenAsync(string userName, string path)
    {
        var page = await (await portal.SignedInAsync(userName)).NewPageAsync();
        await page.GotoAsync(path);
        await Interactive(page);
        return page;
    }

    private static async Task ExpectStatusAsync(IPage page, string status)
    {
        try
        {
            await Expect(page.Locator("[data-test=status]")).ToHaveTextAsync(status);
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"status is not {status}; the page shows: {await page.Locator("#main").InnerTextAsync()}\n{e.Message}");
        }
    }

    private static async Task ArriveAsync(IPage page, Regex url)
    {
        try
        {
            await page.WaitForURLAsync(url, new() { Timeout = 20_000 });
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"still at {page.Url}; the page shows: {await page.Locator("#main").InnerTextAsync()}\n{e.Message}");
        }
    }

    [Fact]
    public async Task A_special_inspection_is_planned_visited_its_finding_rectified_with_a_photo_and_verified_Art18()
    {
        // The city's office plans a special inspection of one district, with itself leading the team.
        var city = await OpenAsync("zhengzhou.office", "/inspections/new");
        await city.Locator("#form").SelectOptionAsync("Special");
        await city.Locator("#title").FillAsync("矛盾纠纷排查化解专项督查");
        await city.Locator("#work_item").FillAsync("矛盾纠纷排查化解");
        await city.GetByLabel("中原区", new() { Exact = true }).CheckAsync();
        await city.GetByRole(AriaRole.Button, new() { Name = "保存计划" }).ClickAsync();
        await ArriveAsync(city, InspectionPage());
        var url = new Uri(city.Url).AbsolutePath;
        await ExpectStatusAsync(city, "已计划");
        await Expect(city.Locator("[data-test=inspection]")).ToContainTextAsync("郑州市");

        await city.GetByRole(AriaRole.Button, new() { Name = "记录走访", Exact = true }).ClickAsync();
        await ExpectStatusAsync(city, "进行中");
        await Expect(city.Locator("[data-test=visits]")).ToContainTextAsync("中原区");

        // A finding with its photo and a demand of ten working days.
        await city.Locator("#description").FillAsync("三个社区未建立矛盾纠纷排查台账");
        await city.Locator("#rectification_demand").FillAsync("建立排查台账并逐月更新");
        await city.Locator("#finding_evidence").SetInputFilesAsync(new FilePayload { Name = "现场照片.png", MimeType = "image/png", Buffer = Photo });
        await Expect(city.Locator("[data-test=finding-evidence] li")).ToHaveTextAsync("现场照片.png");
        await city.GetByRole(AriaRole.Button, new() { Name = "记录问题", Exact = true }).ClickAsync();
        await Expect(city.Locator("[data-test=findings]")).ToContainTextAsync("三个社区未建立矛盾纠纷排查台账");
        await Expect(city.Locator("[data-test=findings]")).ToContainTextAsync("现场照片.png");
        // The photo opens from the portal on the person's own session, byte for byte as taken.
        var photo = await city.Context.APIRequest.GetAsync($"{portal.PortalUrl}/{await city.Locator("[data-test=findings] a").First.GetAttributeAsync("href")}");
        Assert.Equal((200, "image/png"), (photo.Status, photo.Headers["content-type"]));
        Assert.Equal(Photo, await photo.BodyAsync());

        await city.Locator("#summary").FillAsync("排查化解工作总体推进，个别社区台账缺失");
        await city.GetByRole(AriaRole.Button, new() { Name = "结束检查，下达整改" }).ClickAsync();
        await ExpectStatusAsync(city, "整改中");
        await Expect(city.Locator("[data-test=rectification]")).ToHaveTextAsync("待整改");
        await ScreenshotAsync(city, "inspection");

        // The district finds the demand on its desk, with its due day; reporting without evidence is refused beside the field.
        var county = await OpenAsync("zhongyuan.office", "/");
        var due = county.Locator("[data-test=todo-reports]");
        await Expect(due).ToContainTextAsync("建立排查台账并逐月更新");
        await due.GetByRole(AriaRole.Link, new() { Name = "督查整改：建立排查台账并逐月更新" }).ClickAsync();
        await county.WaitForURLAsync("**" + url);
        await Interactive(county);
        await Expect(county.Locator("[data-test=findings]")).ToContainTextAsync("建立排查台账并逐月更新");
        var rectify = county.Locator("[data-test=rectify]");
        await rectify.Locator("textarea").FillAsync("三个社区已建立台账，并纳入月度考核");
        await rectify.GetByRole(AriaRole.Button, new() { Name = "报告整改" }).ClickAsync();
        await Expect(county.Locator("#evidence_ids-error")).ToBeVisibleAsync();
        await Expect(county.Locator("[data-test=rectification]")).ToHaveTextAsync("待整改");
        await rectify.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "台账.png", MimeType = "image/png", Buffer = Photo });
        await Expect(rectify.Locator("li")).ToHaveTextAsync("台账.png");
        await rectify.GetByRole(AriaRole.Button, new() { Name = "报告整改" }).ClickAsync();
        await Expect(county.Locator("[data-test=rectification]")).ToHaveTextAsync("已报告，待核验");
        await Expect(county.Locator("[data-test=no-action]")).ToBeVisibleAsync();

        // The city verifies: not accepted without saying what is missing, then accepted; the inspection closes.
        await city.ReloadAsync();
        await Interactive(city);
        var verify = city.Locator("[data-test=verify]");
        await verify.GetByLabel("不通过").CheckAsync();
        await verify.GetByRole(AriaRole.Button, new() { Name = "提交核验结论" }).ClickAsync();
        await Expect(city.Locator("#verdict-error")).ToBeVisibleAsync();
        await ExpectStatusAsync(city, "整改中");
        await verify.GetByLabel("通过", new() { Exact = true }).CheckAsync();
        await verify.Locator("textarea").FillAsync("台账齐全");
        await verify.GetByRole(AriaRole.Button, new() { Name = "提交核验结论" }).ClickAsync();
        await ExpectStatusAsync(city, "已办结");
        await Expect(city.Locator("[data-test=rectification]")).ToContainTextAsync("已核验");

        // Both sides find it in their lists.
        await county.GotoAsync($"/inspections?year={Year}");
        await Interactive(county);
        await Expect(county.Locator("[data-test=inspections]")).ToContainTextAsync("矛盾纠纷排查化解专项督查");
        await county.CloseAsync();
        await city.CloseAsync();
    }

    [Fact]
    public async Task A_county_reports_a_mass_incident_in_writing_and_the_city_refers_it_to_accountability_Art38_Art31()
    {
        var county = await OpenAsync("zhongyuan.office", "/incidents");
        var report = county.Locator("[data-test=report-incident]");
        await report.GetByLabel("类别").SelectOptionAsync("MassIncident");
        await report.GetByLabel("发生地（单位代码）").FillAsync(Zhongyuan);
        // Without what happened, the report is refused, the service's reason in Chinese beside the field.
        await report.GetByRole(AriaRole.Button, new() { Name = "报告", Exact = true }).ClickAsync();
        await Expect(county.Locator("#summary-error")).ToContainTextAsync("必填");
        await Expect(county.Locator("[data-test=incidents]")).ToHaveCountAsync(0);
        await report.GetByLabel("基本情况").FillAsync("中原区某小区百余名业主聚集，堵塞道路两小时");
        await report.GetByRole(AriaRole.Button, new() { Name = "报告", Exact = true }).ClickAsync();
        await Expect(county.Locator("[data-test=done]")).ToContainTextAsync("已报告");
        var reported = county.Locator("[data-test=incidents] tbody tr", new() { HasText = "百余名业主聚集" });
        await Expect(reported).ToContainTextAsync("群体性事件");
        await Expect(reported.Locator("[data-test=late]")).ToHaveCountAsync(0);
        await county.CloseAsync();

        // The city's office reads it below and refers it under Art. 31(4); the sanctions service opens the case.
        var city = await OpenAsync("zhengzhou.office", "/incidents");
        var row = city.Locator("[data-test=incidents] tbody tr", new() { HasText = "百余名业主聚集" });
        await row.GetByRole(AriaRole.Button, new() { Name = "移送责任追究" }).ClickAsync();
        var refer = city.Locator("[data-test=refer-incident]");
        await refer.GetByLabel("情形（第三十一条第几项，1-9）").FillAsync("4");
        await ReferAsync(city, refer, row, "群体性事件处置不力，影响恶劣", clause: 4);
        await ScreenshotAsync(city, "incident-referred");
        await city.CloseAsync();
    }

    [Fact]
    public async Task A_finding_that_is_an_Art31_situation_is_referred_from_the_inspection_page_and_the_sanctions_service_opens_its_case_Art31()
    {
        // The city's office inspects 二七区 and finds an Art. 31(2) situation (recorded through the API; the page's own
        // planning and findings are walked in the special inspection's test).
        var inspections = new Pingan.Inspections.Api.Inspections.InspectionsClient(await portal.AsAsync(portal.Inspections, Zhengzhou, PinganRoles.CommissionOffice));
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
        var planned = await inspections.PlanInspectionAsync(new PlanInspectionRequest
        {
            Form = Form.Special, Year = Year, Title = "命案防控专项督查", WorkItem = "命案防控", StartsOn = today, EndsOn = today, TargetCodes = { Erqi },
            Team = { new TeamMember { Subject = "inspector-zz-01", Name = "郑州市平安办督查组 王磊", UnitCode = Zhengzhou + "-PLC", Leads = true } },
        });
        await inspections.RecordVisitAsync(new RecordVisitRequest { InspectionId = planned.InspectionId, TargetCode = Erqi, VisitedOn = today, Note = "听取汇报，查阅台账" });
        await inspections.RecordFindingAsync(new RecordFindingRequest
        {
            InspectionId = planned.InspectionId, TargetCode = Erqi, Concern = new Concern { Kind = ConcernKind.Art31Clause, Clause = 2 },
            Severity = FindingSeverity.Serious, Description = "二七区命案防控措施长期未落实", ObservedOn = today,
        });

        var city = await OpenAsync("zhengzhou.office", $"/inspections/{planned.InspectionId}");
        var row = city.Locator("[data-test=findings] tbody tr", new() { HasText = "命案防控措施长期未落实" });
        await row.GetByRole(AriaRole.Button, new() { Name = "移送责任追究" }).ClickAsync();
        var refer = city.Locator("[data-test=refer-finding]");
        // The finding's own clause is offered; without the reasons the referral is refused beside them, and nothing is referred.
        await Expect(refer.GetByLabel("情形（第三十一条第几项，1-9）")).ToHaveValueAsync("2");
        await refer.GetByRole(AriaRole.Button, new() { Name = "移送", Exact = true }).ClickAsync();
        await Expect(city.Locator("#reasons-error")).ToContainTextAsync("必填");
        await Expect(row.Locator("[data-test=referred]")).ToHaveTextAsync("移送责任追究");
        await ReferAsync(city, refer, row, "督查发现命案防控措施长期未落实，属第三十一条第二项情形", clause: 2);
        await ScreenshotAsync(city, "finding-referred");
        await city.CloseAsync();

        // The sanctions service opens the case from the referral, for the competent office to verify.
        var cases = new Pingan.Sanctions.Api.Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice));
        await Eventually.HoldsAsync(async () => (await cases.ListCasesAsync(new Pingan.Sanctions.Api.ListCasesRequest { UnitCode = Zhengzhou, PageSize = 500 })).Cases
            .Any(c => c.SubjectCode == Erqi && c.Source == Pingan.Sanctions.Api.Source.InspectionFinding && c.Clause == 2),
            TimeSpan.FromSeconds(60), "a case against 二七区 from the inspection's finding, under Art. 31(2)");
    }

    [Fact]
    public async Task A_plan_without_targets_is_refused_beside_the_field_and_a_county_is_offered_nothing_above_it()
    {
        // 中原区's office inspects within 中原区 only: the city is not among the targets offered; a plan naming none is refused.
        var county = await OpenAsync("zhongyuan.office", "/inspections/new");
        var targets = county.Locator("[data-test=targets]");
        await Expect(targets.GetByLabel("中共郑州市中原区委员会", new() { Exact = true })).ToHaveCountAsync(1);
        await Expect(targets.GetByLabel("郑州市", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(targets.GetByLabel("二七区", new() { Exact = true })).ToHaveCountAsync(0);
        await county.Locator("#title").FillAsync("越级检查");
        await county.Locator("#work_item").FillAsync("越级");
        await county.GetByRole(AriaRole.Button, new() { Name = "保存计划" }).ClickAsync();
        await Expect(county.Locator("#target_codes-error")).ToBeVisibleAsync();
        Assert.EndsWith("/inspections/new", county.Url);
        await county.CloseAsync();
    }

    [Fact]
    public async Task The_duty_calendar_shows_each_duty_with_its_light_and_the_office_submits_one_Art17()
    {
        var duties = new ReportingDuties.ReportingDutiesClient(await portal.AsAsync(portal.Inspections, Province, PinganRoles.CommissionOffice));
        await duties.GenerateDutyCalendarAsync(new GenerateDutyCalendarRequest { Year = Year });

        var city = await OpenAsync("zhengzhou.office", $"/duties?year={Year}");
        await Expect(city.Locator("[data-test=duty-lights]")).ToBeVisibleAsync();
        var row = city.Locator("[data-test=duties] tbody tr").Filter(new() { Has = city.GetByRole(AriaRole.Button, new() { Name = "报送" }) }).First;
        var dutyId = await row.GetAttributeAsync("data-duty");
        await row.GetByRole(AriaRole.Button, new() { Name = "报送" }).ClickAsync();
        var form = city.Locator("[data-test=submit-duty]");
        await form.Locator("#duty_text").FillAsync("郑州市综治委年度工作报告");
        await form.Locator("#duty_documents").SetInputFilesAsync(new FilePayload { Name = "报告.png", MimeType = "image/png", Buffer = Photo });
        await Expect(form.Locator("li")).ToHaveTextAsync("报告.png");
        await form.GetByRole(AriaRole.Button, new() { Name = "报送", Exact = true }).ClickAsync();
        await Expect(city.Locator("[data-test=done]")).ToBeVisibleAsync();
        var submitted = city.Locator($"[data-duty='{dutyId}']");
        await Expect(submitted.Locator("td").Nth(5)).Not.ToBeEmptyAsync();
        await ScreenshotAsync(city, "duties");
        await city.CloseAsync();
    }
}
