using System.Text.Json;
using Microsoft.Playwright;
using Pingan.Sanctions.Api;
using Pingan.Security;
using static Microsoft.Playwright.Assertions;
using static Pingan.Portal.Tests.PortalStack;

namespace Pingan.Portal.Tests;

/// <summary>
/// Every main page checked by axe-core (vendored in axe/, the rules used by accessibility auditors) against WCAG 2.1 A
/// and AA as the page stands for a person: labels, names, contrast, landmarks, language, keyboard reach. A page passes
/// with no violation at all; a failure names each rule and the elements that break it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalFixture portal)
{
    static AccessibilityTests() => SetDefaultExpectTimeout(20_000);

    private static readonly string Axe = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js"));

    [Theory]
    [InlineData("/", "zhengzhou.office")]
    [InlineData("/dashboard", "province.office")]
    [InlineData("/dashboard?layer=duties", "zhengzhou.office")]
    [InlineData("/registry", "zhengzhou.office")]
    [InlineData("/letters", "zhengzhou.office")]
    [InlineData("/templates/new", "zhengzhou.office")]
    [InlineData("/keys", "zhengzhou.office")]
    [InlineData("/cases", "zhengzhou.office")]
    [InlineData("/cases/new", "zhengzhou.office")]
    [InlineData("/cases/listing-batch", "province.office")]
    [InlineData("/inspections", "zhengzhou.office")]
    [InlineData("/inspections/new", "zhengzhou.office")]
    [InlineData("/incidents", "zhengzhou.office")]
    [InlineData("/duties", "zhengzhou.office")]
    [InlineData("/assessments", "zhengzhou.office")]
    [InlineData("/commendations", "zhengzhou.office")]
    [InlineData("/archives", "zhengzhou.office")]
    [InlineData("/audit", "province.auditor")]
    [InlineData("/", "zhengzhou.leader")]
    public async Task Each_main_page_passes_the_WCAG_2_1_AA_checks(string path, string user)
    {
        var page = await (await portal.SignedInAsync(user)).NewPageAsync();
        await page.GotoAsync(path);
        await Interactive(page);
        await AssertAccessibleAsync(page, path);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_case_page_with_its_actions_and_a_refused_form_passes_the_WCAG_2_1_AA_checks()
    {
        var city = new Cases.CasesClient(await portal.AsAsync(portal.Sanctions, Zhengzhou, PinganRoles.CommissionOffice));
        var opened = await city.OpenCaseAsync(new OpenCaseRequest
        {
            SubjectCode = Erqi, Clause = 2, Source = Source.WrittenReport, Severity = Severity.Ordinary, ReportedBy = "郑州市公安局",
            IncidentOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(-3).ToString("yyyy-MM-dd"), Summary = "无障碍检查用的案件",
        });
        var page = await (await portal.SignedInAsync("zhengzhou.office")).NewPageAsync();
        await page.GotoAsync($"/cases/{opened.CaseId}");
        await Interactive(page);
        await Expect(page.Locator("[data-test=case]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "the case");

        // A refusal as the person sees it: the summary and each field's message beside its field.
        await page.GotoAsync("/cases/new");
        await Interactive(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "立案", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-test=problem]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "a refused case");
        await page.CloseAsync();
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        // What loads after the first render (lists, charts) is in the page before it is checked.
        await Expect(page.Locator(".ant-spin-spinning")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = Axe });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)) }));
            }
            """);
        var found = violations.EnumerateArray().Select(v =>
            $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()}\n    "
            + string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))).ToList();
        Assert.True(found.Count == 0, $"{what} ({page.Url}) breaks {found.Count} WCAG rule(s):\n" + string.Join("\n", found));
    }
}
