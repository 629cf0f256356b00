using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Persistence;
using Pingan.Security;

namespace Pingan.Sanctions.Tests;

/// <summary>Art. 35, second paragraph: each year the provincial office selects counties with prominent problems for listing.</summary>
public sealed class YearlyBatchTests : SanctionsTest
{
    [Fact]
    public async Task The_province_selects_counties_for_listing_in_one_batch_and_its_commission_decides_each_Art35()
    {
        var batch = await CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "命案、盗抢案件高发"), (Longting, "电信诈骗案件突出")));
        Assert.Equal([(Zhongyuan, "PROPOSED", Stage.Listing, Province), (Longting, "PROPOSED", Stage.Listing, Province)],
            batch.Cases.Select(c => (c.SubjectCode, c.Status, c.ProposedStage, c.BodyCode)));
        Assert.All(batch.Cases, c => Assert.Equal(Source.YearlyBatch, c.Source));

        Today("2026-05-15");
        var listed = await CasesOf(Province, PinganRoles.CommissionLeader).DecideProposalAsync(new DecideProposalRequest
            { CaseId = batch.Cases[0].CaseId, Approve = true, DecidedOn = "2026-05-15" });
        Assert.Equal(("ACTIVE", Stage.Listing, "2026-11-16"), (listed.Status, listed.Stage, listed.Deadlines.Last().DueOn));
        Assert.Contains("Art. 35(2): yearly selection 2026", listed.DecisionTrace);
        Assert.Contains(listed.Distribution, r => r.Role == "DISCIPLINE_AND_PERSONNEL" && r.UnitName == "河南省纪委监委");

        // A county already listed is not selected again.
        var again = await Refused(() => CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "仍然突出"))).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Contains("under listed supervision already", again.Status.Detail);
    }

    [Fact]
    public async Task Only_the_provincial_office_selects_only_counties_and_a_bad_entry_saves_nothing()
    {
        await Refused(() => CasesOf(Zhengzhou).ProposeListingBatchAsync(Batch((Zhongyuan, "问题突出"))).ResponseAsync, StatusCode.PermissionDenied);
        var bad = await Refused(() => CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "问题突出"), (Zhengzhou, "问题突出"), (Zhongyuan, "重复"))).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["entries[1].subject_code", "entries[2].subject_code"], Fields(bad));
        Assert.Contains("not a county-level unit", bad.Status.Detail);
        await using var scope = Host.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<SanctionsDb>().Cases.CountAsync());
    }

    private static ProposeListingBatchRequest Batch(params (string Code, string Reasons)[] entries)
    {
        var request = new ProposeListingBatchRequest { Year = 2026, HeldOn = "2026-05-12", Minutes = "2026年度挂牌督办重点整治单位研究会议纪要" };
        request.Attendees.AddRange([
            new Attendee { Department = Department.Commission, Name = "省综治委" },
            new Attendee { Department = Department.Discipline, Name = "省纪委", UnitCode = Province + "-CDI" },
            new Attendee { Department = Department.Supervision, Name = "省监委", UnitCode = Province + "-CDI" },
            new Attendee { Department = Department.Organisation, Name = "省委组织部", UnitCode = Province + "-ORG" },
            new Attendee { Department = Department.Personnel, Name = "省人社厅", UnitCode = Province + "-HRSS" },
        ]);
        request.Entries.AddRange(entries.Select(e => new BatchEntry { SubjectCode = e.Code, Clause = 6, Reasons = e.Reasons }));
        return request;
    }
}
