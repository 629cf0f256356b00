using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Pingan.Messaging;
using Pingan.Registry.Persistence;
using Pingan.Sanctions.Contracts;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Registry.Leadership;

/// <summary>
/// Leader history can't be rewritten to escape accountability (issue 11). A term change dated more than
/// <c>Registry:Corrections:WindowDays</c> (default 30) before today is a correction: it needs the organisation
/// department's role (<c>organisation-liaison</c>) and a reason, is audited as a correction, and is refused when
/// it would change who held a role on the incident date of an open case against the term's unit or the
/// jurisdiction it answers to (Art. 9-11: the leaders in post answer for it). The open cases are the
/// sanctions service's, mirrored here from its events (<see cref="SanctionCaseOpening"/>, <see cref="SanctionCaseClosing"/>).
/// </summary>
public sealed class HistoryCorrections(IConfiguration configuration, TimeProvider time, JurisdictionGuard guard, RegistryDb db)
{
    public int WindowDays => configuration.GetValue("Registry:Corrections:WindowDays", 30);

    /// <summary>
    /// The correction's reason when <paramref name="earliest"/> lies before the window, else null. Refuses a
    /// correction without the organisation role (PermissionDenied) or without a reason (InvalidArgument).
    /// </summary>
    public string? Check(DateOnly earliest, string reason)
    {
        var limit = time.Today().AddDays(-WindowDays);
        if (earliest >= limit) return null;
        if (!guard.Caller.HasAnyRole(PinganRoles.OrganisationLiaison))
            throw JurisdictionGuard.Refused("correct leader history", $"{Dates.Write(earliest)} is more than {WindowDays} days back (before {Dates.Write(limit)}); " +
                "only the organisation department (organisation-liaison) corrects a leader's history, with its reason",
                "更正领导任职记录", $"{Dates.Write(earliest)} 距今已超过 {WindowDays} 天（早于 {Dates.Write(limit)}）；领导任职记录只能由组织部门（organisation-liaison）说明理由后更正");
        if (string.IsNullOrWhiteSpace(reason))
            throw new RequestValidationException("correction_reason",
                Say.T($"必填：{Dates.Write(earliest)} 距今已超过 {WindowDays} 天，本次操作属于更正历史记录，请说明理由",
                    $"is required: {Dates.Write(earliest)} is more than {WindowDays} days back, so this corrects the record; say why"));
        return reason.Trim();
    }

    /// <summary>
    /// Refuses a correction that changes who held a role of <paramref name="unitCode"/> between
    /// <paramref name="from"/> and <paramref name="to"/> (null: open-ended) when an open case against the unit, or
    /// against the jurisdiction it answers to, has its incident in that period; the refusal names the case.
    /// </summary>
    public async Task EnsureNoOpenCaseAsync(string unitCode, DateOnly from, DateOnly? to, CancellationToken ct)
    {
        var answersTo = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => u.AnswersToCode).FirstOrDefaultAsync(ct);
        var subjects = answersTo is null ? new[] { unitCode } : [unitCode, answersTo];
        var hit = await db.SanctionCases.AsNoTracking()
            .Where(c => c.ClosedAt == null && c.IncidentOn != null && subjects.Contains(c.SubjectCode)
                        && c.IncidentOn >= from && (to == null || c.IncidentOn <= to))
            .OrderBy(c => c.IncidentOn).FirstOrDefaultAsync(ct);
        if (hit is not null)
            throw new DomainRuleException(Say.T(
                $"此次更正将改变 {Dates.Write(hit.IncidentOn!.Value)} 的任职人员，该日是针对 {hit.SubjectCode} 的未结责任追究案件 {hit.CaseId} 的案（事）件发生日期；" +
                "案件办结前，该记录保持不变。",
                $"This correction would change who held the role on {Dates.Write(hit.IncidentOn!.Value)}, the incident date of open case {hit.CaseId} " +
                $"against {hit.SubjectCode}; the record stays as it is while the case is open (issue 11)."));
    }
}

/// <summary>An open or closed sanctions case as the registry knows it from the sanctions service's events.</summary>
public sealed class SanctionCaseRecord
{
    public Guid CaseId { get; set; }
    public required string SubjectCode { get; set; }
    /// <summary>Null while only the closing has arrived (events may come in any order).</summary>
    public DateOnly? IncidentOn { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>Mirrors the sanctions service's case openings, once per event, whatever the order they arrive in (with <see cref="SanctionCaseClosing"/>).</summary>
public sealed class SanctionCaseOpening(RegistryDb db) : IdempotentConsumer<CaseOpened, RegistryDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        var known = await Db.SanctionCases.FirstOrDefaultAsync(c => c.CaseId == m.CaseId, context.CancellationToken);
        if (known is null) Db.SanctionCases.Add(new SanctionCaseRecord { CaseId = m.CaseId, SubjectCode = m.SubjectCode, IncidentOn = m.IncidentOn });
        else known.IncidentOn = m.IncidentOn;
    }
}

/// <summary>The closings: a closing that arrives before its opening leaves a row the opening completes.</summary>
public sealed class SanctionCaseClosing(RegistryDb db) : IdempotentConsumer<CaseClosed, RegistryDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<CaseClosed> context)
    {
        var m = context.Message;
        var known = await Db.SanctionCases.FirstOrDefaultAsync(c => c.CaseId == m.CaseId, context.CancellationToken);
        if (known is null) Db.SanctionCases.Add(new SanctionCaseRecord { CaseId = m.CaseId, SubjectCode = m.SubjectCode, ClosedAt = m.ClosedAt });
        else known.ClosedAt = m.ClosedAt;
    }
}
