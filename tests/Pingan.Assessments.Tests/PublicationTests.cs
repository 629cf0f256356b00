using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Assessments.Api;
using Pingan.Assessments.Contracts;
using Pingan.Sanctions;
using Pingan.Security;
using Pingan.Testing;
using SanctionsApi = Pingan.Sanctions.Api;

namespace Pingan.Assessments.Tests;

/// <summary>
/// Art. 20, 21, 31(8): the office adjusts grades with reasons, the commission's leader approves, the office publishes;
/// each result goes out for the archives, and a 不合格 opens a case in a real sanctions service (source
/// FAILED_ASSESSMENT, clause 8) for the competent office to verify.
/// </summary>
public sealed class PublicationTests : AssessmentsTest
{
    private ServiceHost _sanctions = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _sanctions = await ServiceHost.StartAsync(SanctionsApplication.Create, new Dictionary<string, string?>(Authority.Settings())
        {
            ["ConnectionStrings:sanctions"] = await Database.CreateSiblingAsync("sanctions"),
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Services:Registry:Grpc"] = $"http://{Registry.Channel.Target}",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Sanctions:Sweep:Enabled"] = "false",
            ["Sanctions:Referrals:Enabled"] = "false",
        }, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async Task DisposeAsync()
    {
        await _sanctions.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Adjusted_approved_by_the_leader_and_published_a_fail_opens_a_sanctions_case_Art20_Art31()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(AssessmentPublished), typeof(AssessmentFailed));
        var year = new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 };
        await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        // The default scheme with no inputs: 45 points each, 不合格 both.
        var scored = await Assessments(Zhengzhou).ScoreAssessmentAsync(year);
        Assert.All(scored.Units, u => Assert.Equal((45.0, Grade.Fail), (u.Total, u.Grade)));

