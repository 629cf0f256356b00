using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Persistence;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Letters.Tests;

public sealed class IssuingTests : LettersTest
{
    [Fact]
    public async Task The_province_issues_to_its_cities_province_direct_counties_and_departments_in_one_action_Art13()
    {
        var template = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "60", ""), ("2", "40", "")));
        Assert.Equal("DRAFT", template.Status);

        var report = await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest
        {
            TemplateId = template.TemplateId,
            IncludeDepartments = true,
            Adjustments = { new Adjustment { ReceiverCode = Kaifeng, TargetCode = "1", TargetValue = "90" } },
        });

        // Cities, 巩义 (under Zhengzhou's statistics, answering to the province) and the departments; not the counties of a city.
        Assert.Equal(new[] { Gongyi, ProvinceEdu, ProvincePsb, Zhengzhou, Kaifeng }.Order(StringComparer.Ordinal),
            report.Letters.Select(l => l.ReceiverCode).Order(StringComparer.Ordinal));
        Assert.Equal(5, report.Issued);

        var kaifeng = (await LettersOf(Kaifeng).ListLettersAsync(new ListLettersRequest { UnitCode = Kaifeng, Year = 2026, Side = LetterSide.Received })).Letters.Single();
        Assert.Equal(("开封市", "ISSUED", 1), (kaifeng.ReceiverName, kaifeng.Status, kaifeng.Version));
        Assert.Equal(["90", "95"], kaifeng.Targets.Select(t => t.TargetValue));
        Assert.Equal(["60", "40"], kaifeng.Targets.Select(t => t.Weight));
        var zhengzhou = (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Received })).Letters.Single();
        Assert.Equal(["95", "95"], zhengzhou.Targets.Select(t => t.TargetValue));

        Assert.Equal("ISSUED", (await TemplatesOf(Province).GetTemplateAsync(new GetTemplateRequest { TemplateId = template.TemplateId })).Status);
    }

    [Fact]
    public async Task Each_letter_leaves_as_an_event_through_the_outbox()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(LetterIssued));
        var template = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId });
        await tap.WaitForAsync<LetterIssued>(e => e.ReceiverCode == Zhongyuan, TimeSpan.FromSeconds(20));
        await tap.WaitForAsync<LetterIssued>(e => e.ReceiverCode == Erqi, TimeSpan.FromSeconds(20));
        var events = tap.Received<LetterIssued>();
        Assert.Equal([Zhongyuan, Erqi], events.Select(e => e.ReceiverCode).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal((2026, Zhengzhou, 1, 1), (e.Year, e.IssuerCode, e.Version, e.TargetCount)));
    }

    [Fact]
    public async Task A_template_is_issued_once_and_a_second_template_cannot_issue_the_same_years_letters_again()
    {
        var first = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = first.TemplateId });
        await Refused(() => LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = first.TemplateId }).ResponseAsync, StatusCode.FailedPrecondition);

        var second = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        var error = await Refused(() => LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = second.TemplateId }).ResponseAsync, StatusCode.AlreadyExists);
        Assert.Contains(Zhongyuan, error.Status.Detail);
        await using var scope = Host.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<LettersDb>().Letters.CountAsync());
        Assert.Equal("DRAFT", (await TemplatesOf(Zhengzhou).GetTemplateAsync(new GetTemplateRequest { TemplateId = second.TemplateId })).Status);
    }

    [Fact]
    public async Task An_adjustment_for_a_unit_that_does_not_answer_to_the_issuer_is_refused_and_nothing_is_issued()
    {
        var template = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        var error = await Refused(() => LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest
        {
            TemplateId = template.TemplateId,
            Adjustments =
            {
                new Adjustment { ReceiverCode = Gongyi, TargetCode = "1", TargetValue = "80" },   // the province's (省直管县: the province's administrative arrangement, not Art. 42)
                new Adjustment { ReceiverCode = Zhongyuan, TargetCode = "9", TargetValue = "80" },
            },
        }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["adjustments[0].receiver_code", "adjustments[1].target_code"], Fields(error));
        Assert.Empty((await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Issued })).Letters);
    }

    [Fact]
    public async Task Only_the_issuing_levels_office_drafts_and_issues_and_a_neighbour_reads_nothing()
    {
        await Refused(() => TemplatesOf(Kaifeng).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", ""))).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => TemplatesOf(Zhengzhou, PinganRoles.Inspector).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", ""))).ResponseAsync, StatusCode.PermissionDenied);
        var template = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1", "100", "")));
        await Refused(() => LettersOf(Kaifeng).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId }).ResponseAsync, StatusCode.PermissionDenied);
        var report = await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = template.TemplateId });

        var toZhongyuan = report.Letters.Single(l => l.ReceiverCode == Zhongyuan).LetterId;
        Assert.Single((await LettersOf(Zhongyuan).GetLetterAsync(new GetLetterRequest { LetterId = toZhongyuan })).Targets);
        await Refused(() => LettersOf(Erqi).GetLetterAsync(new GetLetterRequest { LetterId = toZhongyuan }).ResponseAsync, StatusCode.PermissionDenied);
        // A list holds only the rows the caller may read one by one (issue 11): Zhengzhou's issued letters are
        // Zhongyuan's own one for Zhongyuan, none for Kaifeng's Longting, all of them for Zhengzhou.
        Assert.Empty((await LettersOf(Longting).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Issued })).Letters);
        Assert.Equal([toZhongyuan], (await LettersOf(Zhongyuan).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Issued })).Letters.Select(l => l.LetterId));
        Assert.Equal(report.Letters.Count, (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Issued })).Letters.Count);
        Assert.True(report.Letters.Count > 1);
    }
}
