using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Inspections.Contracts;
using Pingan.Time;

namespace Pingan.Assessments.Inputs;

/// <summary>A finding of an inspection of the year against the unit inspected (Art. 18), by severity.</summary>
public sealed class FindingInput(AssessmentsDb db, TimeProvider time) : InputConsumer<FindingRecorded>(db, time)
{
    protected override AssessmentInput Input(FindingRecorded m) => new()
    {
        Reference = $"inspections/finding/{m.FindingId}", Year = m.Year, UnitCode = m.TargetCode, Source = Source.InspectionFindings,
        Kind = Lower(m.Severity), Value = 1, On = m.ObservedOn, Producer = "inspections",
    };
}

/// <summary>A reporting duty of the year (Art. 9, 14-17, 24, 25): on time, late or missed, for the unit that owed it.</summary>
public sealed class DutySubmittedInput(AssessmentsDb db, TimeProvider time) : InputConsumer<ReportingDutySubmitted>(db, time)
{
    protected override AssessmentInput Input(ReportingDutySubmitted m) => new()
    {
        Reference = $"inspections/duty/{m.DutyId}", Year = m.Year, UnitCode = m.UnitCode, Source = Source.DutyCompliance,
        Kind = m.DaysLate == 0 ? "on-time" : "late", Value = 1, On = m.SubmittedOn, Producer = "inspections",
    };
}

public sealed class DutyMissedInput(AssessmentsDb db, TimeProvider time) : InputConsumer<ReportingDutyMissed>(db, time)
{
    protected override AssessmentInput Input(ReportingDutyMissed m) => new()
    {
        Reference = $"inspections/duty/{m.DutyId}", Year = m.Year, UnitCode = m.UnitCode, Source = Source.DutyCompliance,
        Kind = "missed", Value = 1, On = m.DueOn, Producer = "inspections",
    };
}

/// <summary>An incident of the Art. 7(4) "strive for none" list where it happened, by severity, in the year it happened.</summary>
public sealed class IncidentInput(AssessmentsDb db, TimeProvider time) : InputConsumer<IncidentReported>(db, time)
{
    protected override AssessmentInput? Input(IncidentReported m)
    {
        // Art. 31(3)'s sensitive-period incidents are an accountability matter, not one of Art. 7(4)'s list.
        if (m.Category == "SensitivePeriod") return null;
        var on = ChinaTime.DateOf(m.OccurredAt);
        return new()
        {
            Reference = $"inspections/incident/{m.IncidentId}", Year = on.Year, UnitCode = m.PlaceCode, Source = Source.Incidents,
            Kind = Lower(m.Severity), Value = 1, On = on, Producer = "inspections",
        };
    }
}