        // The office lifts 二七区 to 合格 with its reasons; it may not approve, nor publish before the leader approves.
        var adjusted = await Assessments(Zhengzhou).AdjustGradeAsync(new AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Erqi, Grade = Grade.Pass, Reasons = "年中遭受特大洪灾,平安建设工作经核实成效明显" });
        Assert.Equal((Grade.Fail, Grade.Pass), (adjusted.ProposedGrade, adjusted.Grade));
        await Refused(() => Assessments(Zhengzhou).ApproveAssessmentAsync(new ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 }).ResponseAsync,
            StatusCode.PermissionDenied);
        var publish = new PublishAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026, Distribution = { Zhongyuan, Erqi } };
        await Refused(() => Assessments(Zhengzhou).PublishAssessmentAsync(publish).ResponseAsync, StatusCode.FailedPrecondition);
        var approved = await Assessments(Zhengzhou, PinganRoles.CommissionLeader).ApproveAssessmentAsync(new ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.NotEmpty(approved.ApprovedAt);
        // The round as it stands, for the level and those above; not for a unit it ranks, nor before a year opened.
        var round = new GetAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 };
        Assert.Equal((approved.ApprovedAt, ""), ((await Assessments(Province).GetAssessmentAsync(round)).ApprovedAt, (await Assessments(Zhengzhou).GetAssessmentAsync(round)).PublishedAt));
        await Refused(() => Assessments(Zhongyuan).GetAssessmentAsync(round).ResponseAsync, StatusCode.PermissionDenied);
        Assert.Equal("", (await Assessments(Zhengzhou).GetAssessmentAsync(new GetAssessmentRequest { AssessingCode = Zhengzhou, Year = 2025 })).OpenedAt);
        // Approved: nothing changes any more.
        await Refused(() => Assessments(Zhengzhou).ScoreAssessmentAsync(year).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => Assessments(Zhengzhou).AdjustGradeAsync(new AdjustGradeRequest
            { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Zhongyuan, Grade = Grade.Pass, Reasons = "再议" }).ResponseAsync, StatusCode.FailedPrecondition);

        var published = await Assessments(Zhengzhou).PublishAssessmentAsync(publish);
        Assert.Equal([Zhongyuan, Erqi], published.Distribution);
        await Refused(() => Assessments(Zhengzhou).PublishAssessmentAsync(publish).ResponseAsync, StatusCode.FailedPrecondition);
        await tap.WaitForAsync<AssessmentPublished>(e => e.UnitCode == Erqi && e.Grade == "Pass");
        await tap.WaitForAsync<AssessmentPublished>(e => e.UnitCode == Zhongyuan && e.Grade == "Fail" && e.Total == 45m);
        await tap.WaitForAsync<AssessmentFailed>(e => e.UnitCode == Zhongyuan && e.UnitChain.SequenceEqual(new[] { Zhongyuan, Zhengzhou, Province }));
        Assert.DoesNotContain(tap.Envelopes<AssessmentFailed>(), e => e.Message.UnitCode == Erqi);

        // The sanctions service registers 中原区's case for 郑州 to verify (Art. 31(8), 33).
        var cases = new SanctionsApi.Cases.CasesClient(TestAuthority.As(_sanctions.Channel, Authority.Token(Zhengzhou, [PinganRoles.CommissionOffice])));
        SanctionsApi.Case? opened = null;
        await Eventually.HoldsAsync(async () => (opened = (await cases.ListCasesAsync(new SanctionsApi.ListCasesRequest { UnitCode = Zhongyuan })).Cases
            .FirstOrDefault(c => c.SourceReference == $"assessment/{Zhengzhou}/2026/{Zhongyuan}")) is not null, TimeSpan.FromSeconds(30), "the failed assessment's case");
        Assert.Equal((SanctionsApi.Source.FailedAssessment, 8, "REGISTERED"), (opened!.Source, opened.Clause, opened.Status));
    }

    [Fact]
    public async Task Targets_not_completed_are_an_Art31_8_situation_even_when_the_grade_passes_reading15()
    {
        await using var tap = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(AssessmentFailed));
        // 郑州's letter to 二七区 closed at 55%, below the default line of 60 (reading 15); 中原区's at 95%.
        var now = Clock.GetUtcNow();
        var letters = await Task.WhenAll(
            DeliverAsync("testhost-letter-completion-input", new Pingan.Letters.Contracts.LetterCompleted(Guid.NewGuid(), 2026, Zhengzhou, Erqi, 1, 55m, true, now), 1),
            DeliverAsync("testhost-letter-completion-input", new Pingan.Letters.Contracts.LetterCompleted(Guid.NewGuid(), 2026, Zhengzhou, Zhongyuan, 1, 95m, true, now), 2));
        foreach (var id in letters) await Eventually.HoldsAsync(() => AppliedAsync(id), TimeSpan.FromSeconds(30), "the letters' figures");
        await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var scored = await Assessments(Zhengzhou).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        Assert.Equal([(Zhongyuan, false), (Erqi, true)], scored.Units.Select(u => (u.UnitCode, u.TargetsUnmet)).OrderBy(u => u.UnitCode));
        // Both are lifted to 合格; only 二七区 goes to the sanctions service, for its targets.
        foreach (var unit in new[] { Erqi, Zhongyuan })
            await Assessments(Zhengzhou).AdjustGradeAsync(new AdjustGradeRequest { AssessingCode = Zhengzhou, Year = 2026, UnitCode = unit, Grade = Grade.Pass, Reasons = "经复核" });
        await Assessments(Zhengzhou, PinganRoles.CommissionLeader).ApproveAssessmentAsync(new ApproveAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        await Assessments(Zhengzhou).PublishAssessmentAsync(new PublishAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var failed = await tap.WaitForAsync<AssessmentFailed>(e => e.UnitCode == Erqi);
        Assert.Contains("targets not completed", failed.Reasons);
        Assert.Contains("55%", failed.Reasons);
        Assert.DoesNotContain("不合格", failed.Reasons);
        Assert.DoesNotContain(tap.Envelopes<AssessmentFailed>(), e => e.Message.UnitCode == Zhongyuan);
    }

    [Fact]
    public async Task Bad_adjustments_name_their_fields()
    {
        await Assessments(Zhengzhou).OpenAssessmentAsync(new OpenAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var noScore = new AdjustGradeRequest { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Erqi, Grade = Grade.Pass, Reasons = "理由" };
        Assert.Equal(["unit_code"], Fields(await Refused(() => Assessments(Zhengzhou).AdjustGradeAsync(noScore).ResponseAsync, StatusCode.InvalidArgument)));
        await Assessments(Zhengzhou).ScoreAssessmentAsync(new ScoreAssessmentRequest { AssessingCode = Zhengzhou, Year = 2026 });
        var bad = new AdjustGradeRequest { AssessingCode = Zhengzhou, Year = 2026, UnitCode = Erqi, Reasons = "" };
        Assert.Equal(["grade", "reasons"], Fields(await Refused(() => Assessments(Zhengzhou).AdjustGradeAsync(bad).ResponseAsync, StatusCode.InvalidArgument)).Order());
        await Refused(() => Assessments(Erqi).AdjustGradeAsync(noScore).ResponseAsync, StatusCode.PermissionDenied); // a unit never grades itself
    }
}
