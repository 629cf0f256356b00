using Microsoft.EntityFrameworkCore;
using Pingan.Sanctions.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;
using Prometheus;

namespace Pingan.Sanctions.Cases;

/// <summary>
/// The escalation ladder as the operations team and the office watch it (docs/operations/runbooks.md): open cases by
/// stage and light, deadlines due this week, deadlines a day past their firing day that no sweep fired, and referrals
/// the departments have not acknowledged or not yet answered.
/// </summary>
/// <remarks>
/// The light of a case: red when a deadline of its current round was missed, one is past due and not yet fired, or
/// an escalation is proposed; yellow when one falls due within <see cref="YellowDays"/> days; green otherwise.
/// </remarks>
public sealed class SanctionsGauges(SanctionsDb db, TimeProvider time) : IScrapeProbe
{
    public const int YellowDays = 7;
    private static readonly string[] Lights = ["red", "yellow", "green"];

    private static readonly Gauge OpenCases = Metrics.CreateGauge("pingan_sanctions_open_cases",
        "Cases not closed, dismissed or referred for the veto, by stage and light", "stage", "light");
    private static readonly Gauge DueThisWeek = Metrics.CreateGauge("pingan_sanctions_deadlines_due_this_week",
        "Deadlines not yet fired that fall due within seven days, by kind", "kind");
    private static readonly Gauge Unfired = Metrics.CreateGauge("pingan_sanctions_deadlines_unfired",
        "Deadlines whose firing day is past and that no sweep fired: the DeadlinesNotFired alert");
    private static readonly Gauge Referrals = Metrics.CreateGauge("pingan_sanctions_referrals",
        "Referrals to the departments not delivered yet, or delivered and awaiting the department's outcome", "state");
    private static readonly Gauge OldestUndelivered = Metrics.CreateGauge("pingan_sanctions_referral_oldest_undelivered_age_seconds",
        "How long the oldest referral the department's system has not acknowledged has waited (0 when none)");

    public string What => "sanctions";

    public async Task RefreshAsync(CancellationToken ct)
    {
        var today = time.Today();
        var yellowUntil = today.AddDays(YellowDays);
        var pending = db.Deadlines.AsNoTracking().Where(d => d.FiredAt == null && d.CancelledAt == null);
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.Status != CaseStatus.Closed && c.Status != CaseStatus.Dismissed && c.Status != CaseStatus.VetoReferred)
            .Select(c => new
            {
                c.Stage,
                Red = c.EscalationProposed
                    || db.Deadlines.Any(d => d.CaseId == c.Id && d.Round == c.Round && d.Outcome == "Missed")
                    || pending.Any(d => d.CaseId == c.Id && d.DueOn < today),
                Yellow = pending.Any(d => d.CaseId == c.Id && d.DueOn <= yellowUntil),
            })
            .GroupBy(c => new { c.Stage, c.Red, c.Yellow })
            .Select(g => new { g.Key.Stage, g.Key.Red, g.Key.Yellow, Count = g.Count() })
            .ToListAsync(ct);
        foreach (var stage in Enum.GetValues<Stage>())
        {
            foreach (var light in Lights)
            {
                OpenCases.WithLabels(stage.ToString(), light).Set(cases
                    .Where(c => c.Stage == stage && (c.Red ? "red" : c.Yellow ? "yellow" : "green") == light).Sum(c => c.Count));
            }
        }

        var due = await pending.Where(d => d.DueOn >= today && d.DueOn < today.AddDays(YellowDays))
            .GroupBy(d => d.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var kind in Enum.GetValues<DeadlineKind>())
            DueThisWeek.WithLabels(kind.ToString()).Set(due.Where(d => d.Kind == kind).Sum(d => d.Count));
        Unfired.Set(await pending.CountAsync(d => d.FiresOn < today, ct));

        var referrals = db.Referrals.AsNoTracking();
        Referrals.WithLabels("undelivered").Set(await referrals.CountAsync(r => r.AcknowledgedAt == null, ct));
        Referrals.WithLabels("awaiting_outcome").Set(await referrals.CountAsync(r => r.AcknowledgedAt != null && r.Outcome == null, ct));
        var oldest = await referrals.Where(r => r.AcknowledgedAt == null).OrderBy(r => r.CreatedAt).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefaultAsync(ct);
        OldestUndelivered.Set(oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0);
    }
}
