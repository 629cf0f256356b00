using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Contracts;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Leadership;

/// <summary>A term as a caller describes it.</summary>
public sealed record TermDraft(
    string? ExternalId, string UnitCode, LeadershipRole Role, string Portfolio, string? Title,
    DateOnly StartsOn, DateOnly? EndsOn, string? EndReason, string? CadreAuthorityCode, bool? ComprehensiveManagement = null);

/// <summary>What the term rules need to know about a unit.</summary>
public sealed record UnitFacts(string Code, string Name, UnitKind Kind, DateOnly EstablishedOn, DateOnly? DissolvedOn);

/// <summary>
/// The terms a change needs, in memory: every term of the units concerned (for the one-holder rule) and the
/// terms named by external id. New and ended terms are tracked by the context.
/// </summary>
public sealed class TermBook
{
    private readonly Dictionary<string, List<Term>> _byUnit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Term> _byExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnitFacts> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Leader> _leaders = [];
    private readonly Dictionary<string, Leader> _leadersByExternalId = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads the terms of <paramref name="unitCodes"/> and those named by appointment or term id, the units among
    /// those codes, and the leaders of all these terms plus those named by <paramref name="personIds"/>.
    /// </summary>
    public static async Task<TermBook> LoadAsync(
        RegistryDb db, IEnumerable<string> unitCodes, IEnumerable<string> externalIds, IEnumerable<Guid> termIds,
        CancellationToken ct, IEnumerable<string>? personIds = null)
    {
        var book = new TermBook();
        var ids = externalIds.Distinct().ToArray();
        var termIdArray = termIds.Distinct().ToArray();
        var named = ids.Length + termIdArray.Length == 0 ? []
            : await db.Terms.Where(t => (t.ExternalId != null && ids.Contains(t.ExternalId)) || termIdArray.Contains(t.Id)).ToListAsync(ct);
        var codes = unitCodes.Concat(named.Select(t => t.UnitCode)).Distinct().ToArray();
        var terms = await db.Terms.Where(t => codes.Contains(t.UnitCode)).ToListAsync(ct);
        foreach (var t in terms.Concat(named).DistinctBy(t => t.Id)) book.Track(t);
        var units = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code))
            .Select(u => new UnitFacts(u.Code, u.Name, u.Kind, u.EstablishedOn, u.DissolvedOn)).ToListAsync(ct);
        foreach (var u in units) book._units[u.Code] = u;
        var leaderIds = book._byUnit.Values.SelectMany(l => l).Select(t => t.LeaderId).Distinct().ToArray();
        var persons = (personIds ?? []).Distinct().ToArray();
        var leaders = await db.Leaders.Where(l => leaderIds.Contains(l.Id) || (l.ExternalId != null && persons.Contains(l.ExternalId))).ToListAsync(ct);
        foreach (var l in leaders) book.Track(l);
        return book;
    }

    public Leader? Leader(Guid id) => _leaders.GetValueOrDefault(id);

    public Leader? LeaderByExternalId(string? id) => id is null ? null : _leadersByExternalId.GetValueOrDefault(id);

    public void Track(Leader leader)
    {
        _leaders[leader.Id] = leader;
        if (leader.ExternalId is not null) _leadersByExternalId[leader.ExternalId] = leader;
    }

    public UnitFacts? Unit(string code) => _units.GetValueOrDefault(code);

    public Term? ByExternalId(string? id) => id is null ? null : _byExternalId.GetValueOrDefault(id);

    public IEnumerable<Term> InUnit(string code) => _byUnit.TryGetValue(code, out var list) ? list : [];

    /// <summary>
    /// The term an appointment runs on today: itself, or after role changes the term that succeeded it (a role
    /// change keeps the person in the same appointment of the organisation department's records).
    /// </summary>
    public Term Current(Term term)
    {
        for (var i = 0; i < 32 && term.EndsOn is not null; i++)
        {
            var next = InUnit(term.UnitCode).FirstOrDefault(t => t.PreviousTermId == term.Id);
            if (next is null) break;
            term = next;
        }
        return term;
    }

    public void Track(Term term)
    {
        if (!_byUnit.TryGetValue(term.UnitCode, out var list)) _byUnit[term.UnitCode] = list = [];
        list.Add(term);
        if (term.ExternalId is not null) _byExternalId[term.ExternalId] = term;
    }
}

