using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Assessments.Surveys;

namespace Pingan.Assessments.Tests;

/// <summary>Art. 7(4) "确保公众安全感达到90%以上", judged on the survey's 95% Wilson interval, not the rate alone.</summary>
public sealed class SurveyTests : AssessmentsTest
{
    [Theory]
    // Checked against the formula computed independently (z = 1.95996): 81 of 263 is 30.80%, 25.53% to 36.62%.
    [InlineData(263, 81, 30.80, 25.53, 36.62)]
    [InlineData(10, 10, 100.00, 72.25, 100.00)]
    [InlineData(1, 0, 0.00, 0.00, 79.35)]
    public void The_rate_and_its_Wilson_interval(int n, int satisfied, double rate, double lower, double upper)
    {
        var r = SurveyRate.Of(n, satisfied);
        Assert.Equal((rate, lower, upper), (r.Rate, r.Lower, r.Upper));
    }

    [Fact]
    public async Task A_unit_that_reaches_90_percent_only_by_the_luck_of_its_sample_is_flagged_Art7()
    {
        Record(Zhongyuan, 2000, 1900, out var large);   // 95%: the whole interval above 90%
        Record(Erqi, 40, 37, out var small);            // 92.5% of 40: the interval reaches well below 90%
        var zhongyuan = await Surveys(Zhengzhou).RecordSurveyAsync(large);
        var erqi = await Surveys(Zhengzhou).RecordSurveyAsync(small);
        Assert.Equal((SurveyVerdict.Met, 95.0), (zhongyuan.Verdict, zhongyuan.Rate));
        Assert.True(zhongyuan.Margin > 0);
        Assert.Equal((SurveyVerdict.ByChance, 92.5), (erqi.Verdict, erqi.Rate));
        Assert.True(erqi.Lower < 90 && erqi.Margin < 0, $"{erqi.Lower} {erqi.Margin}");
        Assert.Equal($"survey/{erqi.SurveyId}", erqi.Source);

        var listed = await Surveys(Zhengzhou).ListSurveysAsync(new ListSurveysRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal([Zhongyuan, Erqi], listed.Surveys.Select(s => s.UnitCode));
        // A county reads its own, never its sibling's.
        Assert.Equal([Erqi], (await Surveys(Erqi).ListSurveysAsync(new ListSurveysRequest { UnitCode = Erqi, Year = 2026 })).Surveys.Select(s => s.UnitCode));
        await Refused(() => Surveys(Erqi).ListSurveysAsync(new ListSurveysRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Bad_surveys_name_their_fields_and_a_unit_never_records_its_own_or_a_siblings()
    {
        Record(Zhongyuan, 100, 101, out var overfull);
        Assert.Equal(["satisfied"], Fields(await Refused(() => Surveys(Zhengzhou).RecordSurveyAsync(overfull).ResponseAsync, StatusCode.InvalidArgument)));
        Record(Zhongyuan, 100, 95, out var future);
        future.ConductedOn = "2026-12-20";
        Assert.Equal(["conducted_on"], Fields(await Refused(() => Surveys(Zhengzhou).RecordSurveyAsync(future).ResponseAsync, StatusCode.InvalidArgument)));
        Record(Zhongyuan, 100, 95, out var own);
        await Refused(() => Surveys(Zhongyuan).RecordSurveyAsync(own).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Surveys(Kaifeng).RecordSurveyAsync(own).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Empty((await Surveys(Zhengzhou).ListSurveysAsync(new ListSurveysRequest { UnitCode = Zhengzhou, Year = 2026 })).Surveys);

        // One survey a year: sent again under its request id it answers the first; a second survey is refused.
        own.RequestId = "zz-survey-zhongyuan-2026";
        var first = await Surveys(Zhengzhou).RecordSurveyAsync(own);
        Assert.Equal(first.SurveyId, (await Surveys(Zhengzhou).RecordSurveyAsync(own)).SurveyId);
        own.RequestId = "";
        await Refused(() => Surveys(Zhengzhou).RecordSurveyAsync(own).ResponseAsync, StatusCode.FailedPrecondition);
    }

    private static void Record(string unit, int n, int satisfied, out RecordSurveyRequest request) => request = new RecordSurveyRequest
    {
        Year = 2026, UnitCode = unit, SampleSize = n, Satisfied = satisfied, ConductedBy = "国家统计局郑州调查队", ConductedOn = "2026-11-20",
    };
}
