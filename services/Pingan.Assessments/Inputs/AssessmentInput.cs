using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Messaging;

namespace Pingan.Assessments.Inputs;

/// <summary>
/// One fact an indicator draws on, for one unit and year, and where it came from (issue 14: "the year's inputs for a
/// unit can be listed with where each came from"): a finding, a reporting duty, an incident, a letter's completion,
/// a case. <see cref="Reference"/> names the producer's record; <see cref="Sequence"/> is the producer's event
/// sequence, so a later state replaces an earlier one whatever order the events arrive in (ADR 0012).
/// </summary>
public sealed class AssessmentInput
{
    public required string Reference { get; set; }
    public int Year { get; set; }
    public required string UnitCode { get; set; }
    public Source Source { get; set; }
    /// <summary>What kind of fact within its source: a severity, a stage, on-time / late / missed.</summary>
    public required string Kind { get; set; }
    /// <summary>A count (1) or a figure (a completion in percent).</summary>
    public decimal Value { get; set; }
    public DateOnly On { get; set; }
    public required string Producer { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>For an assessors' score: its reasons and evidence, as recorded.</summary>
    public string Detail { get; set; } = "";
}

/// <summary>
/// Turns a producer's event into an input, once per message id (inbox) and in whatever order the events come: an input
/// is replaced only by an event of a higher sequence. Null: the event is no input (a rectification not demanded, say).
/// </summary>
public abstract class InputConsumer<TMessage>(AssessmentsDb db, TimeProvider time) : IdempotentConsumer<TMessage, AssessmentsDb>(db)
    where TMessage : class
{
    protected abstract AssessmentInput? Input(TMessage message);

    protected override async Task HandleAsync(ConsumeContext<TMessage> context)
    {
        if (Input(context.Message) is not { } input) return;
        input.Sequence = EventSequence.Of(context) ?? 0;
        input.ReceivedAt = time.GetUtcNow();
        await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO assessment_inputs (reference, year, unit_code, source, kind, value, "on", producer, sequence, received_at)
            VALUES ({input.Reference}, {input.Year}, {input.UnitCode}, {input.Source.ToString()}, {input.Kind}, {input.Value}, {input.On}, {input.Producer},
                    {input.Sequence}, {input.ReceivedAt})
            ON CONFLICT (reference) DO UPDATE SET year = excluded.year, unit_code = excluded.unit_code, source = excluded.source, kind = excluded.kind,
                value = excluded.value, "on" = excluded."on", sequence = excluded.sequence, received_at = excluded.received_at
            WHERE assessment_inputs.sequence < excluded.sequence
            """, context.CancellationToken);
    }

    protected static string Lower(string value) => value.ToLowerInvariant().Replace("_", "-", StringComparison.Ordinal);
}
