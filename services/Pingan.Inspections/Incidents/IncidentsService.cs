using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.Security;
using Pingan.ServiceDefaults;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Inspections.Incidents;

/// <summary>
/// Incident reports (Art. 7(4), 31(3)-(5)) made in writing (Art. 38): a member unit reports for itself, an office registers
/// what another unit or an individual reported; the record keeps whether the reporter had to (应当) or chose to (可以),
/// and how long after the incident it came (即时报告, Art. 15).
/// </summary>
public sealed class IncidentsService(
    InspectionsDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, IAccountabilityChain chains,
    RegistryApi.Units.UnitsClient units, IConfiguration configuration, RequestLedger<InspectionsDb> ledger)
    : Api.Incidents.IncidentsBase
{
    private static readonly string[] Reporters = [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison, PinganRoles.Inspector];

    /// <summary>Reading 11 (docs/regulation/reporting-duties.md): "即时报告" is within this long of the incident.</summary>
    private TimeSpan ReportWithin => configuration.GetValue("Inspections:Incidents:ReportWithin", TimeSpan.FromHours(2));

    public static string Articles(IncidentCategory c) => c switch
    {
        IncidentCategory.ViolentTerrorism or IncidentCategory.StateSecurity or IncidentCategory.Cult => "Art. 7(4), 31(3)",
        IncidentCategory.SensitivePeriod => "Art. 31(3)",
        IncidentCategory.MassIncident or IncidentCategory.MajorCriminalCase or IncidentCategory.PublicSafety => "Art. 7(4), 31(4)",
        IncidentCategory.ExtremePetition => "Art. 7(4)",
        _ => "Art. 31(5)",
    };

    public override Task<Api.Incident> ReportIncident(ReportIncidentRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => ReportAsync(request, context));

    private async Task<Api.Incident> ReportAsync(ReportIncidentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var individual = request.ReporterUnitCode.Length == 0;
        // A unit reports for itself; an individual's written report is registered by the office of a commission.
        await guard.ActOnUnitAsync(individual ? [PinganRoles.CommissionOffice] : Reporters, request.PlaceCode, ct);
        if (!individual) guard.ActAsUnit(request.ReporterUnitCode);
        var occurred = DateTimeOffset.Parse(request.OccurredAt, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
        var now = time.GetUtcNow();
        if (occurred > now) throw new RequestValidationException("occurred_at", Say.T("不得晚于当前时间", "is in the future"));
        var chain = await chains.ChainAsync(request.PlaceCode, ct) ?? throw new RequestValidationException("place_code", Say.T($"单位 {request.PlaceCode} 不存在", $"no unit {request.PlaceCode}"));
        var place = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.PlaceCode }, cancellationToken: ct);
        var (duty, reporterName) = individual ? ("May", request.ReporterName.Trim()) : await DutyOfAsync(request.ReporterUnitCode, ct);
        var incident = new IncidentReport
        {
            Id = Guid.CreateVersion7(now), Category = (int)request.Category, OccurredAt = occurred, PlaceCode = place.Code, PlaceName = place.Name, PlaceChain = [.. chain],
            Severity = (int)request.Severity, Summary = request.Summary.Trim(), ReporterUnitCode = individual ? null : request.ReporterUnitCode, ReporterName = reporterName,
            Duty = duty, ReportedAt = now, Late = now - occurred > ReportWithin, RecordedBy = guard.Caller.Subject,
        };
        db.Incidents.Add(incident);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        outbox.Enqueue(new IncidentReported(incident.Id, request.Category.ToString(), incident.PlaceCode, request.Severity.ToString(), occurred, now, duty, incident.Late));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"incident/{incident.Id}",
            Detail: JsonSerializer.Serialize(new { category = request.Category.ToString(), incident.PlaceCode, duty, incident.Late, reporter = reporterName })), ct);
        await tx.CommitAsync(ct);
        return ToApi(incident);
    }

    /// <summary>
    /// Art. 38 "综治委、平安建设工作领导小组各成员单位应当…其他单位和个人可以": MUST when the unit sits on the commission (or leading
    /// group, the registry's commission of its level since the 2018 reform) of its own level today; MAY otherwise.
    /// </summary>
    private async Task<(string Duty, string Name)> DutyOfAsync(string unitCode, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = unitCode }, cancellationToken: ct);
        try
        {
            var commission = await units.GetCommissionForUnitAsync(new RegistryApi.GetCommissionForUnitRequest { Code = unitCode, Relation = RegistryApi.CommissionRelation.SameLevel }, cancellationToken: ct);
            return (commission.MemberUnits.Any(m => m.UnitCode == unitCode) ? "Must" : "May", unit.Name);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition)
        {
            return ("May", unit.Name); // no commission recorded for its level
        }
    }

    public override async Task<Api.Incident> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == Guid.Parse(request.IncidentId), ct)
            ?? throw new NotFoundException(Say.T($"案事件 {request.IncidentId} 不存在。", $"No incident {request.IncidentId}."));
        await guard.ReadBusinessRecordAsync(incident.PlaceCode, ct, incident.ReporterUnitCode);
        return ToApi(incident);
    }

    public override async Task<IncidentList> ListIncidents(ListIncidentsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var query = db.Incidents.AsNoTracking().Where(i => i.PlaceChain.Contains(request.UnitCode));
        if (PageToken.TryRead(request.PageToken, out var after, out var afterId))
            query = query.Where(i => i.ReportedAt < after || (i.ReportedAt == after && i.Id.CompareTo(afterId) < 0));
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize : 100;
        var page = await query.OrderByDescending(i => i.ReportedAt).ThenByDescending(i => i.Id).Take(size + 1).ToListAsync(ct);
        var list = new IncidentList();
        list.Incidents.AddRange(page.Take(size).Select(ToApi));
        if (page.Count > size) list.NextPageToken = PageToken.Write(page[size - 1].ReportedAt, page[size - 1].Id);
        return list;
    }

    public override async Task<Api.Incident> ReferIncident(ReferIncidentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(request.IncidentId);
        var snapshot = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"案事件 {request.IncidentId} 不存在。", $"No incident {request.IncidentId}."));
        // An office of a commission the place lies within refers it (Art. 31, 38 "向综治办书面反映").
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], snapshot.PlaceCode, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM incidents WHERE id = {id} FOR UPDATE", ct);
        var incident = await db.Incidents.FirstAsync(i => i.Id == id, ct);
        if (incident.ReferredAt is { } referred)
            throw new RequestValidationException("incident_id", Say.T($"已于 {Pingan.Time.ChinaTime.DateOf(referred):yyyy-MM-dd} 移送问责（第三十一条第 {incident.ReferredClause} 项）",
                $"was referred to accountability on {Pingan.Time.ChinaTime.DateOf(referred):yyyy-MM-dd} already (Art. 31 clause {incident.ReferredClause})"));
        if (incident.PlaceChain.Length < 2) throw new RequestValidationException("incident_id", Say.T("发生在省本级，省本级不作为责任追究案件的对象", "occurred in the province itself, which is no subject of its own cases"));
        var now = time.GetUtcNow();
        incident.ReferredAt = now;
        incident.ReferredClause = request.Clause;
        var summary = $"{request.Reasons.Trim()}\n[{Articles((IncidentCategory)incident.Category)}] {incident.Summary}";
        outbox.Enqueue(new IncidentReferred(incident.Id, incident.PlaceCode, incident.PlaceName, incident.PlaceChain, request.Clause, request.Severity,
            summary.Length > 4000 ? summary[..4000] : summary, Pingan.Time.ChinaTime.DateOf(incident.OccurredAt), $"incident/{incident.Id}",
            $"{guard.Caller.Name} ({guard.Caller.Jurisdiction})", now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"incident/{incident.Id}", Detail: JsonSerializer.Serialize(new { clause = request.Clause, request.Severity, reasons = request.Reasons })), ct);
        await tx.CommitAsync(ct);
        return ToApi(incident);
    }

    private static Api.Incident ToApi(IncidentReport i) => new()
    {
        IncidentId = i.Id.ToString(), Category = (IncidentCategory)i.Category, Articles = Articles((IncidentCategory)i.Category), OccurredAt = i.OccurredAt.ToString("O"),
        PlaceCode = i.PlaceCode, PlaceName = i.PlaceName, Severity = (FindingSeverity)i.Severity, Summary = i.Summary, ReporterUnitCode = i.ReporterUnitCode ?? "",
        ReporterName = i.ReporterName, Duty = i.Duty.ToUpperInvariant(), ReportedAt = i.ReportedAt.ToString("O"), MinutesToReport = (int)(i.ReportedAt - i.OccurredAt).TotalMinutes,
        Late = i.Late, ReferredClause = i.ReferredClause ?? 0, ReferredAt = i.ReferredAt?.ToString("O") ?? "", RecordedBy = i.RecordedBy,
    };
}
