using Pingan.Time;

namespace Pingan.Sanctions.Cases;

public enum DeadlineKind { MeasuresReminder, MeasuresDue, ProgressDue, RectificationReminder, RectificationEnds,
    /// <summary>Reading 7: the last day to apply for acceptance after the period, before escalation is proposed.</summary>
    AcceptanceGraceEnds,
}

/// <summary>
/// A stored deadline of a case, never an in-memory timer: the sweep fires it once on <see cref="FiresOn"/>
/// (the day after a due day; a reminder on its own day) whatever restarts happen in between.
/// </summary>
public sealed class CaseDeadline
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public int Round { get; set; }
    public DeadlineKind Kind { get; set; }
    public DateOnly DueOn { get; set; }
    public DateOnly FiresOn { get; set; }
    /// <summary>The day the period runs from and how it is counted ("10 working days", "3 months"), to count it again.</summary>
    public DateOnly BasisOn { get; set; }
    public required string Rule { get; set; }
    /// <summary>Counted without the holiday schedule of a year not loaded yet.</summary>
    public bool Provisional { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    /// <summary>Met, Missed, Reminded, NotNeeded, AwaitingCheck, Grace (a period's end opened the grace), EscalationProposed.</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
}

/// <summary>The deadlines of each stage, as Art. 33-35 set them.</summary>
public static class DeadlineSchedule
{
    /// <summary>How long before a due day its reminder goes out.</summary>
    public const int MeasuresReminderDays = 3, RectificationReminderDays = 7;

    /// <summary>Art. 33: rectify within two months of the notice.</summary>
    public static List<CaseDeadline> Notice(SanctionCase c, DateOnly decidedOn, WorkingDayCalendar calendar, DateTimeOffset now) =>
        [.. Rectification(c, decidedOn, 2, calendar, now)];

    /// <summary>
    /// Art. 34: measures within 10 working days of the interview, a progress report every month, rectification
    /// within three months.
    /// </summary>
    public static List<CaseDeadline> Admonishment(SanctionCase c, DateOnly interviewOn, WorkingDayCalendar calendar, DateTimeOffset now) =>
        [.. Measures(c, interviewOn, calendar, now), .. Progress(c, interviewOn, 1, 3, calendar, now), .. Rectification(c, interviewOn, 3, calendar, now)];

    /// <summary>
    /// Art. 35: measures within 10 working days of receiving the listing decision ("收到挂牌督办决定后10个工作日内"; the decision date
    /// stands for its receipt until a receipt is recorded), a progress report every two months, rectification within six months.
    /// </summary>
    public static List<CaseDeadline> Listing(SanctionCase c, DateOnly decidedOn, WorkingDayCalendar calendar, DateTimeOffset now) =>
        [.. Measures(c, decidedOn, calendar, now), .. Progress(c, decidedOn, 2, 6, calendar, now), .. Rectification(c, decidedOn, 6, calendar, now)];

    private static IEnumerable<CaseDeadline> Measures(SanctionCase c, DateOnly from, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        var (due, provisional) = calendar.AddWorkingDaysProvisionally(from, 10);
        yield return Row(c, DeadlineKind.MeasuresReminder, due, due.AddDays(-MeasuresReminderDays), from, "10 working days", provisional, now);
        yield return Row(c, DeadlineKind.MeasuresDue, due, due.AddDays(1), from, "10 working days", provisional, now);
    }

    /// <summary>A report every <paramref name="every"/> months until the period's end (whose own report is the acceptance).</summary>
    private static IEnumerable<CaseDeadline> Progress(SanctionCase c, DateOnly from, int every, int period, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        for (var months = every; months < period; months += every)
        {
            var (due, provisional) = calendar.MonthsDeadlineProvisionally(from, months);
            yield return Row(c, DeadlineKind.ProgressDue, due, due.AddDays(1), from, $"{months} months", provisional, now);
        }
    }

    private static IEnumerable<CaseDeadline> Rectification(SanctionCase c, DateOnly from, int months, WorkingDayCalendar calendar, DateTimeOffset now)
    {
        var (end, provisional) = calendar.MonthsDeadlineProvisionally(from, months);
        c.RectificationEndsOn = end;
        yield return Row(c, DeadlineKind.RectificationReminder, end, end.AddDays(-RectificationReminderDays), from, $"{months} months", provisional, now);
        yield return Row(c, DeadlineKind.RectificationEnds, end, end.AddDays(1), from, $"{months} months", provisional, now);
    }

    private static CaseDeadline Row(SanctionCase c, DeadlineKind kind, DateOnly due, DateOnly fires, DateOnly basis, string rule, bool provisional, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), CaseId = c.Id, Round = c.Round, Kind = kind, DueOn = due, FiresOn = fires, BasisOn = basis, Rule = rule, Provisional = provisional,
    };
}
