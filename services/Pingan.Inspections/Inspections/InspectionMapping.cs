using System.Linq.Expressions;
using Pingan.Time;

namespace Pingan.Inspections.Inspections;

/// <summary>The yellow light's reach: a rectification or a reporting duty due within this many working days (Inspections:Lights).</summary>
public sealed class LightOptions
{
    public const string Section = "Inspections:Lights";
    public int YellowWorkingDays { get; set; } = 5;
}

/// <summary>
/// One yellow rule for findings and duties alike: something owed is yellow while the working days left before its day,
/// counted on the holiday calendar (weekdays where a year is not loaded yet), are at most the configured number. Held as
/// a date window so SQL counts it the same: from <see cref="Today"/> to <see cref="YellowUntil"/>, the day before the
/// working day that would be one too many. A duty due during a holiday with five working days left before it is yellow
/// before the holiday begins, not after it.
/// </summary>
public readonly record struct LightWindow(DateOnly Today, DateOnly YellowUntil)
{
    public static LightWindow Of(DateOnly today, WorkingDayCalendar calendar, LightOptions options) =>
        new(today, calendar.AddWorkingDaysProvisionally(today, options.YellowWorkingDays + 1).Day.AddDays(-1));

    /// <summary>The light of something owed by <paramref name="due"/> and not yet done.</summary>
    public Api.Light Owed(DateOnly due) => due < Today ? Api.Light.Red : due <= YellowUntil ? Api.Light.Yellow : Api.Light.Grey;
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
    /// The light of a finding's rectification: green when verified or nothing is demanded; red when owed past its day, or
    /// reported after it and not yet verified; owed and due within the window, yellow; grey otherwise (not yet issued, not yet
    /// near, or reported on time and awaiting verification).
    /// </summary>
    public static Api.Light Light(Finding f, LightWindow window)
    {
        if (f.Rectification is RectificationStatus.NotDemanded or RectificationStatus.Verified) return Api.Light.Green;
        if (f.DueOn is not { } due) return Api.Light.Grey;
        if (f.Rectification == RectificationStatus.Reported)
            return ChinaTime.DateOf(f.ReportedAt!.Value) <= due ? Api.Light.Grey : Api.Light.Red;
        return window.Owed(due);
    }

    public static Api.Evidence ToApi(this InspectionEvidence e) => new()
    {
        EvidenceId = e.Id.ToString(), InspectionId = e.InspectionId.ToString(), UnitCode = e.UnitCode, FileName = e.FileName, ContentType = e.ContentType,
        SizeBytes = e.SizeBytes, Sha256 = e.Sha256, CapturedAt = e.CapturedAt?.ToString("O") ?? "", CapturedPlace = e.CapturedPlace, UploadedAt = e.UploadedAt.ToString("O"),
    };

    public static Api.Inspection ToApi(this Inspection i, IReadOnlyList<Finding> findings, IReadOnlyList<Visit> visits, IReadOnlyList<InspectionEvidence> evidence,
        LightWindow window)
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
                    IssuedOn = f.IssuedOn is { } issued ? Day(issued) : "", DueOn = f.DueOn is { } due ? Day(due) : "", Light = Light(f, window),
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
