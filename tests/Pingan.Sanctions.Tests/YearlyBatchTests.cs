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

    /// <summary>
    /// Issue 12 (AIP-155): a batch sent again with its request id (a retry after a timeout) returns the batch the
    /// first request proposed, and a county proposed for listing but not yet decided is not selected again.
    /// </summary>
    [Fact]
    public async Task A_batch_sent_again_returns_the_first_and_a_proposed_listing_counts_as_open_Issue12_Art35()
    {
        var request = Batch((Zhongyuan, "命案、盗抢案件高发"), (Longting, "电信诈骗案件突出"));
        request.RequestId = "2026-listing-selection-1";
        var first = await CasesOf(Province).ProposeListingBatchAsync(request);
        var retry = await CasesOf(Province).ProposeListingBatchAsync(request);
        Assert.Equal(first.BatchId, retry.BatchId);
        Assert.Equal(first.Cases.Select(c => c.CaseId), retry.Cases.Select(c => c.CaseId));
        Assert.Equal(2, await CasesCountAsync());

        var other = Batch((Zhongyuan, "仍然突出"));
        other.RequestId = "2026-listing-selection-2";
        var refused = await Refused(() => CasesOf(Province).ProposeListingBatchAsync(other).ResponseAsync, StatusCode.InvalidArgument);
        Assert.Equal(["entries[0].subject_code"], Fields(refused));
        Assert.Contains("or proposed for it", refused.Status.Detail);
        Assert.Equal(2, await CasesCountAsync());
    }

    /// <summary>
    /// Issue 12: two selections committing at the same moment both name 中原区. Both pass their checks while the
    /// test holds the cases table (so both are in flight together); the database lets one listing in, the other
    /// batch is refused whole, and 中原区 has one open listing.
    /// </summary>
    [Fact]
    public async Task Two_batches_at_once_propose_a_county_for_listing_once_Issue12_Art35()
    {
        Task<ListingBatch> one, two;
        await using (var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var hold = await connection.BeginTransactionAsync();
            await using (var command = new Npgsql.NpgsqlCommand("LOCK TABLE cases IN SHARE MODE", connection, hold)) await command.ExecuteNonQueryAsync();
            one = CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "命案高发"))).ResponseAsync;
            two = CasesOf(Province).ProposeListingBatchAsync(Batch((Zhongyuan, "盗抢高发"), (Longting, "电信诈骗突出"))).ResponseAsync;
            await Database.WaitForLockWaitersAsync(2);
            await hold.CommitAsync();
        }
        var outcomes = await Task.WhenAll(Settle(one), Settle(two));
        Assert.Single(outcomes, o => o == StatusCode.OK);
        Assert.Single(outcomes, o => o == StatusCode.FailedPrecondition);
        await using var scope = Host.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SanctionsDb>().Cases.CountAsync(c => c.SubjectCode == Zhongyuan));

        static async Task<StatusCode> Settle(Task<ListingBatch> call)
        {
            try { await call; return StatusCode.OK; }
            catch (RpcException e) { return e.StatusCode; }
        }
    }

    private async Task<int> CasesCountAsync()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SanctionsDb>().Cases.CountAsync();
    }
}
