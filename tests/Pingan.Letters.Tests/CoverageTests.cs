using Grpc.Core;
using Pingan.Letters.Api;

namespace Pingan.Letters.Tests;

public sealed class CoverageTests : LettersTest
{
    [Fact]
    public async Task The_coverage_report_shows_which_received_targets_each_units_letters_decompose_and_which_they_miss_Art13()
    {
        var province = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "70", ""), ("2", "30", "")));
        await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = province.TemplateId });
        var received = (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Year = 2026, Side = LetterSide.Received })).Letters.Single();
        var one = received.Targets.Single(t => t.Code == "1").TargetId;
        // Zhengzhou decomposes target 1 for its counties and leaves target 2 out.
        var city = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1.1", "50", one), ("1.2", "50", one)));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = city.TemplateId });

        var report = await LettersOf(Province).GetCoverageAsync(new GetCoverageRequest { UnitCode = Province, Year = 2026 });
        var units = report.Units.ToDictionary(u => u.UnitCode);
        Assert.Equal(new[] { Zhengzhou, Zhongyuan, Erqi, Kaifeng, Gongyi }.Order(StringComparer.Ordinal), units.Keys.Order(StringComparer.Ordinal));
        var zhengzhou = units[Zhengzhou];
        Assert.Equal((2, 2, 1), (zhengzhou.LettersIssued, zhengzhou.ParentTargets, zhengzhou.Covered));
        Assert.Equal(("2", 0), (zhengzhou.Missed.Single().Code, zhengzhou.Missed.Single().CoveringLetters));
        Assert.Equal((0, 2, 0), (units[Kaifeng].LettersIssued, units[Kaifeng].ParentTargets, units[Kaifeng].Covered)); // not issued yet
        Assert.Empty(units[Kaifeng].Missed);
        Assert.Equal(2, units[Zhongyuan].ParentTargets);

        // The city sees its own part of the cascade; Kaifeng does not see Zhengzhou's.
        var own = await LettersOf(Zhengzhou).GetCoverageAsync(new GetCoverageRequest { UnitCode = Zhengzhou, Year = 2026 });
        Assert.Equal(new[] { Zhengzhou, Zhongyuan, Erqi }.Order(StringComparer.Ordinal), own.Units.Select(u => u.UnitCode).Order(StringComparer.Ordinal));
        await Refused(() => LettersOf(Kaifeng).GetCoverageAsync(new GetCoverageRequest { UnitCode = Zhengzhou, Year = 2026 }).ResponseAsync, StatusCode.PermissionDenied);
    }

    /// <summary>
    /// Issue 12: a received target keeps its identity across amendments of the letter, so the city's decomposition of
    /// target 1 still covers it once the province amended the letter (a new version with new target ids); the amended
    /// target names its lineage, the first version's target id.
    /// </summary>
    [Fact]
    public async Task A_decomposed_target_stays_covered_after_the_letter_above_is_amended_Issue12_Art13()
    {
        var province = await TemplatesOf(Province).CreateTemplateAsync(Draft(Province, ("1", "70", ""), ("2", "30", "")));
        await LettersOf(Province).IssueLettersAsync(new IssueLettersRequest { TemplateId = province.TemplateId });
        var received = (await LettersOf(Zhengzhou).ListLettersAsync(new ListLettersRequest { UnitCode = Zhengzhou, Year = 2026, Side = LetterSide.Received })).Letters.Single();
        var one = received.Targets.Single(t => t.Code == "1");
        Assert.Equal(one.TargetId, one.LineageId);
        var city = await TemplatesOf(Zhengzhou).CreateTemplateAsync(Draft(Zhengzhou, ("1.1", "50", one.TargetId), ("1.2", "50", one.TargetId)));
        await LettersOf(Zhengzhou).IssueLettersAsync(new IssueLettersRequest { TemplateId = city.TemplateId });

        var amended = await LettersOf(Province).AmendLetterAsync(new AmendLetterRequest
            { LetterId = received.LetterId, Reason = "目标值调整", Changes = { new TargetChange { Code = "1", TargetValue = "97" } } });
        var amendedOne = amended.Targets.Single(t => t.Code == "1");
        Assert.NotEqual(one.TargetId, amendedOne.TargetId);
        Assert.Equal(one.TargetId, amendedOne.LineageId);

        var zhengzhou = (await LettersOf(Province).GetCoverageAsync(new GetCoverageRequest { UnitCode = Province, Year = 2026 })).Units.Single(u => u.UnitCode == Zhengzhou);
        Assert.Equal((2, 2, 1), (zhengzhou.LettersIssued, zhengzhou.ParentTargets, zhengzhou.Covered));
        Assert.Equal("2", zhengzhou.Missed.Single().Code);
    }
}