/// <summary>
/// The rules of leadership terms (Art. 9-11): a Principal, and an InCharge leader per portfolio, one at a time;
/// a DualDuty member names a portfolio; terms are never rewritten, only ended. Pure: the caller loads a
/// <see cref="TermBook"/> and saves what comes back.
/// </summary>
public sealed class TermPlanner(TermBook book)
{
    public Term Appoint(Leader leader, TermDraft draft, DateTimeOffset now, Guid? previousTermId = null)
    {
        var errors = new List<FieldError>();
        var portfolio = (draft.Portfolio ?? "").Trim();
        if (draft.Role == LeadershipRole.Principal && portfolio.Length > 0)
            errors.Add(new("portfolio", Say.T("主要负责同志对全面工作负总责，分管领域应留空", "a Principal answers for everything; leave the portfolio empty")));
        if (draft.Role == LeadershipRole.DualDuty && portfolio.Length == 0)
            errors.Add(new("portfolio", Say.T("一岗双责的成员在其分管领域内履行职责（第十一条），须填写分管领域", "a DualDuty member is responsible within a portfolio (Art. 11); name it")));
        if (draft.EndsOn is { } end && end < draft.StartsOn)
            errors.Add(new("ends_on", Say.T($"不得早于 starts_on（{Dates.Write(draft.StartsOn)}）", $"must not be before starts_on {Dates.Write(draft.StartsOn)}")));
        if (book.ByExternalId(draft.ExternalId) is { } known)
            errors.Add(new("external_id", Say.T($"任命 {draft.ExternalId} 已登记（任职记录 {known.Id}）", $"appointment {draft.ExternalId} is recorded already (term {known.Id})")));

        var unit = book.Unit(draft.UnitCode);
        if (unit is null) errors.Add(new("unit_code", Say.T($"单位 {draft.UnitCode} 不存在", $"no unit {draft.UnitCode}")));
        else if (unit.Kind == UnitKind.StatisticalGrouping)
            errors.Add(new("unit_code", Say.T($"{unit.Code}（{unit.Name}）是统计分组，没有领导班子", $"{unit.Code} ({unit.Name}) is a statistical grouping and has no leadership team")));
        else if (unit.DissolvedOn is { } gone && (draft.EndsOn is null || draft.EndsOn >= gone))
            errors.Add(new(draft.StartsOn >= gone ? "unit_code" : "ends_on",
                Say.T($"{unit.Code}（{unit.Name}）已于 {Dates.Write(gone)} 撤销；在该单位的任职须在该日之前结束",
                    $"{unit.Code} ({unit.Name}) was dissolved on {Dates.Write(gone)}; a term in it ends before that day")));
        if (draft.CadreAuthorityCode is { } authority)
        {
            var party = book.Unit(authority);
            if (party is null) errors.Add(new("cadre_authority_code", Say.T($"单位 {authority} 不存在", $"no unit {authority}")));
            else if (party.Kind != UnitKind.PartyCommittee)
                errors.Add(new("cadre_authority_code", Say.T($"{party.Code}（{party.Name}）不是党委", $"{party.Code} ({party.Name}) is not a party committee")));
        }

        if (Term.IsSingleHolder(draft.Role))
        {
            // Art. 9-10: one first responsible person, one directly responsible person per portfolio, at a time.
            var clash = book.InUnit(draft.UnitCode).FirstOrDefault(t =>
                t.Role == draft.Role && t.Portfolio == portfolio && t.Id != previousTermId && t.Overlaps(draft.StartsOn, draft.EndsOn));
            if (clash is not null)
                errors.Add(new("starts_on", Say.T(
                    $"{book.Leader(clash.LeaderId)?.Name ?? clash.LeaderId.ToString()} 自 {Dates.Write(clash.StartsOn)} 起至{UntilZh(clash.EndsOn)}" +
                    $"担任 {draft.UnitCode} 的 {draft.Role}{(portfolio.Length > 0 ? $"（{portfolio}）" : "")}；请先结束该任职",
                    $"{book.Leader(clash.LeaderId)?.Name ?? clash.LeaderId.ToString()} holds {draft.Role}{(portfolio.Length > 0 ? $" ({portfolio})" : "")} of {draft.UnitCode} " +
                    $"from {Dates.Write(clash.StartsOn)} to {(clash.EndsOn is null ? "now" : Dates.Write(clash.EndsOn))}; end that term first")));
        }
        // Reading 6: the in-charge term for comprehensive management, one at a time per unit.
        var comprehensive = Term.IsComprehensive(draft.Role, portfolio, draft.ComprehensiveManagement);
        if (comprehensive && draft.Role != LeadershipRole.InCharge)
            errors.Add(new("comprehensive_management", Say.T("只有 IN_CHARGE 任职才能确定为分管综治工作（第十条“分管领导”）",
                "only an IN_CHARGE term is the one for comprehensive management (Art. 10 \"分管领导\")")));
        else if (comprehensive && book.InUnit(draft.UnitCode).FirstOrDefault(t =>
                     t.ComprehensiveManagement && t.Id != previousTermId && t.Overlaps(draft.StartsOn, draft.EndsOn)) is { } holder)
            errors.Add(new("comprehensive_management", Say.T(
                $"{book.Leader(holder.LeaderId)?.Name ?? holder.LeaderId.ToString()} 自 {Dates.Write(holder.StartsOn)} 起至{UntilZh(holder.EndsOn)}" +
                $"分管 {draft.UnitCode} 的综治工作；请先结束该任职",
                $"{book.Leader(holder.LeaderId)?.Name ?? holder.LeaderId.ToString()} is in charge of comprehensive management of {draft.UnitCode} " +
                $"from {Dates.Write(holder.StartsOn)} to {(holder.EndsOn is null ? "now" : Dates.Write(holder.EndsOn))}; end that term first")));
        var twin = book.InUnit(draft.UnitCode).FirstOrDefault(t =>
            t.LeaderId == leader.Id && t.Role == draft.Role && t.Portfolio == portfolio && t.Overlaps(draft.StartsOn, draft.EndsOn));
        if (twin is not null && !Term.IsSingleHolder(draft.Role))
            errors.Add(new("starts_on", Say.T($"{leader.Name} 自 {Dates.Write(twin.StartsOn)} 起已在 {draft.UnitCode} 担任该职责", $"{leader.Name} holds this role in {draft.UnitCode} already from {Dates.Write(twin.StartsOn)}")));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var term = new Term
        {
            Id = Guid.CreateVersion7(now),
            LeaderId = leader.Id,
            UnitCode = draft.UnitCode,
            Role = draft.Role,
            Portfolio = portfolio,
            ComprehensiveManagement = comprehensive,
            Title = string.IsNullOrWhiteSpace(draft.Title) ? null : draft.Title.Trim(),
            StartsOn = draft.StartsOn,
            EndsOn = draft.EndsOn,
            EndReason = draft.EndsOn is null ? null : draft.EndReason,
            CadreAuthorityCode = draft.CadreAuthorityCode,
            ExternalId = draft.ExternalId,
            PreviousTermId = previousTermId,
            RecordedAt = now,
        };
        book.Track(term);
        return term;
    }

