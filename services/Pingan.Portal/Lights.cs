namespace Pingan.Portal;

/// <summary>
/// The lights of a sanctions case's deadlines as the sanctions service's gauges count them (SanctionsGauges): red once a
/// pending deadline's day has passed, yellow while it falls within the next 7 days, green otherwise. A deadline met,
/// missed and acted on, or cancelled has no light.
/// </summary>
public static class Lights
{
    // Grey: not yet due (the inspections service's duties and demands); ordered so that the worst is the greatest.
    public enum Colour { Grey, Green, Yellow, Red }

    public static bool Open(string state) => state is "PENDING" or "AWAITINGCHECK" or "GRACE";

    public static Colour Of(DateOnly due, DateOnly today) => due < today ? Colour.Red : due <= today.AddDays(7) ? Colour.Yellow : Colour.Green;

    public static Colour? Of(string dueOn, string state, DateOnly today) =>
        Open(state) && DateOnly.TryParse(dueOn, System.Globalization.CultureInfo.InvariantCulture, out var due) ? Of(due, today) : null;
}

public static class CaseLights
{
    /// <summary>A case's light: red when an escalation is proposed or an open deadline has passed, yellow when one falls within the week.</summary>
    public static Lights.Colour Of(Pingan.Sanctions.Api.Case c, DateOnly today) =>
        c.EscalationProposed ? Lights.Colour.Red
            : c.Deadlines.Select(d => Lights.Of(d.DueOn, d.State, today)).OfType<Lights.Colour>().DefaultIfEmpty(Lights.Colour.Green).Max();
}
