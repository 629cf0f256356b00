using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pingan.Audit;
using Pingan.Audit.Api;
using Pingan.Registry.Persistence;
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

    /// <summary>
    /// Issue 11: a database superuser who rewrites an entry and makes its hash and the links after it agree again
    /// is caught, because the hashes are keyed (HMAC under a key the database does not hold); one who rewrites the
    /// whole chain unkeyed is caught by the tip anchored outside the database; rows slipped in past the tip are reported.
    /// </summary>
    [Fact]
    public async Task A_superuser_who_rewrites_rows_and_recomputes_their_hashes_is_caught_and_rows_past_the_tip_are_reported_Issue11()
    {
        await LoadSmallTreeAsync();
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原新区", EffectiveOn = "2026-06-01" });
        await Units.UpdateUnitAsync(new UpdateUnitRequest { Code = "410102000000", Name = "中原区", EffectiveOn = "2026-06-01" });
        var intact = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.True(intact.Intact && intact.Keyed, intact.Problem);
        Assert.StartsWith("anchored 3 entries", intact.Anchor);

        // The forger's best guess at the key, then the plain hash: neither makes entry 2 agree.
        var guessed = new AuditChainKey(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            { ["Audit:ChainKey"] = Convert.ToBase64String(new byte[32]) }).Build());
        await RewriteAsync(guessed, from: 2);
        var forged = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.False(forged.Intact);
        Assert.Equal(2, forged.BrokenAt);
        Assert.Contains("does not match its hash", forged.Problem);

        var unkeyed = new AuditChainKey(new ConfigurationBuilder().Build());
        await RewriteAsync(unkeyed, from: 1);
        var rewritten = await Audit.VerifyChainAsync(new VerifyChainRequest());
        Assert.False(rewritten.Intact);
        Assert.Equal(3, rewritten.BrokenAt);
        Assert.Contains("anchored outside the database", rewritten.Problem);

        // An entry slipped in after the tip, without moving it.
        await using (var sql = new NpgsqlConnection(Database.ConnectionString))
        {
            await sql.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO audit_entries (sequence, at, actor, action, outcome, previous_hash, hash, key_id) VALUES (4, now(), 'x', 'x', 'SUCCEEDED', 'x', 'x', '')", sql);
            await insert.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, (await Audit.VerifyChainAsync(new VerifyChainRequest())).RowsPastTip);
    }

    /// <summary>As a superuser: the guard off, entries from <paramref name="from"/> rewritten (a target changed) and rehashed under <paramref name="key"/>, links and tip made to agree.</summary>
    private async Task RewriteAsync(AuditChainKey key, long from)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDb>();
        var entries = await db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        await using var sql = new NpgsqlConnection(Database.ConnectionString);
        await sql.OpenAsync();
        await using (var off = new NpgsqlCommand("ALTER TABLE audit_entries DISABLE TRIGGER USER", sql)) await off.ExecuteNonQueryAsync();
        var previous = AuditModel.Genesis;
        foreach (var e in entries)
        {
            if (e.Sequence >= from)
            {
                if (e.Sequence == 2) e.Target = "nothing";
                e.KeyId = key.Id;
                e.PreviousHash = previous;
                e.Hash = e.ComputeHash(key)!;
                await using var update = new NpgsqlCommand("UPDATE audit_entries SET target = $1, key_id = $2, previous_hash = $3, hash = $4 WHERE sequence = $5", sql);
                update.Parameters.AddWithValue((object?)e.Target ?? DBNull.Value);
                update.Parameters.AddWithValue(e.KeyId);
                update.Parameters.AddWithValue(e.PreviousHash);
                update.Parameters.AddWithValue(e.Hash);
                update.Parameters.AddWithValue(e.Sequence);
                await update.ExecuteNonQueryAsync();
            }
            previous = e.Hash;
        }
        await using (var tip = new NpgsqlCommand("UPDATE audit_head SET last_hash = $1 WHERE id = 1", sql))
        {
            tip.Parameters.AddWithValue(previous);
            await tip.ExecuteNonQueryAsync();
        }
        await using (var on = new NpgsqlCommand("ALTER TABLE audit_entries ENABLE TRIGGER USER", sql)) await on.ExecuteNonQueryAsync();
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
