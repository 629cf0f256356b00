using Google.Protobuf;
using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Inspections.Contracts;
using Pingan.Letters.Contracts;
using Pingan.Sanctions.Contracts;
using Pingan.Testing;

namespace Pingan.Assessments.Tests;

/// <summary>
/// Art. 20: every unit a level assesses gets a score under the year's frozen scheme, each indicator explained from its
/// inputs to its points, a proposed grade of the three, and a rank; a year scored again gives the same result.
/// </summary>
public sealed class ScoringTests : AssessmentsTest
{
    private static SetSchemeRequest Scheme()
    {
        var scheme = new SetSchemeRequest { AssessingCode = Zhengzhou, Year = 2026, ExcellentFrom = 92.5, PassFrom = 70, Reason = "郑平安〔2026〕12号" };
        void Add(string code, Part part, double weight, Source source, params (string Key, double Value)[] parameters)
        {
            var i = new Indicator { Code = code, Title = code, Part = part, Weight = weight, Source = source };
            foreach (var (key, value) in parameters) i.Parameters[key] = value;
            scheme.Indicators.Add(i);
        }
        Add("incidents", Part.OverallWork, 20, Source.Incidents, ("general", 1), ("serious", 4), ("grave", 10));
        Add("survey", Part.OverallWork, 12.5, Source.SecuritySurvey, ("full_at", 90));
        Add("letters", Part.LetterCompletion, 37.5, Source.LettersCompletion, ("full_at", 100));
        Add("duties", Part.LeadershipSystem, 15, Source.DutyCompliance, ("full_at", 100));
        Add("cases", Part.LeadershipSystem, 15, Source.SanctionCases, ("notice", 5), ("admonishment", 8), ("listing", 15), ("veto", 15));
        return scheme;
    }

