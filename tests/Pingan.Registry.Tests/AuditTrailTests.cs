using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pingan.Audit.Api;
using Pingan.Registry.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Tests;

/// <summary>Every change and every refused command leaves an entry; the chain shows any tampering.</summary>
public sealed class AuditTrailTests : RegistryTest
{
    private AuditLog.AuditLogClient Audit => new(Invoker);

    private async Task<List<Entry>> EntriesAsync(string action = "") =>
        [.. (await Audit.ListEntriesAsync(new ListEntriesRequest { Action = action, PageSize = 500 })).Entries];

    [Fact]
    public async Task A_change_and_a_refused_command_are_both_on_the_record_with_actor_target_and_outcome()
    {
        await LoadSmallTreeAsync();
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原新区", EffectiveOn = "2026-06-01" });
        await Assert.ThrowsAsync<RpcException>(() => Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", ParentCode = "410102001000" }).ResponseAsync);

        var entries = await EntriesAsync("/pingan.registry.v1.Units/UpdateUnit");
        Assert.Equal(2, entries.Count);
        var refused = entries[0];
        Assert.Equal("REFUSED", refused.Outcome);
        Assert.Contains("parent_code", refused.Detail);
        var renamed = entries[1];
        Assert.Equal(("SUCCEEDED", "410102000000"), (renamed.Outcome, renamed.Target));
        Assert.Contains("中原新区", renamed.Detail);
        Assert.StartsWith("province.office (province.office) @", renamed.Actor);
        Assert.Equal(Province, renamed.ActorUnit);
        Assert.Equal(renamed.Hash, refused.PreviousHash);

        var import = Assert.Single(await EntriesAsync("/pingan.registry.v1.Integration/ImportUnits"));
        Assert.Contains("\"Created\":13", import.Detail);
        // Queries are not audited.
        await Units.GetUnitAsync(new GetUnitRequest { Code = "410102000000" });
        Assert.Empty(await EntriesAsync("/pingan.registry.v1.Units/GetUnit"));
    }

    [Fact]
    public async Task The_entries_cannot_be_altered_and_an_alteration_behind_the_guard_is_found_by_verification()
    {
        await LoadSmallTreeAsync();
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原新区", EffectiveOn = "2026-06-01" });
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原区", EffectiveOn = "2026-06-01" });
        var intact = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.True(intact.Intact, intact.Problem);
        Assert.Equal(3, intact.Entries);

        await using var sql = new NpgsqlConnection(Database.ConnectionString);
        await sql.OpenAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var update = new NpgsqlCommand("UPDATE audit_entries SET target = 'nothing' WHERE sequence = 2", sql);
            await update.ExecuteNonQueryAsync();
        });
        Assert.Contains("append-only", refused.MessageText);

        // A superuser can switch the guard off; the chain still tells.
        await using (var tamper = new NpgsqlCommand(
            "ALTER TABLE audit_entries DISABLE TRIGGER USER; UPDATE audit_entries SET target = 'nothing' WHERE sequence = 2; ALTER TABLE audit_entries ENABLE TRIGGER USER;", sql))
            await tamper.ExecuteNonQueryAsync();
        var broken = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.False(broken.Intact);
        Assert.Equal(2, broken.BrokenAt);
        var step = Host.Services.GetServices<IServiceStep>().Single(s => s.Name == "verify-audit");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => step.RunAsync(CancellationToken.None));
        Assert.Contains("entry 2", error.Message);
    }

    [Fact]
    public async Task Concurrent_writers_leave_one_unbroken_chain()
    {
        await LoadSmallTreeAsync();
        await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            try
            {
                await Leadership.AppointLeaderAsync(new AppointLeaderRequest
                { CorrectionReason = "补录历史任职记录",
                    Name = $"成员{i}", UnitCode = "410100000000-GOV", Role = LeadershipRole.DualDuty, Portfolio = $"分工{i}", StartsOn = "2026-01-01",
                });
            }
            catch (RpcException)
            {
            }
        }));
        var check = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.True(check.Intact, check.Problem);
        Assert.Equal(21, check.Entries);
    }
}
