using Microsoft.EntityFrameworkCore;
using Pingan.Inspections.Contracts;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Inspections.Duties;

/// <summary>
/// Raises <see cref="ReportingDutyMissed"/> once for each duty not submitted by its due day, in every replica, the
/// rows claimed with FOR UPDATE SKIP LOCKED (a submission arriving meanwhile queues on the same row lock).
/// </summary>
public sealed class DutySweep(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<DutySweep> logger)
    : PeriodicSweep(clock, logger)
{
    protected override TimeSpan Every => configuration.GetValue("Inspections:Sweep:Every", TimeSpan.FromMinutes(15));

    protected override string What => "missed reporting duties";

    public override async Task<int> SweepAsync(CancellationToken ct)
    {
        var fired = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InspectionsDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var today = Time.Today();
            var batch = configuration.GetValue("Inspections:Sweep:BatchSize", 500);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var due = await db.Duties.FromSql($"""
                SELECT * FROM reporting_duties
                WHERE submitted_at IS NULL AND missed_at IS NULL AND due_on < {today}
                ORDER BY due_on LIMIT {batch}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            if (due.Count == 0) return fired;
            var now = Time.GetUtcNow();
            foreach (var d in due)
            {
                d.MissedAt = now;
                outbox.Enqueue(new ReportingDutyMissed(d.Id, d.Year, d.Kind, d.Article, d.PartyCode, d.UnitCode, d.JurisdictionCode, d.DueOn));
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            fired += due.Count;
        }
    }
}
