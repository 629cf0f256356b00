using Grpc.Core;
using Pingan.Archives.Api;
using Pingan.Assessments.Contracts;
using Pingan.Inspections.Contracts;
using Pingan.Letters.Contracts;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.Testing;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Archives.Tests;

/// <summary>The archives each level keeps (Art. 22): whose, what they hold, who reads them, the yearly grade.</summary>
public sealed class ArchiveTests : ArchivesTest
{
    [Fact]
    public async Task A_city_keeps_its_counties_principal_and_comprehensive_management_leaders_and_its_member_units_heads_Art22()
    {
        var kept = await Archives(Zhengzhou).ListArchivesAsync(new ListArchivesRequest());
        // 钱进 is a deputy secretary in charge of propaganda, not of comprehensive management: no archive (reading 4).
        Assert.Equal(new[] { "周强", "孙伟", "李明", "王芳", "赵磊" }.Order(), kept.Archives.Select(a => a.Name).Order());
        Assert.Equal(["中共郑州市二七区委员会"], kept.Archives.Single(a => a.Name == "王芳").CurrentPosts.Select(p => p.UnitName));
        Assert.Empty(kept.Archives.Single(a => a.Name == "李明").CurrentPosts); // left on 30 June, still kept
        Assert.Equal(Zhengzhou, kept.Archives.Single(a => a.Name == "孙伟").CurrentPosts.Single().KeeperCode);

        // The province reads below it; the county never reads its city's archives, nor Kaifeng Zhengzhou's.
        Assert.Equal(5, (await Archives(Province, PinganRoles.Auditor).ListArchivesAsync(new ListArchivesRequest { KeeperCode = Zhengzhou })).Archives.Count);
        Assert.Empty((await Archives(Province).ListArchivesAsync(new ListArchivesRequest())).Archives); // the province's own: nobody recorded here
        await Refused(() => Archives(Erqi).ListArchivesAsync(new ListArchivesRequest { KeeperCode = Zhengzhou }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Archives(Kaifeng).GetArchiveAsync(new GetArchiveRequest { LeaderId = LiMing }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Archives(Erqi).GetArchiveAsync(new GetArchiveRequest { LeaderId = LiMing }).ResponseAsync, StatusCode.PermissionDenied);
        // An organisation department consults (Art. 23); it does not browse the archives.
        await Refused(() => Archives(Zhengzhou, PinganRoles.OrganisationLiaison).GetArchiveAsync(new GetArchiveRequest { LeaderId = LiMing }).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Archives(Zhengzhou).GetArchiveAsync(new GetArchiveRequest { LeaderId = QianJin }).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task The_archive_holds_what_the_units_did_while_the_leader_led_them_and_follows_the_person_to_a_new_post_Art22()
    {
        // 李明 left 二七区 on 30 June; since 1 July he is the bureau's deputy in charge of comprehensive management (a member unit of Zhengzhou's commission).
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 10, 2, 0, 0, TimeSpan.Zero));
        var (_, bureauTerm) = await AppointAsync("", ZhengzhouPsb, RegistryApi.LeadershipRole.InCharge, "2026-07-01", portfolio: "政法", leaderId: LiMing);
        await WaitForPostsAsync(7);
        var letter = Guid.NewGuid();
        await DeliverAsync("letter-signed-feed", new LetterSigned(letter, 2026, Zhengzhou, Erqi, 1, new DateOnly(2026, 2, 20), DateTimeOffset.UtcNow));
        await DeliverAsync("letter-completed-feed", new LetterCompleted(letter, 2026, Zhengzhou, Erqi, 1, 0.82m, true, new DateTimeOffset(2027, 1, 5, 2, 0, 0, TimeSpan.Zero)));
        await DeliverAsync("finding-recorded-feed", new FindingRecorded(Guid.NewGuid(), Guid.NewGuid(), "Covert", 2026, Zhengzhou, Erqi, "Serious", "Art31", "31-4", 4,
            new DateOnly(2026, 3, 15), true));
        // Observed after 李明 left: 王芳's, not his.
        await DeliverAsync("finding-recorded-feed", new FindingRecorded(Guid.NewGuid(), Guid.NewGuid(), "Routine", 2026, Zhengzhou, Erqi, "Minor", "Ledger", "台账", null,
            new DateOnly(2026, 9, 1), false));
        await DeliverAsync("reporting-duty-missed-feed", new ReportingDutyMissed(Guid.NewGuid(), 2026, "HalfYearReport", "Art. 15", ErqiPc, ErqiPc, Erqi, new DateOnly(2026, 6, 10)));
        var notice = Guid.NewGuid();
        await DeliverAsync("measure-decided-feed", new MeasureDecided(notice, Erqi, "Notice", Zhengzhou, new DateOnly(2026, 5, 20), new DateOnly(2026, 7, 20)));
        await DeliverAsync("leaders-interviewed-feed", new LeadersInterviewed(notice, Erqi, "Admonishment", new DateOnly(2026, 6, 5), [Guid.Parse(LiMing), Guid.Parse(ZhaoLei)]));
        await DeliverAsync("assessment-published-feed", new AssessmentPublished(2026, Zhengzhou, Erqi, "二七区", "Pass", 78.5m, false, new DateTimeOffset(2026, 12, 20, 2, 0, 0, TimeSpan.Zero)));
        await DeliverAsync("commendation-conferred-feed", new CommendationConferred(Guid.NewGuid(), 2025, Zhengzhou, "AdvancedIndividual", ErqiPc, "中共郑州市二七区委员会",
            "李明", Guid.Parse(LiMing), "", "全市平安建设先进个人", new DateOnly(2025, 12, 28)));
        // The bureau's facts from July count for him there.
        await DeliverAsync("reporting-duty-submitted-feed", new ReportingDutySubmitted(Guid.NewGuid(), 2026, "WorkSummary", "Art. 16", ZhengzhouPsb, ZhengzhouPsb, Zhengzhou,
            new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 28), 0));

        var archive = await Archives(Zhengzhou).GetArchiveAsync(new GetArchiveRequest { LeaderId = LiMing });
        Assert.Equal(("李明", "2027-01-10"), (archive.Name, archive.AsOf));
        Assert.Equal([bureauTerm, LiMingTerm], archive.Posts.Select(p => p.TermId));
        Assert.Equal(("2026-06-30", "2024-01-01"), (archive.Posts[1].EndsOn, archive.Posts[1].StartsOn));
        Assert.Equal([ErqiPc, Erqi], archive.Posts[1].LedCodes);
        var year = archive.Years.Single(y => y.Year == 2026);
        Assert.Equal(["LETTER_SIGNED", "INSPECTION_FINDING", "REPORTING_DUTY_MISSED", "REPORTING_DUTY_SUBMITTED", "LETTER_COMPLETED"], year.DutyRecords.Select(r => r.Kind));
        Assert.Equal("2026-12-31", year.DutyRecords[^1].On); // completed in January, counted in its year
        Assert.Equal((1, 1, "0.82", 1, 1, 1), (year.Duties.LettersSigned, year.Duties.LettersCompleted, year.Duties.MeanCompletion, year.Duties.InspectionFindings,
            year.Duties.ReportingDutiesMissed, year.Duties.ReportingDutiesSubmitted));
        Assert.Equal(["NOTICE", "INTERVIEWED"], year.Sanctions.Select(s => s.Kind));
        Assert.True(year.Sanctions.Single(s => s.Kind == "INTERVIEWED").Personal);
        Assert.Equal(("ASSESSMENT", "78.5"), (year.Assessments.Single().Kind, year.Assessments.Single().Value));
        Assert.Equal("全市平安建设先进个人", archive.Years.Single(y => y.Year == 2025).Rewards.Single().Summary.Split('“', '”')[1]);
        Assert.Equal([2027, 2026, 2025, 2024], archive.Years.Select(y => y.Year));

        // 王芳's archive holds the September finding and the year's assessment, not the March one.
        var successor = await Archives(Zhengzhou).GetArchiveAsync(new GetArchiveRequest { LeaderId = WangFang });
        var hers = successor.Years.Single(y => y.Year == 2026);
        Assert.Equal(["2026-09-01"], hers.DutyRecords.Where(r => r.Kind == "INSPECTION_FINDING").Select(r => r.On));
        Assert.Single(hers.Assessments);
        Assert.Empty(hers.Sanctions);
    }

    [Fact]
    public async Task The_keeping_office_grades_each_year_with_its_reasons_and_nobody_else_does_Art22()
    {
        var request = new SetYearlyGradeRequest { LeaderId = LiMing, Year = 2025, KeeperCode = Zhengzhou, Grade = ArchiveGrade.Excellent, Reasons = "全年未发生重大案事件,责任书目标全部完成" };
        var grade = await Archives(Zhengzhou).SetYearlyGradeAsync(request);
        Assert.Equal((ArchiveGrade.Excellent, $"{PinganRoles.CommissionOffice}-of-{Zhengzhou}"), (grade.Grade, grade.SetBy));
        // Set again: replaced, and both are in the audit trail.
        await Archives(Zhengzhou).SetYearlyGradeAsync(new SetYearlyGradeRequest(request) { Grade = ArchiveGrade.Pass, Reasons = "复核后调整为合格" });
        var archive = await Archives(Zhengzhou).GetArchiveAsync(new GetArchiveRequest { LeaderId = LiMing });
        Assert.Equal((ArchiveGrade.Pass, "复核后调整为合格"), (archive.Years.Single(y => y.Year == 2025).Grades.Single().Grade, archive.Years.Single(y => y.Year == 2025).Grades.Single().Reasons));
        Assert.Equal(2, await Sql.ScalarAsync(Database.ConnectionString,
            "SELECT count(*) FROM audit_entries WHERE action LIKE '%/SetYearlyGrade' AND target = $1 AND outcome = 'SUCCEEDED'", $"leader/{LiMing}"));

        // No reasons, no grade: a clear error, nothing written.
        var bad = await Refused(() => Archives(Zhengzhou).SetYearlyGradeAsync(new SetYearlyGradeRequest(request) { Reasons = " ", Grade = ArchiveGrade.Unspecified }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["grade", "reasons"], Fields(bad).Order());
        // Not the level above, not the county, not the leader's own unit; only Zhengzhou's office.
        await Refused(() => Archives(Province).SetYearlyGradeAsync(request).ResponseAsync, StatusCode.PermissionDenied);
        await Refused(() => Archives(Erqi).SetYearlyGradeAsync(new SetYearlyGradeRequest(request) { KeeperCode = Erqi }).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => Archives(Zhengzhou, PinganRoles.CommissionLeader).SetYearlyGradeAsync(request).ResponseAsync, StatusCode.PermissionDenied);
        // 2023 was 周强's year, not 李明's.
        await Refused(() => Archives(Zhengzhou).SetYearlyGradeAsync(new SetYearlyGradeRequest(request) { Year = 2023 }).ResponseAsync, StatusCode.FailedPrecondition);
        await Refused(() => Archives(Zhengzhou).SetYearlyGradeAsync(new SetYearlyGradeRequest(request) { Year = 2027 }).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(1, await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM yearly_grades"));
    }
}
