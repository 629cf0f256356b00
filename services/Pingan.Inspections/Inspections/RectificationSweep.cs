using Microsoft.EntityFrameworkCore;
using Pingan.Inspections.Contracts;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Inspections.Inspections;

/// <summary>
/// Finds rectifications owed past their due day (Art. 18 "督促整改"), marks each once per demand round and raises
/// <see cref="RectificationOverdue"/>: the finding's light is red from then. The inspection rows are claimed with FOR
/// UPDATE SKIP LOCKED, so replicas sweeping together neither lose nor repeat one, and a change to the same inspection
/// (a report arriving) queues on the same lock.
/// </summary>
public sealed class RectificationSweep(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<RectificationSweep> logger)
    : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Every => configuration.GetValue("Inspections:Sweep:Every", TimeSpan.FromMinutes(15));

    protected override string What => "overdue rectifications";

    private int BatchSize => configuration.GetValue("Inspections:Sweep:BatchSize", 500);

    public override async Task<int> SweepAsync(CancellationToken ct)
    {
        var fired = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InspectionsDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var today = Time.Today();
            var batch = BatchSize;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT i.id AS "Value" FROM inspections i
                WHERE i.id IN (SELECT f.inspection_id FROM findings f
                               WHERE f.overdue_since IS NULL AND f.rectification IN ('Demanded', 'Rejected') AND f.due_on < {today}
                               ORDER BY f.due_on LIMIT {batch})
                FOR UPDATE OF i SKIP LOCKED
                """).ToListAsync(ct);
            if (ids.Count == 0) return fired;
            var now = Time.GetUtcNow();
            var findings = await db.Findings.Where(f => ids.Contains(f.InspectionId) && f.OverdueSince == null
                && (f.Rectification == RectificationStatus.Demanded || f.Rectification == RectificationStatus.Rejected) && f.DueOn < today).ToListAsync(ct);
            foreach (var f in findings)
            {
                f.OverdueSince = now;
                outbox.Enqueue(new RectificationOverdue(f.InspectionId, f.Id, f.TargetCode, f.DueOn!.Value));
            }
            await db.Database.ExecuteSqlAsync($"UPDATE inspections SET version = version + 1 WHERE id = ANY({ids.ToArray()})", ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            fired += findings.Count;
        }
    }
}