    /// <summary>Ends a running term; <paramref name="endsOn"/> is its last day. A term's end, once recorded, stands.</summary>
    public static bool End(Term term, DateOnly endsOn, string? reason, string field = "ends_on")
    {
        if (term.EndsOn is { } recorded)
        {
            if (recorded == endsOn) return false;
            throw new DomainRuleException(Say.T(
                $"任职记录 {term.ExternalId ?? term.Id.ToString()} 已于 {Dates.Write(recorded)} 结束；已记录的结束日期不予改写。",
                $"Term {term.ExternalId ?? term.Id.ToString()} ended on {Dates.Write(recorded)} already; a recorded end is not rewritten."));
        }
        if (endsOn < term.StartsOn)
            throw new RequestValidationException(field, Say.T($"不得早于任职开始日期（{Dates.Write(term.StartsOn)}）", $"must not be before the term's start {Dates.Write(term.StartsOn)}"));
        term.EndsOn = endsOn;
        term.EndReason = reason;
        return true;
    }

    /// <summary>The end of a period in a Chinese message: "今" while it runs, else " YYYY-MM-DD " (after 至).</summary>
    private static string UntilZh(DateOnly? endsOn) => endsOn is null ? "今" : $" {Dates.Write(endsOn)} ";

    public static LeaderAppointed Appointed(Term t, Leader leader) =>
        new(t.Id, leader.Id, leader.Name, t.UnitCode, t.Role, Text.OrNull(t.Portfolio), t.Title, t.StartsOn, t.EndsOn, t.CadreAuthorityCode, t.ComprehensiveManagement);

    public static LeaderLeft Left(Term t) =>
        new(t.Id, t.LeaderId, t.UnitCode, t.Role, Text.OrNull(t.Portfolio), t.EndsOn!.Value, t.EndReason);
}
