using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Rules;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Sanctions.Cases;

/// <summary>
/// Fires the due deadlines of every case: reminders before, overdue reports after, and at a period's end without
/// accepted rectification an escalation proposal for the competent office (Art. 34-35 "仍未按期完成整改目标 … 核实并提出意见"):
/// never an escalation by itself. It locks the cases first, as every change does (so a sweep and a user's change
/// queue rather than deadlock), skipping cases another replica holds; the rows fired, the case file entries and
/// the events commit together, so a crash at any point leaves each deadline either fired once or still due.
/// </summary>
public sealed class DeadlineSweep(
    IServiceScopeFactory scopes, TimeProvider clock, WorkingDayCalendar calendar, IConfiguration configuration, ILogger<DeadlineSweep> logger)
    : PeriodicSweep(clock, logger)
{
    private string _countedWith = "";
    /// <summary>Cases locked and fired per transaction.</summary>
    private int BatchSize => configuration.GetValue("Sanctions:Sweep:BatchSize", 500);

    protected override TimeSpan Every => configuration.GetValue("Sanctions:Sweep:Every", TimeSpan.FromMinutes(5));

    protected override string What => "case deadlines";

    public override async Task<int> SweepAsync(CancellationToken ct)
    {
        await RecountProvisionalAsync(ct);
        var fired = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SanctionsDb>();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
            var rules = scope.ServiceProvider.GetRequiredService<IRuleBook>();
            var today = Time.Today();
            var batch = BatchSize;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT c.id AS "Value" FROM cases c
                WHERE c.id IN (SELECT d.case_id FROM case_deadlines d
                               WHERE d.fired_at IS NULL AND d.cancelled_at IS NULL AND d.fires_on <= {today}
                               ORDER BY d.fires_on LIMIT {batch})
                FOR UPDATE OF c SKIP LOCKED
                """).ToListAsync(ct);
            if (ids.Count == 0) return fired;
            // Nothing is tracked (issue 20: an UPDATE per row and per case through the change tracker was two thirds of the
            // sweep; 1,000 due rows of 1,000,000 went from 1.4-1.9 s to 0.4-0.75 s). The sweep changes three fields of a
            // case (its step count, the escalation proposal and its reason), written in one statement below: a change to
            // Fire that touches another field of the case must write it there.
            var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            var before = cases.Values.ToDictionary(c => c.Id, c => (c.Steps, c.EscalationProposed, c.EscalationReason));
            // The due rows are marked fired in one statement below too; a progress report's period needs the round's earlier
            // report days.
            var dueRows = await db.Deadlines.AsNoTracking().Where(d => ids.Contains(d.CaseId) && d.FiredAt == null && d.CancelledAt == null && d.FiresOn <= today)
                .OrderBy(d => d.FiresOn).ThenBy(d => d.Kind).ToListAsync(ct);
            var withProgress = dueRows.Where(d => d.Kind == DeadlineKind.ProgressDue).Select(d => d.CaseId).Distinct().ToArray();
            var progressDays = (await db.Deadlines.AsNoTracking().Where(d => withProgress.Contains(d.CaseId) && d.Kind == DeadlineKind.ProgressDue)
                .Select(d => new { d.CaseId, d.Round, d.DueOn }).ToListAsync(ct)).ToLookup(d => (d.CaseId, d.Round), d => d.DueOn);
            var reports = (await db.Reports.AsNoTracking().Where(r => ids.Contains(r.CaseId))
                .Select(r => new Submitted(r.CaseId, r.Round, r.Kind, r.SubmittedOn)).ToListAsync(ct)).ToLookup(r => r.CaseId);
            // Reading 7: the grace after a period is the one in force on the day the period ended.
            var graces = new Dictionary<DateOnly, int>();
            foreach (var end in dueRows.Where(d => d.Kind == DeadlineKind.RectificationEnds).Select(d => d.DueOn).Distinct())
                graces[end] = await rules.WorkingDaysAsync(SanctionsRules.AcceptanceGrace, end, ct);
            foreach (var d in dueRows)
            {
                var c = cases[d.CaseId];
                Fire(db, outbox, c, d, [.. reports[c.Id].Where(r => r.Round == d.Round)], progressDays[(c.Id, d.Round)], graces, today);
                fired++;
            }
            var firedIds = dueRows.Select(d => d.Id).ToArray();
            var firedAt = dueRows.Select(d => d.FiredAt!.Value).ToArray();
            var outcomes = dueRows.Select(d => d.Outcome!).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE case_deadlines d SET fired_at = f.fired_at, outcome = f.outcome
                FROM unnest({firedIds}, {firedAt}, {outcomes}) AS f(id, fired_at, outcome)
                WHERE d.id = f.id
                """, ct);
            var changed = cases.Values.Where(c => before[c.Id] != (c.Steps, c.EscalationProposed, c.EscalationReason)).ToArray();
            if (changed.Length > 0)
            {
                var caseIds = changed.Select(c => c.Id).ToArray();
                var steps = changed.Select(c => c.Steps).ToArray();
                var proposed = changed.Select(c => c.EscalationProposed).ToArray();
                var reasons = changed.Select(c => c.EscalationReason).ToArray();
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE cases c SET steps = f.steps, escalation_proposed = f.proposed, escalation_reason = f.reason
                    FROM unnest({caseIds}, {steps}, {proposed}, {reasons}) AS f(id, steps, proposed, reason)
                    WHERE c.id = f.id
                    """, ct);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// Counts provisional deadlines again once the holiday schedule of their year is loaded (the operators add next
    /// year's file in November; the pods restart with it). Only when the loaded years changed since the last count.
    /// Issue 12: a batch of case ids at a time (never every provisional row at once), and each case in a transaction
    /// of its own under the case's lock, as every change does, so a user's change and the recount queue rather than
    /// interleave, and a case's deadlines and its rectification end move together.
    /// </summary>
    private async Task RecountProvisionalAsync(CancellationToken ct)
    {
        var years = string.Join(",", calendar.LoadedYears);
        if (years == _countedWith) return;
        var (changed, after, batch) = (0, Guid.Empty, BatchSize);
        while (true)
        {
            List<Guid> ids;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SanctionsDb>();
                ids = await db.Database.SqlQuery<Guid>($"""
                    SELECT DISTINCT case_id AS "Value" FROM case_deadlines
                    WHERE provisional AND fired_at IS NULL AND cancelled_at IS NULL AND case_id > {after}
                    ORDER BY 1 LIMIT {batch}
                    """).ToListAsync(ct);
            }
            if (ids.Count == 0) break;
            foreach (var id in ids) changed += await RecountCaseAsync(id, ct);
            after = ids[^1];
        }
        if (changed > 0) logger.LogInformation("Counted {Count} provisional deadlines again with the holiday schedules of {Years}", changed, years);
        _countedWith = years;
    }

    private async Task<int> RecountCaseAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SanctionsDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM cases WHERE id = {id} FOR UPDATE", ct);
        var c = await db.Cases.FirstAsync(x => x.Id == id, ct);
        var rows = await db.Deadlines.Where(d => d.CaseId == id && d.Provisional && d.FiredAt == null && d.CancelledAt == null).ToListAsync(ct);
        var changed = 0;
        foreach (var d in rows)
        {
            var count = int.Parse(d.Rule.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            var (due, provisional) = d.Rule.EndsWith("working days", StringComparison.Ordinal)
                ? calendar.AddWorkingDaysProvisionally(d.BasisOn, count)
                : calendar.MonthsDeadlineProvisionally(d.BasisOn, count);
            if (provisional) continue;
            var old = d.DueOn;
            // A reminder keeps its distance before the due day; a due day fires the day after.
            d.FiresOn = due.AddDays(d.FiresOn.DayNumber - d.DueOn.DayNumber);
            d.DueOn = due;
            d.Provisional = false;
            changed++;
            if (d.Kind == DeadlineKind.RectificationEnds && d.Round == c.Round && c.RectificationEndsOn == old) c.RectificationEndsOn = due;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    private sealed record Submitted(Guid CaseId, int Round, string Kind, DateOnly On);

    private void Fire(SanctionsDb db, IOutbox outbox, SanctionCase c, CaseDeadline d, List<Submitted> reports, IEnumerable<DateOnly> progressDays,
        IReadOnlyDictionary<DateOnly, int> graces, DateOnly today)
    {
        var now = Time.GetUtcNow();
        d.FiredAt = now;
        if (c.IsOver || d.Round != c.Round)
        {
            d.Outcome = "NotNeeded";
            return;
        }
        switch (d.Kind)
        {
            case DeadlineKind.MeasuresReminder:
                d.Outcome = reports.Any(r => r.Kind == "Measures") ? "NotNeeded" : "Reminded";
                if (d.Outcome == "Reminded") outbox.Enqueue(new CaseDeadlineReminder(c.Id, c.SubjectCode, "MeasuresDue", d.DueOn));
                break;
            case DeadlineKind.RectificationReminder:
                d.Outcome = c.Status == CaseStatus.Active ? "Reminded" : "NotNeeded";
                if (d.Outcome == "Reminded") outbox.Enqueue(new CaseDeadlineReminder(c.Id, c.SubjectCode, "RectificationEnds", d.DueOn));
                break;
            case DeadlineKind.MeasuresDue:
                d.Outcome = reports.Any(r => r.Kind == "Measures" && r.On <= d.DueOn) ? "Met" : "Missed";
                if (d.Outcome == "Missed") Overdue(db, outbox, c, d, "measures", now);
                break;
            case DeadlineKind.ProgressDue:
                // A progress report in the period the report covers: since the previous one was due (or the period began).
                var since = progressDays.Where(day => day < d.DueOn).DefaultIfEmpty(d.BasisOn).Max();
                d.Outcome = reports.Any(r => r.Kind == "Progress" && r.On > since && r.On <= d.DueOn) ? "Met" : "Missed";
                if (d.Outcome == "Missed") Overdue(db, outbox, c, d, "progress report", now);
                break;
            case DeadlineKind.RectificationEnds:
            case DeadlineKind.AcceptanceGraceEnds:
                if (c.Status is CaseStatus.AcceptanceRequested or CaseStatus.AcceptancePrechecked)
                {
                    d.Outcome = "AwaitingCheck"; // the check decides; a failed one raises the proposal then
                    break;
                }
                if (c.EscalationProposed)
                {
                    d.Outcome = "NotNeeded"; // a check that failed after the period proposed it already
                    break;
                }
                if (d.Kind == DeadlineKind.RectificationEnds && graces[d.DueOn] is var grace and > 0)
                {
                    // Art. 34 "整改期满后可书面申请…检查验收" (reading 7): the unit may still apply; escalation waits for the grace.
                    var (graceEnds, provisional) = calendar.AddWorkingDaysProvisionally(d.DueOn, grace);
                    db.Deadlines.Add(new CaseDeadline
                    {
                        Id = Guid.CreateVersion7(now), CaseId = c.Id, Round = c.Round, Kind = DeadlineKind.AcceptanceGraceEnds, DueOn = graceEnds,
                        FiresOn = graceEnds.AddDays(1), BasisOn = d.DueOn, Rule = $"{grace} working days", Provisional = provisional,
                    });
                    d.Outcome = "Grace";
                    File(db, c, "AcceptanceGraceStarted", "Art. 34",
                        new { periodEndedOn = d.DueOn.ToString("yyyy-MM-dd"), applyBy = graceEnds.ToString("yyyy-MM-dd"), rule = SanctionsRules.AcceptanceGrace, workingDays = grace }, now);
                    break;
                }
                d.Outcome = "EscalationProposed";
                var next = c.Stage + 1;
                var reason = d.Kind == DeadlineKind.RectificationEnds
                    ? $"the {CaseStateMachine.Name(c.Stage)}'s rectification period ended on {d.DueOn:yyyy-MM-dd} without accepted rectification"
                    : $"the {CaseStateMachine.Name(c.Stage)}'s rectification period ended on {d.BasisOn:yyyy-MM-dd} and no application for acceptance arrived by {d.DueOn:yyyy-MM-dd} ({d.Rule})";
                c.EscalationProposed = true;
                c.EscalationReason = reason;
                outbox.Enqueue(new EscalationProposed(c.Id, c.SubjectCode, c.Stage.ToString(), next.ToString(), c.BodyFor(next), reason, today));
                File(db, c, "EscalationProposed", next == Stage.Veto ? "Art. 37" : CaseStateMachine.Article(next),
                    new { from = c.Stage.ToString(), to = next.ToString(), body = c.BodyFor(next), reason }, now);
                break;
        }
    }

    private static void Overdue(SanctionsDb db, IOutbox outbox, SanctionCase c, CaseDeadline d, string what, DateTimeOffset now)
    {
        outbox.Enqueue(new CaseReportOverdue(c.Id, c.SubjectCode, d.Kind.ToString(), d.DueOn));
        File(db, c, "ReportOverdue", CaseStateMachine.Article(c.Stage), new { report = what, dueOn = d.DueOn.ToString("yyyy-MM-dd") }, now);
    }

    private static void File(SanctionsDb db, SanctionCase c, string action, string article, object detail, DateTimeOffset now) =>
        db.Steps.Add(CaseStep.Next(c, now, "deadline sweep", action, article, detail));
}
