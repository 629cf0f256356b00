using Grpc.Core;
using Pingan.Letters.Api;

namespace Pingan.Letters.Tests;

public sealed class TemplateTests : LettersTest
{
    [Fact]
    public async Task Weights_that_do_not_sum_to_100_are_refused_naming_the_sum_Art20()
    {
        var error = await Refused(() => TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "60", ""), ("2", "35", ""))).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["targets"], Fields(error));
        Assert.Contains("weights sum to 95, not 100", error.Status.Detail);
        Assert.Empty((await TemplatesOf(Province).ListTemplatesAsync(new ListTemplatesRequest { IssuerCode = Province })).Templates);
    }

    /// <summary>
    /// Issue 12 (AIP-155): an office whose CreateTemplate timed out sends it again with the same request id and gets
    /// the template the first request created; two copies at once create one; the id sent again with another title is
    /// the caller's mistake; another office's same id is another request.
    /// </summary>
    [Fact]
    public async Task Creating_a_template_again_with_its_request_id_returns_the_first_and_creates_no_other_Issue12()
    {
        CreateTemplateRequest Request(string issuer, string title = "2026年度平安建设目标管理责任书")
        {
            var draft = Draft(issuer, ("1", "100", ""));
            draft.Title = title;
            draft.RequestId = "zz-2026-letter-template-1";
            return draft;
        }
        var together = await Task.WhenAll(
            TemplatesOf(Zhengzhou).CreateTemplateAsync(Request(Zhengzhou)).ResponseAsync, TemplatesOf(Zhengzhou).CreateTemplateAsync(Request(Zhengzhou)).ResponseAsync);
        Assert.Equal(together[0].TemplateId, together[1].TemplateId);
        var retry = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Request(Zhengzhou));
        Assert.Equal(together[0].TemplateId, retry.TemplateId);
        var misuse = await Refused(() => TemplatesOf(Zhengzhou).CreateTemplateAsync(Request(Zhengzhou, "另一份责任书")).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["request_id"], Fields(misuse));
        Assert.Single((await TemplatesOf(Zhengzhou).ListTemplatesAsync(new ListTemplatesRequest { IssuerCode = Zhengzhou })).Templates);
        // The province's office sending the same id makes its own template: ids are each caller's own.
        var provinces = await TemplatesOf(Province).CreateTemplateAsync(Request(Province));
        Assert.NotEqual(together[0].TemplateId, provinces.TemplateId);
    }

    [Fact]
    public async Task An_issuer_the_registry_does_not_know_is_named_even_for_the_province()
    {
        var error = await Refused(() => TemplatesOf(Province).CreateTemplateAsync(Draft("419999999999", ("1", "100", ""))).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["issuer_code"], Fields(error));
    }

    [Fact]
    public async Task Every_bad_field_of_a_target_is_named()
    {
        var draft = Draft(Province, ("1", "50", ""), ("1", "abc", "not-an-id"));
        draft.Targets[0].Indicator = "";
        draft.Year = 1999;
        var error = await Refused(() => TemplatesOf(Province).CreateTemplateAsync(draft).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["targets", "targets[0].indicator", "targets[1].parent_target_id", "targets[1].weight", "year"], Fields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_citys_target_decomposes_a_target_of_the_letter_the_city_received_and_the_cascade_traces_up_Art13()
    {
        var province = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "70", ""), ("2", "30", "")));
        await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = province.TemplateId });
        var received = (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Year = 2026, Side = LetterSide.Received })).Letters.Single();
        var parent = received.Targets.Single(t => t.Code == "1").TargetId;

        var city = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1.1", "50", parent), ("1.2", "50", parent)));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = city.TemplateId });
        var county = (await LettersOf(Zhongyuan).ListLettersAsync(new ListLettersRequest { UnitCode = Zhongyuan, Side = LetterSide.Received })).Letters.Single();
        Assert.All(county.Targets, t => Assert.Equal(parent, t.ParentTargetId));

        // Kaifeng may not decompose Zhengzhou's letter.
        var error = await Refused(() => TemplatesOf(Kaifeng).CreateTemplateAsync(Draft(Kaifeng, ("1", "100", parent))).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["targets[0].parent_target_id"], Fields(error));
    }

    [Fact]
    public async Task A_target_may_not_decompose_one_from_another_year()
    {
        var province = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "100", "")));
        await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = province.TemplateId });
        var parent = (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Side = LetterSide.Received })).Letters.Single().Targets[0].TargetId;

        var nextYear = Draft(Zhengzhou, ("1", "100", parent));
        nextYear.Year = 2027;
        var error = await Refused(() => TemplatesOf(Zhengzhou).CreateTemplateAsync(nextYear).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["targets[0].parent_target_id"], Fields(error));
        Assert.Contains("2026's letter; this template is for 2027", error.Status.Detail);
    }

    [Fact]
    public async Task Over_REST_a_template_is_created_and_read_with_problem_details_for_mistakes()
    {
        using var client = new HttpClient { BaseAddress = Host.Rest.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Authority.Token(Province, [Security.PinganRoles.CommissionOffice]));
        var bad = await client.PostAsync("/v1/templates", new StringContent(
            """{"year":2026,"issuerCode":"410000000000","title":"责任书","targets":[{"code":"1","indicator":"x","targetValue":"1","unitOfMeasure":"件","evidenceRequired":"台账","weight":"90"}]}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("weights sum to 90, not 100", await bad.Content.ReadAsStringAsync());
    }
}