    [Fact]
    public async Task Each_unit_is_scored_under_the_frozen_scheme_with_every_indicator_explained_and_graded_Art20()
    {
        await Schemes(Zhengzhou).SetSchemeAsync(Scheme());
        var score = new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 };
        await Refused(() => Assessments(Zhengzhou).ScoreAssessmentAsync(score).ResponseAsync, StatusCode.FailedPrecondition); // not opened yet
        await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });

        // 中原区's year: a grave incident, a letter 80.5% complete, one duty on time and one missed, a case that went from
        // notice to admonishment, and 1,900 of 2,000 feeling safe. 二七区: its letter complete, nothing else.
        var caseId = Guid.NewGuid();
        var now = Clock.GetUtcNow();
        var delivered = await Task.WhenAll(
            DeliverAsync("testhost-incident-input", new IncidentReported(Guid.NewGuid(), "MassIncident", Zhongyuan, "Grave", now.AddDays(-30), now.AddDays(-30), "May", false), 1),
            DeliverAsync("testhost-letter-completion-input", new LetterCompleted(Guid.NewGuid(), 2026, Zhengzhou, Zhongyuan, 1, 80.5m, true, now), 2),
            DeliverAsync("testhost-letter-completion-input", new LetterCompleted(Guid.NewGuid(), 2026, Zhengzhou, Erqi, 1, 100m, true, now), 3),
            DeliverAsync("testhost-duty-submitted-input", new ReportingDutySubmitted(Guid.NewGuid(), 2026, "commission-annual-report", "Art. 17", Zhongyuan, Zhongyuan, Zhengzhou,
                new DateOnly(2026, 6, 30), new DateOnly(2026, 6, 29), 0), 4),
            DeliverAsync("testhost-duty-missed-input", new ReportingDutyMissed(Guid.NewGuid(), 2026, "joint-meeting", "Art. 24", Zhongyuan, Zhongyuan, Zhengzhou,
                new DateOnly(2026, 6, 30)), 5),
            DeliverAsync("testhost-measure-input", new MeasureDecided(caseId, Zhongyuan, "Notice", Zhengzhou, new DateOnly(2026, 5, 12), null), 6),
            DeliverAsync("testhost-measure-input", new MeasureDecided(caseId, Zhongyuan, "Admonishment", Zhengzhou, new DateOnly(2026, 8, 3), null), 7));
        await Surveys(Zhengzhou).RecordSurveyAsync(new RecordSurveyRequest
            { Year = 2026, UnitCode = Zhongyuan, SampleSize = 2000, Satisfied = 1900, ConductedBy = "调查队", ConductedOn = "2026-11-20" });
        foreach (var id in delivered) await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "every input consumed");

        var ranking = await Assessments(Zhengzhou).ScoreAssessmentAsync(score);
        Assert.Equal([(Erqi, 1, 87.5, Grade.Pass), (Zhongyuan, 2, 67.19, Grade.Fail)],
            ranking.Units.Select(u => (u.UnitCode, u.Rank, u.Total, u.ProposedGrade)));
        var zhongyuan = ranking.Units.Single(u => u.UnitCode == Zhongyuan).Indicators.ToDictionary(i => i.Code);
        Assert.Equal((10.0, "1 grave incident x 10: 20 - 10 = 10"), (zhongyuan["incidents"].Points, zhongyuan["incidents"].Explanation));
        Assert.Equal(12.5, zhongyuan["survey"].Points);
        Assert.Equal((30.19, $"letters/2026/{Zhengzhou}/{Zhongyuan}"), (zhongyuan["letters"].Points, zhongyuan["letters"].References.Single()));
        Assert.StartsWith("reporting duties on time 50% (1 of 2 on time, 0 late, 1 missed)", zhongyuan["duties"].Explanation);
        Assert.Equal((7.0, "1 admonishment case x 8: 15 - 8 = 7"), (zhongyuan["cases"].Points, zhongyuan["cases"].Explanation));
        var erqi = ranking.Units.Single(u => u.UnitCode == Erqi).Indicators.ToDictionary(i => i.Code);
        Assert.Equal((0.0, "no figure for the sense of security: 0 points"), (erqi["survey"].Points, erqi["survey"].Explanation));
        // The same explanations in Chinese, as a person reading the ranking in the portal sees them.
        Assert.Equal("重大案事件 1 件 × 10：20 - 10 = 10", zhongyuan["incidents"].ExplanationZh);
        Assert.StartsWith("按时报送率 50%（2 项中按时 1 项，迟报 0 项，未报 1 项）", zhongyuan["duties"].ExplanationZh);
        Assert.Equal("约谈责任追究案件 1 件 × 8：15 - 8 = 7", zhongyuan["cases"].ExplanationZh);
        Assert.Equal("无群众安全感数据：0 分", erqi["survey"].ExplanationZh);

        // Scored again from the same inputs: the same result, byte for byte; and it is what the ranking reads.
        var again = await Assessments(Zhengzhou).ScoreAssessmentAsync(score);
        Assert.Equal(ranking.Units.Select(u => u.ToByteString()), again.Units.Select(u => u.ToByteString()));
        var read = await Assessments(Province).GetRankingAsync(new GetRankingRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Equal(again.Units.Select(u => u.ToByteString()), read.Units.Select(u => u.ToByteString()));
        // Those it ranks read none of it; only the level's office scores.
        await Refused(() => Assessments(Zhongyuan).GetRankingAsync(new GetRankingRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Assessments(Zhongyuan).ScoreAssessmentAsync(score).ResponseAsync, StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task The_assessment_team_scores_an_assessor_indicator_with_reasons_and_evidence_within_its_weight()
    {
        RecordAssessorScoreRequest Score(string unit, string indicator, double points) => new()
        {
            AssessingCode = Province, Year = 2026, UnitCode = unit, IndicatorCode = indicator, Points = points, Reasons = "基层基础工作扎实,矛盾纠纷多元化解机制健全",
            Evidence = { "考核组实地查看记录 2026-11-24", "豫平安考〔2026〕3号" },
        };
        var team = Assessments(Province, Pingan.Security.PinganRoles.Inspector);
        await Refused(() => team.RecordAssessorScoreAsync(Score(Kaifeng, "overall-assessor", 8.5)).ResponseAsync, StatusCode.FailedPrecondition); // not opened
        await Assessments(Province).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Province, Year = 2026 }); // the default scheme

        Assert.Equal(["points"], Fields(await Refused(() => team.RecordAssessorScoreAsync(Score(Kaifeng, "overall-assessor", 10.5)).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["indicator_code"], Fields(await Refused(() => team.RecordAssessorScoreAsync(Score(Kaifeng, "incidents", 5)).ResponseAsync, StatusCode.InvalidArgument)));
        Assert.Equal(["unit_code"], Fields(await Refused(() => team.RecordAssessorScoreAsync(Score(Zhongyuan, "overall-assessor", 5)).ResponseAsync, StatusCode.InvalidArgument)));
        var bare = Score(Kaifeng, "overall-assessor", 8.5);
        bare.Evidence.Clear();
        Assert.Equal(["evidence"], Fields(await Refused(() => team.RecordAssessorScoreAsync(bare).ResponseAsync, StatusCode.InvalidArgument)));
        await Refused(() => Assessments(Zhengzhou, Pingan.Security.PinganRoles.Inspector).RecordAssessorScoreAsync(Score(Kaifeng, "overall-assessor", 8.5)).ResponseAsync,
            StatusCode.PermissionDenied);

        await team.RecordAssessorScoreAsync(Score(Kaifeng, "overall-assessor", 7));
        var recorded = await team.RecordAssessorScoreAsync(Score(Kaifeng, "overall-assessor", 8.5)); // the team's second look replaces the first
        var ranking = await Assessments(Province).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Province, Year = 2026 });
        var line = ranking.Units.Single(u => u.UnitCode == Kaifeng).Indicators.Single(i => i.Code == "overall-assessor");
        Assert.Equal((8.5, recorded.Reference), (line.Points, line.References.Single()));
        Assert.Contains("豫平安考〔2026〕3号", line.Explanation);
        Assert.Equal(0, ranking.Units.Single(u => u.UnitCode == Zhengzhou).Indicators.Single(i => i.Code == "overall-assessor").Points);
    }

    [Fact]
    public async Task Equal_totals_share_a_rank_and_are_flagged_and_a_veto_keeps_a_unit_from_excellent()
    {
        // The province assesses its two cities, 优秀 from 75; with no inputs they are equal.
        var scheme = Scheme();
        (scheme.AssessingCode, scheme.ExcellentFrom, scheme.PassFrom) = (Province, 75, 60);
        await Schemes(Province).SetSchemeAsync(scheme);
        await Assessments(Province).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Province, Year = 2026 });
        var tied = await Assessments(Province).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Province, Year = 2026 });
        Assert.Equal([(Zhengzhou, 1, true), (Kaifeng, 1, true)], tied.Units.OrderBy(u => u.UnitCode == Kaifeng).Select(u => (u.UnitCode, u.Rank, u.Tied)));

        // Kaifeng scores 优秀 but for a veto decided in the year: 合格 (the scheme's veto effect, NOT_EXCELLENT by default).
        var now = Clock.GetUtcNow();
        var delivered = await Task.WhenAll(
            DeliverAsync("testhost-letter-completion-input", new LetterCompleted(Guid.NewGuid(), 2026, Province, Kaifeng, 1, 100m, true, now), 1),
            DeliverAsync("testhost-measure-input", new MeasureDecided(Guid.NewGuid(), Kaifeng, "Veto", Province, new DateOnly(2026, 10, 9), null), 2));
        await Surveys(Province).RecordSurveyAsync(new RecordSurveyRequest
            { Year = 2026, UnitCode = Kaifeng, SampleSize = 3000, Satisfied = 2950, ConductedBy = "调查队", ConductedOn = "2026-11-20" });
        foreach (var id in delivered) await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "every input consumed");
        var scored = await Assessments(Province).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Province, Year = 2026 });
        var kaifeng = scored.Units.Single(u => u.UnitCode == Kaifeng);
        Assert.True(kaifeng.Vetoed);
        Assert.Equal((85.0, Grade.Pass), (kaifeng.Total, kaifeng.ProposedGrade)); // 100 less the veto's 15: 优秀 by points
        Assert.False(kaifeng.Tied);
    }

    [Fact]
    public async Task A_unit_under_listed_supervision_on_some_day_of_the_year_is_not_graded_excellent_Art35_Reading20()
    {
        // 二七区 was listed from March to June (the sanctions service's two events, the end first).
        var listing = Guid.NewGuid();
        foreach (var id in new[]
                 {
                     await DeliverAsync("testhost-disqualification-ended-input", new DisqualificationEnded(listing, Erqi, new DateOnly(2026, 6, 30)), 2),
                     await DeliverAsync("testhost-disqualification-started-input", new DisqualificationStarted(listing, Erqi, new DateOnly(2026, 3, 2), "Listed supervision (Art. 35)", []), 1),
                 })
            await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "the listing applied");
        await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var ranking = await Assessments(Zhengzhou).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Equal((true, false), (ranking.Units.Single(u => u.UnitCode == Erqi).Listed, ranking.Units.Single(u => u.UnitCode == Zhongyuan).Listed));

        // The office may not grade it 优秀, whatever its work; 中原区 it may.
        var refused = await Refused(() => Assessments(Zhengzhou).AdjustGradeAsync(new AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Erqi, Grade = Grade.Excellent, Reasons = "整改成效突出" }).ResponseAsync, StatusCode.FailedPrecondition);
        Assert.Contains("reading 20", refused.Status.Detail);
        await Assessments(Zhengzhou).AdjustGradeAsync(new AdjustGradeRequest { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Zhongyuan, Grade = Grade.Excellent, Reasons = "工作成效突出" });

        // 中原区 is listed after the scoring: the leader cannot approve its 优秀 until the office scores again.
        var late = await DeliverAsync("testhost-disqualification-started-input", new DisqualificationStarted(Guid.NewGuid(), Zhongyuan, new DateOnly(2026, 11, 25), "Listed supervision (Art. 35)", []), 1);
        await Eventually.HoldsAsync(() => AppliedAsync(late), TimeSpan.FromSeconds(30), "the late listing applied");
        var approval = new ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 };
        Assert.Contains(Zhongyuan, (await Refused(() => Assessments(Zhengzhou, Pingan.Security.PinganRoles.CommissionLeader).ApproveAssessmentAsync(approval).ResponseAsync,
            StatusCode.FailedPrecondition)).Status.Detail);
        var again = await Assessments(Zhengzhou).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.All(again.Units.Where(u => u.UnitCode is Erqi or Zhongyuan), u => Assert.True(u.Listed && u.Grade != Grade.Excellent));
        await Assessments(Zhengzhou, Pingan.Security.PinganRoles.CommissionLeader).ApproveAssessmentAsync(approval);
    }
}
