using Grpc.Core;
using Pingan.Inspections.Api;
using Pingan.Letters.Api;
using Pingan.Sanctions.Api;

namespace Pingan.Portal;

/// <summary>What the desk shows, read from four services at once (a page is the slowest read, not the sum).</summary>
public sealed record Desk(List<Letter> ToSign, List<Case> Open, DutyLights Duties, List<(Inspection Inspection, Finding Finding)> Rectifications);

public static class DeskReads
{
    /// <summary>
    /// The person's level: letters received awaiting signature, open cases, the year's duty lights within it, and the
    /// rectifications inspections demand of the level itself (not yet reported, or rejected). The benchmark's
    /// baseline makes these same calls.
    /// </summary>
    public static async Task<Desk> ReadAsync(Letters.Api.Letters.LettersClient letters, Cases.CasesClient cases, ReportingDuties.ReportingDutiesClient duties,
        Inspections.Api.Inspections.InspectionsClient inspections, string jurisdiction, string unit, DateOnly today, Metadata headers)
    {
        var received = letters.ListLettersAsync(new ListLettersRequest { UnitCode = jurisdiction, Year = today.Year, Side = LetterSide.Received }, headers).ResponseAsync;
        var open = cases.ListCasesAsync(new ListCasesRequest { UnitCode = jurisdiction, OpenOnly = true, PageSize = 500 }, headers).ResponseAsync;
        var lights = duties.GetDutyLightsAsync(new GetDutyLightsRequest { UnitCode = jurisdiction, Year = today.Year }, headers).ResponseAsync;
        var inspected = inspections.ListInspectionsAsync(new ListInspectionsRequest { UnitCode = jurisdiction, Year = today.Year, PageSize = 200 }, headers).ResponseAsync;
        await Task.WhenAll(received, open, lights, inspected);
        var demanded = (await inspected).Inspections
            .SelectMany(i => i.Findings.Where(f => (f.TargetCode == jurisdiction || f.TargetCode == unit)
                && f.Rectification.Status is RectificationStatus.Demanded or RectificationStatus.Rejected).Select(f => (i, f)))
            .OrderBy(x => x.f.Rectification.DueOn, StringComparer.Ordinal).ToList();
        return new Desk((await received).Letters.Where(l => l.Status == "ISSUED").ToList(), (await open).Cases.ToList(), await lights, demanded);
    }
}
