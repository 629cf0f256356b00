using System.Linq.Expressions;
using Pingan.Time;

namespace Pingan.Inspections.Inspections;

/// <summary>The yellow light's reach: a rectification due within this many working days (Inspections:Lights).</summary>
public sealed class LightOptions
{
    public const string Section = "Inspections:Lights";
    public int YellowWorkingDays { get; set; } = 5;
}

public static class InspectionMapping
{
    /// <summary>Evidence without its bytes, for views.</summary>
    public static readonly Expression<Func<InspectionEvidence, InspectionEvidence>> Metadata = e => new InspectionEvidence
    {
        Id = e.Id, InspectionId = e.InspectionId, UnitCode = e.UnitCode, FileName = e.FileName, ContentType = e.ContentType, SizeBytes = e.SizeBytes,
        Sha256 = e.Sha256, Content = Array.Empty<byte>(), CapturedAt = e.CapturedAt, CapturedPlace = e.CapturedPlace, UploadedAt = e.UploadedAt, UploadedBy = e.UploadedBy,
    };

    /// <summary>
    /// The light of a finding's rectification as of <paramref name="today"/>: green when verified or nothing is demanded;
    /// red when owed past its day, or reported after it and not yet verified; yellow when owed and due within the configured
    /// working days; grey otherwise (not yet issued, not yet near, or reported on time and awaiting verification).
    /// </summary>
    public static Api.Light Light(Finding f, DateOnly today, WorkingDayCalendar calendar, LightOptions options)
    {
        if (f.Rectification is RectificationStatus.NotDemanded or RectificationStatus.Verified) return Api.Light.Green;
        if (f.DueOn is not { } due) return Api.Light.Grey;
        if (f.Rectification == RectificationStatus.Reported)
            return ChinaTime.DateOf(f.ReportedAt!.Value) <= due ? Api.Light.Grey : Api.Light.Red;
        if (today > due) return Api.Light.Red;
        int left;
        try { left = calendar.WorkingDaysBetween(today, due); }
        catch (CalendarYearNotLoadedException) { left = (due.DayNumber - today.DayNumber) * 5 / 7; }
        return left <= options.YellowWorkingDays ? Api.Light.Yellow : Api.Light.Grey;
    }

    public static Api.Evidence ToApi(this InspectionEvidence e) => new()
    {
        EvidenceId = e.Id.ToString(), InspectionId = e.InspectionId.ToString(), UnitCode = e.UnitCode, FileName = e.FileName, ContentType = e.ContentType,
        SizeBytes = e.SizeBytes, Sha256 = e.Sha256, CapturedAt = e.CapturedAt?.ToString("O") ?? "", CapturedPlace = e.CapturedPlace, UploadedAt = e.UploadedAt.ToString("O"),
    };

    public static Api.Inspection ToApi(this Inspection i, IReadOnlyList<Finding> findings, IReadOnlyList<Visit> visits, IReadOnlyList<InspectionEvidence> evidence,
        DateOnly today, WorkingDayCalendar calendar, LightOptions options)
    {
        var api = new Api.Inspection
        {
            InspectionId = i.Id.ToString(), Form = (Api.Form)i.Form, Year = i.Year, Title = i.Title, WorkItem = i.WorkItem, InspectingCode = i.InspectingCode,
            InspectingName = i.InspectingName, StartsOn = Day(i.StartsOn), EndsOn = Day(i.EndsOn), Status = (Api.InspectionStatus)i.Status,
            PlannedAt = i.PlannedAt.ToString("O"), CompletedAt = i.CompletedAt?.ToString("O") ?? "", ClosedAt = i.ClosedAt?.ToString("O") ?? "", Summary = i.Summary,
        };
        api.Targets.AddRange(i.Targets.OrderBy(t => t.Position).Select(t => new Api.Target { UnitCode = t.UnitCode, UnitName = t.UnitName }));
        api.Team.AddRange(i.Team.OrderBy(t => t.Position).Select(t => new Api.TeamMember
        {
            Subject = t.Subject, Name = t.Name, UnitCode = t.UnitCode, LeaderId = t.LeaderId?.ToString() ?? "", Position = t.CommissionPosition, Leads = t.Leads,
        }));
        api.Visits.AddRange(visits.OrderBy(v => v.VisitedOn).ThenBy(v => v.RecordedAt).Select(v => new Api.Visit
        {
            TargetCode = v.TargetCode, VisitedOn = Day(v.VisitedOn), Note = v.Note, RecordedBy = v.RecordedBy,
        }));
        var files = evidence.ToDictionary(e => e.Id);
        foreach (var f in findings.OrderBy(f => f.RecordedAt))
        {
            var finding = new Api.Finding
            {
                FindingId = f.Id.ToString(), TargetCode = f.TargetCode, Severity = (Api.FindingSeverity)f.Severity, Description = f.Description,
                ObservedOn = Day(f.ObservedOn), Concern = new Api.Concern { Kind = (Api.ConcernKind)f.ConcernKind, Reference = f.ConcernReference, Clause = f.Clause ?? 0 },
                ReferredClause = f.ReferredClause ?? 0, ReferredAt = f.ReferredAt?.ToString("O") ?? "", RecordedBy = f.RecordedBy,
                Rectification = new Api.Rectification
                {
                    Status = (Api.RectificationStatus)f.Rectification, Demand = f.Demand, WorkingDays = f.WorkingDays,
                    IssuedOn = f.IssuedOn is { } issued ? Day(issued) : "", DueOn = f.DueOn is { } due ? Day(due) : "", Light = Light(f, today, calendar, options),
                    Report = f.Report, ReportedAt = f.ReportedAt?.ToString("O") ?? "", Verdict = f.Verdict, VerifiedAt = f.VerifiedAt?.ToString("O") ?? "",
                    OverdueSince = f.OverdueSince?.ToString("O") ?? "",
                },
            };
            finding.Evidence.AddRange(f.EvidenceIds.Where(files.ContainsKey).Select(e => files[e].ToApi()));
            finding.Rectification.ReportEvidence.AddRange(f.ReportEvidenceIds.Where(files.ContainsKey).Select(e => files[e].ToApi()));
            api.Findings.Add(finding);
        }
        return api;
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd");
}
