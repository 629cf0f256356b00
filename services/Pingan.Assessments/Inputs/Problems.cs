using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Persistence;
using Pingan.Inspections.Contracts;
using Pingan.Messaging;

namespace Pingan.Assessments.Inputs;

/// <summary>
/// A problem found in a unit (an inspection's finding that demanded rectification, Art. 18; the annual inspection is
/// the assessment's own visit) and how far its rectification has come, as the inspections service reported it: the
/// year's assessment shows each unit's problems to the end (issue 14 "the problems found are tracked to
/// rectification"). The facts come with the finding; the state with the rectification events, each applied only over
/// an earlier state (the producer's sequence), so the events may arrive in any order.
/// </summary>
public sealed class Problem
{
    public Guid FindingId { get; set; }
    public required string UnitCode { get; set; }
    /// <summary>Null until the finding itself arrived (a rectification event came first).</summary>
    public int? Year { get; set; }
    public string InspectingCode { get; set; } = "";
    public string Form { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Concern { get; set; } = "";
    public DateOnly? ObservedOn { get; set; }
    /// <summary>OPEN, OVERDUE, REJECTED (reported, not accepted: to report again), RECTIFIED.</summary>
    public string State { get; set; } = ProblemStates.Open;
    public DateOnly? DueOn { get; set; }
    public bool? OnTime { get; set; }
    public long StateSequence { get; set; }
}

public static class ProblemStates
{
    public const string Open = "OPEN", Overdue = "OVERDUE", Rejected = "REJECTED", Rectified = "RECTIFIED";
}

/// <summary>The finding's facts (once, whatever its state already is).</summary>
public sealed class ProblemFound(AssessmentsDb db) : IdempotentConsumer<FindingRecorded, AssessmentsDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<FindingRecorded> context)
    {
        var m = context.Message;
        if (!m.RectificationDemanded) return Task.CompletedTask; // nothing to rectify: not tracked
        var concern = m.Clause is { } clause ? $"Art. 31({clause})" : $"{m.ConcernKind} {m.ConcernReference}".Trim();
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO problems (finding_id, unit_code, year, inspecting_code, form, severity, concern, observed_on, state, state_sequence)
            VALUES ({m.FindingId}, {m.TargetCode}, {m.Year}, {m.InspectingCode}, {m.Form}, {m.Severity}, {concern}, {m.ObservedOn}, {ProblemStates.Open}, 0)
            ON CONFLICT (finding_id) DO UPDATE SET year = excluded.year, inspecting_code = excluded.inspecting_code, form = excluded.form,
                severity = excluded.severity, concern = excluded.concern, observed_on = excluded.observed_on
            """, context.CancellationToken);
    }
}

/// <summary>A rectification state, applied only over an earlier one.</summary>
public abstract class ProblemStateConsumer<TMessage>(AssessmentsDb db) : IdempotentConsumer<TMessage, AssessmentsDb>(db) where TMessage : class
{
    protected abstract (Guid FindingId, string UnitCode, string State, DateOnly DueOn, bool? OnTime) StateOf(TMessage message);

    protected override Task HandleAsync(ConsumeContext<TMessage> context)
    {
        var (finding, unit, state, due, onTime) = StateOf(context.Message);
        var sequence = EventSequence.Of(context) ?? 0;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO problems (finding_id, unit_code, year, inspecting_code, form, severity, concern, state, due_on, on_time, state_sequence)
            VALUES ({finding}, {unit}, NULL, '', '', '', '', {state}, {due}, {onTime}, {sequence})
            ON CONFLICT (finding_id) DO UPDATE SET state = excluded.state, due_on = excluded.due_on, on_time = excluded.on_time, state_sequence = excluded.state_sequence
            WHERE problems.state_sequence < excluded.state_sequence
            """, context.CancellationToken);
    }
}

public sealed class ProblemOverdue(AssessmentsDb db) : ProblemStateConsumer<RectificationOverdue>(db)
{
    protected override (Guid, string, string, DateOnly, bool?) StateOf(RectificationOverdue m) => (m.FindingId, m.TargetCode, ProblemStates.Overdue, m.DueOn, null);
}

public sealed class ProblemVerified(AssessmentsDb db) : ProblemStateConsumer<RectificationVerified>(db)
{
    protected override (Guid, string, string, DateOnly, bool?) StateOf(RectificationVerified m) =>
        (m.FindingId, m.TargetCode, m.Accepted ? ProblemStates.Rectified : ProblemStates.Rejected, m.DueOn, m.Accepted ? m.OnTime : null);
}
