using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Letters.Contracts;
using Pingan.Sanctions.Contracts;
using Pingan.Time;

namespace Pingan.Assessments.Inputs;

/// <summary>
/// The year-end completion figure of a unit's letter (Art. 11-13, 20), 0-100, set by the issuing commission. One input
/// per issuer, receiver and year: an amended letter's later figure (a higher sequence) replaces the earlier one.
/// </summary>
public sealed class LetterCompletionInput(AssessmentsDb db, TimeProvider time) : InputConsumer<LetterCompleted>(db, time)
{
    protected override AssessmentInput Input(LetterCompleted m) => new()
    {
        Reference = $"letters/{m.Year}/{m.IssuerCode}/{m.ReceiverCode}", Year = m.Year, UnitCode = m.ReceiverCode, Source = Source.LettersCompletion,
        Kind = m.Signed ? "signed" : "unsigned", Value = m.Completion, On = ChinaTime.DateOf(m.CompletedAt), Producer = "letters",
    };
}

/// <summary>
/// A measure decided against the unit (Art. 33-37), in the year it was decided: one input per case and stage, so a
/// case that went from notice to admonishment has both, and the score takes the highest stage a case reached.
/// </summary>
public sealed class MeasureInput(AssessmentsDb db, TimeProvider time) : InputConsumer<MeasureDecided>(db, time)
{
    protected override AssessmentInput Input(MeasureDecided m) => new()
    {
        Reference = $"sanctions/case/{m.CaseId}/{Lower(m.Stage)}", Year = m.DecidedOn.Year, UnitCode = m.SubjectCode, Source = Source.SanctionCases,
        Kind = Lower(m.Stage), Value = 1, On = m.DecidedOn, Producer = "sanctions",
    };
}
