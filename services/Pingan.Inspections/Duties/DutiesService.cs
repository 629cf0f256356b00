using System.Text.Json;
using Google.Api;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pingan.Audit;
using Pingan.Evidence;
using Pingan.Inspections.Api;
using Pingan.Inspections.Contracts;
using Pingan.Inspections.Inspections;
using Pingan.Inspections.Persistence;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Inspections.Duties;

/// <summary>
/// The reporting-duty calendar (Art. 9(3), 14-17, 24, 25): the year's schedule (data), the calendar generated from it
/// for every commission the registry holds, submissions with documents, lights and the province's overview.
/// </summary>
public sealed class DutiesService(
    InspectionsDb db, IOutbox outbox, TimeProvider time, WorkingDayCalendar calendar, IAuditTrail audit, JurisdictionGuard guard,
    RegistryApi.Commissions.CommissionsClient commissions, EvidenceIntake intake, IOptions<LightOptions> lights, RequestLedger<InspectionsDb> ledger)
    : Api.ReportingDuties.ReportingDutiesBase
{
    private static readonly string[] SubmitterRoles = [PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison];

    // ---------------------------------------------------------------- the schedule

    public override async Task<DutySchedule> GetDutySchedule(GetDutyScheduleRequest request, ServerCallContext context)
    {
        guard.EnsureRole();
        return await ScheduleViewAsync(request.Year, context.CancellationToken);
    }

    public override async Task<DutySchedule> SetDutySchedule(SetDutyScheduleRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice);
        await guard.EnsureTopLevelAsync("set the reporting-duty schedule", ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockYearAsync(request.Year, ct);
        if (await db.Duties.AnyAsync(d => d.Year == request.Year, ct))
            throw new DomainRuleException(Say.T($"{request.Year} 年度报告任务日历已生成，任务安排已固定。请设置下一年度的任务安排。",
                $"The {request.Year} calendar has been generated; its schedule is frozen. Set the next year's."));
        await db.DutyRules.Where(r => r.Year == request.Year).ExecuteDeleteAsync(ct);
        var now = time.GetUtcNow();
        db.DutyRules.AddRange(request.Rules.Select(r => new DutyRule
        {
            Year = request.Year, Kind = r.Kind.Trim(), Title = r.Title.Trim(), Article = r.Article.Trim(), Party = (DutyParty)r.Party, DueDates = [.. r.DueDates],
            ToCommissionAbove = r.ToCommissionAbove, SetAt = now, SetBy = guard.Caller.Subject, Reason = request.Reason.Trim(),
        }));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"duty-schedule/{request.Year}",
            Detail: JsonSerializer.Serialize(new { request.Year, rules = request.Rules.Select(r => new { r.Kind, r.Article, dueDates = r.DueDates }), reason = request.Reason })), ct);
        await tx.CommitAsync(ct);
        return await ScheduleViewAsync(request.Year, ct);
    }

    private async Task<DutySchedule> ScheduleViewAsync(int year, CancellationToken ct)
    {
        var set = await db.DutyRules.AsNoTracking().Where(r => r.Year == year).OrderBy(r => r.Kind).ToListAsync(ct);
        var view = new DutySchedule { Year = year, SetByProvince = set.Count > 0, Frozen = await db.Duties.AnyAsync(d => d.Year == year, ct) };
        view.Rules.AddRange((set.Count > 0 ? set : [.. DutySchedules.Default(year)]).Select(r => new Api.DutyRule
        {
            Kind = r.Kind, Title = r.Title, Article = r.Article, Party = (Api.DutyParty)r.Party, DueDates = { r.DueDates }, ToCommissionAbove = r.ToCommissionAbove,
        }));
        return view;
    }

    // ---------------------------------------------------------------- the calendar

    public override async Task<DutyCalendarReport> GenerateDutyCalendar(GenerateDutyCalendarRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice);
        await guard.EnsureTopLevelAsync("generate the reporting-duty calendar", ct);
        var year = request.Year;
        var today = time.Today();
        // The commissions as they stand today in the current year, on 1 January for another.
        var asOf = today.Year == year ? today : new DateOnly(year, 1, 1);
        var found = new List<RegistryApi.Commission>();
        var token = "";
        do
        {
            var page = await commissions.ListCommissionsAsync(new RegistryApi.ListCommissionsRequest
                { WithinCode = guard.Caller.Jurisdiction, AsOf = asOf.ToString("yyyy-MM-dd"), PageSize = 1000, PageToken = token }, cancellationToken: ct);
            found.AddRange(page.Commissions);
            token = page.NextPageToken;
        } while (token.Length > 0);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockYearAsync(year, ct);
        var rules = await db.DutyRules.AsNoTracking().Where(r => r.Year == year).ToListAsync(ct);
        if (rules.Count == 0)
        {
            // The default schedule is kept as the year's, frozen with its calendar.
            rules = [.. DutySchedules.Default(year)];
            foreach (var r in rules) { r.SetAt = time.GetUtcNow(); r.SetBy = "default"; }
            db.DutyRules.AddRange(rules);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        var existing = (await db.Duties.AsNoTracking().Where(d => d.Year == year).Select(d => new { d.Kind, d.PartyCode, d.DueOn }).ToListAsync(ct))
            .Select(d => (d.Kind, d.PartyCode, d.DueOn)).ToHashSet();
        var rows = new List<ReportingDuty>();
        foreach (var c in found)
        foreach (var rule in rules)
        foreach (var due in rule.DueDates.Select(d => DateOnly.ParseExact($"{year}-{d}", "yyyy-MM-dd")))
        foreach (var row in RowsFor(c, rule, due))
            if (!existing.Contains((row.Kind, row.PartyCode, row.DueOn))) rows.Add(row);
        await db.CopyAsync(rows, ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"duty-calendar/{year}",
            Detail: JsonSerializer.Serialize(new { year, commissions = found.Count, created = rows.Count, existing = existing.Count, asOf })), ct);
        await tx.CommitAsync(ct);
        return new DutyCalendarReport { Year = year, Commissions = found.Count, Created = rows.Count, Existing = existing.Count };
    }

    /// <summary>The duties one rule puts on one commission's parties for one due day.</summary>
    private IEnumerable<ReportingDuty> RowsFor(RegistryApi.Commission c, DutyRule rule, DateOnly due)
    {
        var chain = c.JurisdictionChain;
        var reversed = chain.Reverse().ToList();
        ReportingDuty Row(string partyCode, string partyName, string unitCode, string recipient) => new()
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()), Year = rule.Year, Kind = rule.Kind, Title = rule.Title, Article = rule.Article, Party = rule.Party,
            PartyCode = partyCode, PartyName = partyName, UnitCode = unitCode, JurisdictionCode = c.JurisdictionCode, RecipientCode = recipient,
            ScopeChain = [.. chain], CityCode = reversed.Count > 1 ? reversed[1] : "", CountyCode = reversed.Count > 2 ? reversed[2] : "", DueOn = due,
        };
        switch (rule.Party)
        {
            case DutyParty.MemberUnit:
                foreach (var m in c.MemberUnits) yield return Row(m.UnitCode, m.UnitName, m.UnitCode, c.JurisdictionCode);
                break;
            case DutyParty.CommissionMember:
                foreach (var m in c.Members)
                    yield return Row(m.LeaderId, m.LeaderName, m.MemberUnitCode.Length > 0 ? m.MemberUnitCode : c.JurisdictionCode, c.JurisdictionCode);
                break;
            default:
                // Art. 17: to the commission the jurisdiction answers to (a province-direct county's: the province's, as the
                // registry's chain says); the province has none above it.
                if (rule.ToCommissionAbove && chain.Count < 2) yield break;
                yield return Row(c.JurisdictionCode, c.Name, c.JurisdictionCode, rule.ToCommissionAbove ? chain[1] : c.JurisdictionCode);
                break;
        }
    }

    private Task LockYearAsync(int year, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('pingan.duty-calendar'), {year})", ct);

    // ---------------------------------------------------------------- reading

    public override async Task<DutyList> ListDuties(ListDutiesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var window = Window();
        var (today, yellowUntil) = window;
        var query = db.Duties.AsNoTracking().Where(d => d.Year == request.Year && d.ScopeChain.Contains(request.UnitCode));
        query = request.Light switch
        {
            Light.Green => query.Where(d => d.SubmittedOn != null && d.SubmittedOn <= d.DueOn),
            Light.Red => query.Where(d => (d.SubmittedOn == null && d.DueOn < today) || d.SubmittedOn > d.DueOn),
            Light.Yellow => query.Where(d => d.SubmittedOn == null && d.DueOn >= today && d.DueOn <= yellowUntil),
            Light.Grey => query.Where(d => d.SubmittedOn == null && d.DueOn > yellowUntil),
            _ => query,
        };
        if (DutyPageToken.TryRead(request.PageToken, out var afterDue, out var afterId))
            query = query.Where(d => d.DueOn > afterDue || (d.DueOn == afterDue && d.Id.CompareTo(afterId) > 0));
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize : 100;
        var page = await query.OrderBy(d => d.DueOn).ThenBy(d => d.Id).Take(size + 1).ToListAsync(ct);
        var list = new DutyList();
        var shown = page.Take(size).ToList();
        var ids = shown.Select(d => d.Id).ToArray();
        var documents = (await db.DutyDocuments.AsNoTracking().Where(x => ids.Contains(x.DutyId))
            .Select(x => new { x.Id, x.DutyId, x.FileName, x.ContentType, x.SizeBytes, x.Sha256 }).ToListAsync(ct)).ToLookup(x => x.DutyId);
        foreach (var d in shown)
        {
            var view = ToApi(d, window);
            view.Documents.AddRange(documents[d.Id].Select(x => new Api.DutyDocument { DocumentId = x.Id.ToString(), FileName = x.FileName, ContentType = x.ContentType, SizeBytes = x.SizeBytes, Sha256 = x.Sha256 }));
            list.Duties.Add(view);
        }
        if (page.Count > size) list.NextPageToken = DutyPageToken.Write(shown[^1].DueOn, shown[^1].Id);
        return list;
    }

    public override async Task<DutyLights> GetDutyLights(GetDutyLightsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var (today, yellowUntil) = Window();
        var rows = await DutyLightQuery.CountAsync(db.Database.GetDbConnection(), request.UnitCode, request.Year, today, yellowUntil, ct);
        var answer = new DutyLights { AsOf = today.ToString("yyyy-MM-dd"), Total = new LightCounts() };
        foreach (var r in rows)
        {
            answer.Rows.Add(r);
            answer.Total.Grey += r.Grey; answer.Total.Green += r.Green; answer.Total.Yellow += r.Yellow; answer.Total.Red += r.Red;
        }
        return answer;
    }

    public override async Task<HttpBody> GetDutyDocument(GetDutyDocumentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(request.DocumentId);
        var owner = await db.DutyDocuments.Where(x => x.Id == id).Select(x => x.DutyId).FirstOrDefaultAsync(ct);
        var duty = owner == Guid.Empty ? null : await db.Duties.AsNoTracking().FirstOrDefaultAsync(d => d.Id == owner, ct);
        if (duty is null) throw new NotFoundException(Say.T($"附件 {request.DocumentId} 不存在。", $"No document {request.DocumentId}."));
        // A business record of the party's unit, received by the recipient commission.
        await guard.ReadBusinessRecordAsync(duty.UnitCode, ct, duty.JurisdictionCode, duty.RecipientCode);
        return context.Download(await db.DutyDocuments.AsNoTracking().FirstAsync(x => x.Id == id, ct));
    }

    // ---------------------------------------------------------------- submitting

    public override async Task<Api.Duty> SubmitDuty(SubmitDutyRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The documents pass the evidence gate before anything is locked.
        guard.EnsureRole(SubmitterRoles);
        var accepted = request.Documents.Select((d, n) =>
        {
            try { return intake.Accept(d.File, d.FileName); }
            catch (RequestValidationException e) { throw new RequestValidationException([.. e.Errors.Select(x => new FieldError($"documents[{n}].{x.Field}", x.Description))]); }
        }).ToList();
        var id = Guid.Parse(request.DutyId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM reporting_duties WHERE id = {id} FOR UPDATE", ct);
        var duty = await db.Duties.FirstOrDefaultAsync(d => d.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"报告任务 {request.DutyId} 不存在。", $"No duty {request.DutyId}."));
        if (duty.UnitCode != request.UnitCode)
            throw new RequestValidationException("duty_id", Say.T($"是 {duty.PartyName}（{duty.UnitCode}）的履职事项，不是 {request.UnitCode} 的；各单位报送本单位的履职事项",
                $"is a duty of {duty.PartyName} ({duty.UnitCode}), not of {request.UnitCode}; each unit submits its own"));
        EnsureSubmitter(duty);
        if (duty.SubmittedAt is { } at)
            throw new DomainRuleException(Say.T($"该报告任务已于 {ChinaTime.DateOf(at):yyyy-MM-dd} 报送。", $"The duty was submitted on {ChinaTime.DateOf(at):yyyy-MM-dd}."));
        if (duty.Party == DutyParty.CommissionMember && request.Form is not ("PLENARY" or "WRITTEN"))
            throw new RequestValidationException("form", Say.T("必须是 PLENARY 或 WRITTEN：委员会成员在全体会议上报告或书面报告（第十六条）", "must be PLENARY or WRITTEN: a member reports in the plenary or in writing (Art. 16)"));
        var now = time.GetUtcNow();
        duty.SubmittedAt = now;
        duty.SubmittedOn = ChinaTime.DateOf(now);
        duty.SubmittedBy = guard.Caller.Subject;
        duty.Text = request.Text.Trim();
        duty.Form = request.Form;
        foreach (var file in accepted)
        {
            var document = new DutyDocument { Id = Guid.CreateVersion7(now), DutyId = id, FileName = "", ContentType = "", Sha256 = "", Content = [], UploadedAt = now, UploadedBy = guard.Caller.Subject };
            document.Take(file);
            db.DutyDocuments.Add(document);
        }
        var late = Math.Max(0, duty.SubmittedOn.Value.DayNumber - duty.DueOn.DayNumber);
        outbox.Enqueue(new ReportingDutySubmitted(duty.Id, duty.Year, duty.Kind, duty.Article, duty.PartyCode, duty.UnitCode, duty.JurisdictionCode, duty.DueOn, duty.SubmittedOn.Value, late));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"duty/{duty.Id}",
            Detail: JsonSerializer.Serialize(new { duty.Kind, duty.Article, duty.PartyCode, dueOn = duty.DueOn, daysLate = late, documents = accepted.Select(a => a.Sha256) })), ct);
        await tx.CommitAsync(ct);
        var view = ToApi(duty, Window());
        view.Documents.AddRange(db.ChangeTracker.Entries<DutyDocument>().Select(e => e.Entity)
            .Select(x => new Api.DutyDocument { DocumentId = x.Id.ToString(), FileName = x.FileName, ContentType = x.ContentType, SizeBytes = x.SizeBytes, Sha256 = x.Sha256 }));
        return view;
    }

    /// <summary>
    /// A member unit submits its own duty (its staff, by their unit); a member's report comes from the member's unit or is
    /// recorded by the commission's office (the plenary 述职, Art. 16); a commission's, the principal leaders' and the
    /// standing committee's duties are recorded by the jurisdiction's office. Never by another unit, nor by a member unit's
    /// liaison for its commission.
    /// </summary>
    private void EnsureSubmitter(ReportingDuty duty)
    {
        var caller = guard.Caller;
        var office = caller.HasAnyRole(PinganRoles.CommissionOffice) && caller.Jurisdiction == duty.JurisdictionCode;
        var own = caller.Unit == duty.UnitCode && duty.Party is DutyParty.MemberUnit or DutyParty.CommissionMember;
        var allowed = duty.Party switch
        {
            DutyParty.MemberUnit => own,
            DutyParty.CommissionMember => own || office,
            _ => office,
        };
        if (!allowed)
            throw JurisdictionGuard.Refused("submit a reporting duty", $"the duty is {duty.PartyName}'s ({duty.UnitCode}), submitted by {(duty.Party is DutyParty.MemberUnit or DutyParty.CommissionMember ? "its own staff" : $"the office of {duty.JurisdictionCode}")}; you act for {caller.Unit ?? caller.Jurisdiction}",
                "报送报告任务", $"该报告任务属于 {duty.PartyName}（{duty.UnitCode}），应由{(duty.Party is DutyParty.MemberUnit or DutyParty.CommissionMember ? "其本单位工作人员" : $" {duty.JurisdictionCode} 平安办")}报送；您代表的是 {caller.Unit ?? caller.Jurisdiction}");
    }

    // ---------------------------------------------------------------- work information (Art. 15)

    public override Task<Api.WorkInformation> SubmitWorkInformation(SubmitWorkInformationRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => SubmitWorkInformationAsync(request, context));

    private async Task<Api.WorkInformation> SubmitWorkInformationAsync(SubmitWorkInformationRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 15: the member unit itself reports to its commission; nobody sends it in another unit's name.
        guard.EnsureRole(SubmitterRoles);
        if (guard.Caller.Unit != request.UnitCode)
            throw JurisdictionGuard.Refused("send work information", $"a member unit's own staff send its work information; you act for {guard.Caller.Unit ?? guard.Caller.Jurisdiction}",
                "报送工作信息", $"成员单位的工作信息由其本单位工作人员报送；您代表的是 {guard.Caller.Unit ?? guard.Caller.Jurisdiction}");
        var now = time.GetUtcNow();
        var year = ChinaTime.DateOf(now).Year;
        // Its commission is the one the year's calendar lists it under (its annual summary, the same article).
        var summary = await db.Duties.AsNoTracking().Where(d => d.Year == year && d.Party == DutyParty.MemberUnit && d.UnitCode == request.UnitCode)
            .OrderBy(d => d.DueOn).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException(Say.T($"{request.UnitCode} 在 {year} 年度报告任务日历中不是任何委员会的成员单位（请先生成日历，或先将该单位列为其委员会的成员单位）。",
                $"{request.UnitCode} is not a member unit of any commission in the {year} duty calendar (generate the calendar, or add the unit to its commission first)."));
        var item = new WorkInformation
        {
            Id = Guid.CreateVersion7(now), Year = year, UnitCode = summary.UnitCode, UnitName = summary.PartyName, JurisdictionCode = summary.JurisdictionCode,
            ScopeChain = summary.ScopeChain, Title = request.Title.Trim(), Text = request.Text.Trim(), SubmittedAt = now, SubmittedBy = guard.Caller.Subject,
        };
        db.WorkInformation.Add(item);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        outbox.Enqueue(new WorkInformationSubmitted(item.Id, year, item.UnitCode, item.JurisdictionCode, now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"work-information/{item.Id}",
            Detail: JsonSerializer.Serialize(new { item.UnitCode, commission = item.JurisdictionCode, item.Title, article = "Art. 15" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(item);
    }

    public override async Task<WorkInformationList> ListWorkInformation(ListWorkInformationRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Every row lies within request.UnitCode, itself within the caller's jurisdiction: the rule of a get.
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var (year, unit) = (request.Year, request.UnitCode);
        var query = db.WorkInformation.AsNoTracking().Where(w => w.Year == year && w.ScopeChain.Contains(unit));
        if (PageToken.TryRead(request.PageToken, out var after, out var afterId))
            query = query.Where(w => w.SubmittedAt < after || (w.SubmittedAt == after && w.Id.CompareTo(afterId) < 0));
        var size = request.PageSize is > 0 and <= 500 ? request.PageSize : 100;
        var page = await query.OrderByDescending(w => w.SubmittedAt).ThenByDescending(w => w.Id).Take(size + 1).ToListAsync(ct);
        var list = new WorkInformationList();
        list.Items.AddRange(page.Take(size).Select(ToApi));
        if (page.Count > size) list.NextPageToken = PageToken.Write(page[size - 1].SubmittedAt, page[size - 1].Id);
        if (request.PageToken.Length == 0)
        {
            // Who sent how much, silent member units included: the year's member units within the unit, from its calendar.
            var members = await db.Duties.AsNoTracking().Where(d => d.Year == year && d.Party == DutyParty.MemberUnit && d.ScopeChain.Contains(unit))
                .Select(d => new { d.UnitCode, d.PartyName }).Distinct().ToListAsync(ct);
            var sent = await db.WorkInformation.AsNoTracking().Where(w => w.Year == year && w.ScopeChain.Contains(unit))
                .GroupBy(w => w.UnitCode).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            list.Counts.AddRange(members.DistinctBy(m => m.UnitCode)
                .Select(m => new WorkInformationCount { UnitCode = m.UnitCode, UnitName = m.PartyName, Count = sent.GetValueOrDefault(m.UnitCode) })
                .OrderBy(c => c.Count).ThenBy(c => c.UnitCode, StringComparer.Ordinal));
        }
        return list;
    }

    private static Api.WorkInformation ToApi(WorkInformation w) => new()
    {
        InformationId = w.Id.ToString(), Year = w.Year, UnitCode = w.UnitCode, UnitName = w.UnitName, JurisdictionCode = w.JurisdictionCode,
        Title = w.Title, Text = w.Text, SubmittedAt = w.SubmittedAt.ToString("O"), SubmittedBy = w.SubmittedBy,
    };

    // ---------------------------------------------------------------- lights

    /// <summary>Today, and the last day a duty due counts as yellow: the one rule findings follow too.</summary>
    private LightWindow Window() => LightWindow.Of(time.Today(), calendar, lights.Value);

    /// <summary>Green: submitted by its day. Red: submitted after it. Not submitted: red, yellow or grey by <see cref="LightWindow.Owed"/>.</summary>
    public static Light LightOf(ReportingDuty d, LightWindow window) => d.SubmittedOn switch
    {
        { } on when on <= d.DueOn => Light.Green,
        not null => Light.Red,
        null => window.Owed(d.DueOn),
    };

    private static Api.Duty ToApi(ReportingDuty d, LightWindow window) => new()
    {
        DutyId = d.Id.ToString(), Year = d.Year, Kind = d.Kind, Title = d.Title, Article = d.Article, Party = (Api.DutyParty)d.Party, PartyCode = d.PartyCode,
        PartyName = d.PartyName, UnitCode = d.UnitCode, JurisdictionCode = d.JurisdictionCode, RecipientCode = d.RecipientCode, DueOn = d.DueOn.ToString("yyyy-MM-dd"),
        Light = LightOf(d, window), SubmittedAt = d.SubmittedAt?.ToString("O") ?? "", SubmittedBy = d.SubmittedBy, Text = d.Text, Form = d.Form,
        DaysLate = d.SubmittedOn is { } on ? Math.Max(0, on.DayNumber - d.DueOn.DayNumber) : 0, MissedAt = d.MissedAt?.ToString("O") ?? "",
    };
}

/// <summary>The opaque position of a page of duties: the last duty's due day and id.</summary>
internal static class DutyPageToken
{
    public static string Write(DateOnly due, Guid id) => PageToken.Write(new DateTimeOffset(due.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), id);

    public static bool TryRead(string token, out DateOnly due, out Guid id)
    {
        var ok = PageToken.TryRead(token, out var at, out id);
        due = DateOnly.FromDateTime(at.UtcDateTime);
        return ok;
    }
}
