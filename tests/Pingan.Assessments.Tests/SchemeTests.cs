using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Security;

namespace Pingan.Assessments.Tests;

/// <summary>Art. 19, 20: each level's scheme for a year is data, set by its office until the year's assessment opens.</summary>
public sealed class SchemeTests : AssessmentsTest
{
    private static SetSchemeRequest CityScheme(string reason = "郑平安〔2026〕12号") => new()
    {
        AssessingCode = Zhengzhou, Year = 2026, ExcellentFrom = 92.5, PassFrom = 70, Reason = reason,
        Indicators =
        {
            Indicator("incidents", Part.OverallWork, 20, Source.Incidents, ("general", 1), ("serious", 4), ("grave", 10)),
            Indicator("survey", Part.OverallWork, 12.5, Source.SecuritySurvey, ("full_at", 90)),
            Indicator("letters", Part.LetterCompletion, 37.5, Source.LettersCompletion, ("full_at", 100)),
            Indicator("duties", Part.LeadershipSystem, 15, Source.DutyCompliance, ("full_at", 100)),
            Indicator("cases", Part.LeadershipSystem, 15, Source.SanctionCases, ("notice", 5), ("admonishment", 8), ("listing", 15), ("veto", 15)),
        },
    };

    private static Indicator Indicator(string code, Part part, double weight, Source source, params (string Key, double Value)[] parameters)
    {
        var i = new Indicator { Code = code, Title = code + " 指标", Part = part, Weight = weight, Source = source };
        foreach (var (key, value) in parameters) i.Parameters[key] = value;
        return i;
    }

    [Fact]
    public async Task A_level_without_a_scheme_reads_the_default_over_the_three_parts_of_Art20_summing_to_100()
    {
        var scheme = await Schemes(Zhongyuan).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.True(scheme.IsDefault);
        Assert.Equal(100, scheme.Indicators.Sum(i => i.Weight));
        Assert.Equal([Part.OverallWork, Part.LetterCompletion, Part.LeadershipSystem], scheme.Indicators.Select(i => i.Part).Distinct());
        Assert.Equal((90, 60, VetoEffect.NotExcellent), (scheme.ExcellentFrom, scheme.PassFrom, scheme.VetoEffect));
    }

    [Fact]
    public async Task The_city_sets_its_scheme_its_counties_read_it_and_a_sibling_city_may_not_set_it_Art19()
    {
        await Refused(() => Schemes(Kaifeng).SetSchemeAsync(CityScheme()).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Schemes(Zhongyuan).SetSchemeAsync(CityScheme()).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Schemes(Zhengzhou, PinganRoles.Auditor).SetSchemeAsync(CityScheme()).ResponseAsync, StatusCode.PermissionDenied);
        var set = await Schemes(Zhengzhou).SetSchemeAsync(CityScheme());
        Assert.False(set.IsDefault);
        var read = await Schemes(Zhongyuan).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Equal((92.5, 70.0, 37.5, "郑平安〔2026〕12号"), (read.ExcellentFrom, read.PassFrom, read.Indicators.Single(i => i.Code == "letters").Weight, read.Reason));
        Assert.Equal(10, read.Indicators.Single(i => i.Code == "incidents").Parameters["grave"]);
        // Kaifeng's counties are not Zhengzhou's to read.
        await Refused(() => Schemes(Kaifeng).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Bad_schemes_name_their_fields_and_change_nothing()
    {
        var uneven = CityScheme();
        uneven.Indicators[0].Weight = 25; // 105 in all
        var error = await Refused(() => Schemes(Zhengzhou).SetSchemeAsync(uneven).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["indicators"], Fields(error));
        Assert.Contains("not 105", error.Status.Detail);

        var overlapping = CityScheme();
        overlapping.PassFrom = 92.5;
        Assert.Equal(["pass_from"], Fields(await Refused(() => Schemes(Zhengzhou).SetSchemeAsync(overlapping).ResponseAsync, StatusCode.InvalidArgument)));

        var twoParts = CityScheme();
        twoParts.Indicators[2].Part = Part.OverallWork; // no letter-completion part left
        Assert.Equal(["indicators"], Fields(await Refused(() => Schemes(Zhengzhou).SetSchemeAsync(twoParts).ResponseAsync, StatusCode.InvalidArgument)));

        var badMethod = CityScheme();
        badMethod.Indicators[1].Parameters.Clear(); // a rate without full_at
        badMethod.Indicators[3].Weight = 15.05;     // finer than tenths
        var fields = Fields(await Refused(() => Schemes(Zhengzhou).SetSchemeAsync(badMethod).ResponseAsync, StatusCode.InvalidArgument));
        Assert.Contains("indicators[1].parameters", fields);
        Assert.Contains("indicators[3].weight", fields);

        Assert.True((await Schemes(Zhengzhou).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 })).IsDefault);
    }

    [Fact]
    public async Task Opening_the_assessment_freezes_the_scheme_and_it_changes_no_more_Art19()
    {
        await Schemes(Zhengzhou).SetSchemeAsync(CityScheme());
        await Refused(() => Assessments(Zhongyuan).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
        var round = await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.NotEmpty(round.Scheme.FrozenAt);
        Assert.Equal(92.5, round.Scheme.ExcellentFrom);
        await Refused(() => Schemes(Zhengzhou).SetSchemeAsync(CityScheme("改一改")).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Equal("郑平安〔2026〕12号", (await Schemes(Zhengzhou).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 })).Reason);

        // A level that set none opens on the default, which is then stored as it stood.
        var kaifeng = await Assessments(Kaifeng).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Kaifeng, Year = 2026 });
        Assert.False(kaifeng.Scheme.IsDefault);
        Assert.Equal(100, kaifeng.Scheme.Indicators.Sum(i => i.Weight));
        Assert.Equal(["year"], Fields(await Refused(() => Assessments(Kaifeng).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Kaifeng, Year = 2027 }).ResponseAsync,
            StatusCode.InvalidArgument)));
    }

    [Fact]
    public async Task Two_offices_setting_one_scheme_at_once_both_get_an_answer_and_one_scheme_stands()
    {
        var results = await Task.WhenAll(
            Schemes(Zhengzhou).SetSchemeAsync(CityScheme("第一稿")).ResponseAsync,
            Schemes(Province).SetSchemeAsync(CityScheme("省里改定")).ResponseAsync);
        var stored = await Schemes(Zhengzhou).GetSchemeAsync(new GetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Contains(stored.Reason, results.Select(r => r.Reason));
    }
}
