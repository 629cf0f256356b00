using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Access;
using Pingan.Registry.Api;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;
using LeadershipRole = Pingan.Registry.Contracts.LeadershipRole;

namespace Pingan.Registry.Leadership;

public sealed class LeadershipService(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, RegistryAccess access, HistoryCorrections corrections,
    RequestLedger<RegistryDb> ledger)
    : Api.Leadership.LeadershipBase
{
    public override Task<Api.Term> AppointLeader(AppointLeaderRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => AppointLeaderAsync(request, context));

    private async Task<Api.Term> AppointLeaderAsync(AppointLeaderRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await access.WriteAsync(RegistryAccess.TermWriters, ct, request.UnitCode);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var leader = await ResolveLeaderAsync(request, now, ct);
        await access.BindLeaderAsync(leader.Id, leader.Name, time.Today(), ct);
        var startsOn = Dates.ParseOr(request.StartsOn, time.Today());
        var correction = corrections.Check(startsOn, request.CorrectionReason);
        if (correction is not null) await corrections.EnsureNoOpenCaseAsync(request.UnitCode, startsOn, null, ct);
        var externalId = Text.OrNull(request.ExternalId);
        var cadre = Text.OrNull(request.CadreAuthorityCode);
        var book = await TermBook.LoadAsync(db, cadre is null ? [request.UnitCode] : [request.UnitCode, cadre],
            externalId is null ? [] : [externalId], [], ct);
        var term = new TermPlanner(book).Appoint(leader, new TermDraft(
            externalId, request.UnitCode, (LeadershipRole)(int)request.Role, request.Portfolio, request.Title,
            startsOn, null, null, cadre, request.HasComprehensiveManagement ? request.ComprehensiveManagement : null), now);
        db.Terms.Add(term);
        outbox.Enqueue(TermPlanner.Appointed(term, leader));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"term/{term.Id}",
            Detail: AuditDetail.Of(new { leader = leader.Name, unit = term.UnitCode, role = term.Role.ToString(), term.Portfolio, term.ComprehensiveManagement, startsOn = Dates.Write(term.StartsOn), correction })), ct);
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, term.Id, ct);
    }

    public override async Task<Api.Term> EndTerm(EndTermRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        access.EnsureRole(RegistryAccess.TermWriters);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var term = await FindTermAsync(request.TermId, ct);
        await access.WriteAsync(RegistryAccess.TermWriters, ct, term.UnitCode);
        var endsOn = Dates.ParseOr(request.EndsOn, time.Today());
        var correction = term.EndsOn == endsOn ? null : corrections.Check(endsOn, request.CorrectionReason);
        if (correction is not null) await corrections.EnsureNoOpenCaseAsync(term.UnitCode, endsOn.AddDays(1), null, ct);
        if (TermPlanner.End(term, endsOn, Text.OrNull(request.Reason)))
        {
            outbox.Enqueue(TermPlanner.Left(term));
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new AuditRecord(context.Method, $"term/{term.Id}",
                Detail: AuditDetail.Of(new { endsOn = Dates.Write(term.EndsOn), reason = term.EndReason, correction })), ct);
        }
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, term.Id, ct);
    }

    public override async Task<Api.Term> ChangeRole(ChangeRoleRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();
        var effective = Dates.ParseOr(request.EffectiveOn, time.Today());
        access.EnsureRole(RegistryAccess.TermWriters);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var current = await FindTermAsync(request.TermId, ct);
        await access.WriteAsync(RegistryAccess.TermWriters, ct, current.UnitCode);
        if (!current.IsActiveOn(effective) || current.StartsOn == effective)
            throw new DomainRuleException(Say.T(
                $"任职记录 {current.Id} 自 {Dates.Write(current.StartsOn)} 起至{(current.EndsOn is null ? "今" : $" {Dates.Write(current.EndsOn)}")}；" +
                $"职责变更日期（{Dates.Write(effective)}）须晚于任职首日，且在任职期间之内。",
                $"Term {current.Id} runs from {Dates.Write(current.StartsOn)} to {(current.EndsOn is null ? "now" : Dates.Write(current.EndsOn))}; " +
                $"a role change on {Dates.Write(effective)} must fall after its first day and within it."));
        var correction = corrections.Check(effective, request.CorrectionReason);
        if (correction is not null) await corrections.EnsureNoOpenCaseAsync(current.UnitCode, effective, current.EndsOn, ct);
        var leader = await db.Leaders.FirstAsync(l => l.Id == current.LeaderId, ct);
        var book = await TermBook.LoadAsync(db,
            current.CadreAuthorityCode is { } cadre ? [current.UnitCode, cadre] : [current.UnitCode], [], [current.Id], ct);
        var next = new TermPlanner(book).Appoint(leader, new TermDraft(
            null, current.UnitCode, (LeadershipRole)(int)request.Role, request.Portfolio, request.Title,
            effective, current.EndsOn, current.EndReason, current.CadreAuthorityCode,
            request.HasComprehensiveManagement ? request.ComprehensiveManagement : null), now, previousTermId: current.Id);
        current.EndsOn = null;
        TermPlanner.End(current, effective.AddDays(-1), "role changed");
        db.Terms.Add(next);
        outbox.Enqueue(new Contracts.LeaderRoleChanged(current.Id, next.Id, leader.Id, current.UnitCode, current.Role, next.Role,
            next.Portfolio.Length == 0 ? null : next.Portfolio, effective, next.ComprehensiveManagement, next.Title));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"term/{current.Id}",
            Detail: AuditDetail.Of(new { newTerm = next.Id, role = next.Role.ToString(), next.Portfolio, next.ComprehensiveManagement, effectiveOn = Dates.Write(effective), correction })), ct);
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, next.Id, ct);
    }

    public override async Task<TermList> ListHolders(ListHoldersRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await access.ReadAsync(request.UnitCode, ct);
        var day = Dates.ParseOr(request.AsOf, time.Today());
        // A period (reading 4): every term that ran on any of its days; a day alone is a period of one.
        var until = Dates.ParseOr(request.Until, day);
        var role = request.Role == Api.LeadershipRole.Unspecified ? "" : ((LeadershipRole)(int)request.Role).ToString();
        // One round trip (issue 20): the unit's row with its holders joined on, so "nobody held it" (the unit's row alone)
        // and "no such unit" (no row) are told apart by the same query; asking the second question apart cost every
        // empty answer a second query.
        var holders = new TermList();
        var unitFound = false;
        await db.ReadAsync(
            $"""
            SELECT {TermQueries.Columns}
            FROM units u LEFT JOIN (terms t JOIN leaders l ON l.id = t.leader_id)
              ON t.unit_code = u.code AND t.starts_on <= $6 AND (t.ends_on IS NULL OR t.ends_on >= $2) AND ($3 = '' OR t.role = $3)
                 AND ($4 = '' OR t.portfolio = $4) AND (NOT $5 OR t.comprehensive_management)
            WHERE u.code = $1
            ORDER BY t.role, t.starts_on
            """, [request.UnitCode, day, role, request.Portfolio, request.ComprehensiveManagementOnly, until], r =>
            {
                unitFound = true;
                if (!r.IsDBNull(0)) holders.Terms.Add(TermQueries.Read(r));
            }, ct);
        return unitFound ? holders : throw new NotFoundException(Say.T($"单位 {request.UnitCode} 不存在。", $"No unit {request.UnitCode}."));
    }

    public override async Task<TermList> GetAccountability(GetAccountabilityRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = TermQueries.ParseId(request.LeaderId, "leader_id");
        if (!await db.Leaders.AnyAsync(l => l.Id == id, ct)) throw new NotFoundException(Say.T($"领导 {request.LeaderId} 不存在。", $"No leader {request.LeaderId}."));
        var day = Dates.Write(Dates.ParseOr(request.AsOf, time.Today()));
        var onThatDay = new TermList();
        // ISO dates compare as text.
        onThatDay.Terms.AddRange((await VisibleTermsAsync(id, request.LeaderId, ct)).Terms
            .Where(t => string.CompareOrdinal(t.StartsOn, day) <= 0 && (t.EndsOn.Length == 0 || string.CompareOrdinal(t.EndsOn, day) >= 0)));
        return onThatDay;
    }

    public override async Task<Api.Leader> GetLeader(GetLeaderRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = TermQueries.ParseId(request.LeaderId, "leader_id");
        var leader = await db.Leaders.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"领导 {request.LeaderId} 不存在。", $"No leader {request.LeaderId}."));
        var result = new Api.Leader { LeaderId = leader.Id.ToString(), Name = leader.Name, ExternalId = leader.ExternalId ?? "" };
        result.Terms.AddRange((await VisibleTermsAsync(id, request.LeaderId, ct)).Terms);
        return result;
    }

    /// <summary>
    /// A leader's terms the caller may see (units within the jurisdiction or above it); a leader with none of them
    /// is someone else's, and refused.
    /// </summary>
    private async Task<TermList> VisibleTermsAsync(Guid leaderId, string asked, CancellationToken ct)
    {
        access.EnsureRole([]);
        var visible = await Visible(await TermQueries.ListAsync(db, "t.leader_id = $1", [leaderId], ct), ct);
        if (visible.Terms.Count == 0)
            throw new RpcException(new Status(StatusCode.PermissionDenied, Say.T($"领导 {asked} 未曾在您的管辖范围（{access.Caller.Jurisdiction}）内任职。",
                $"Leader {asked} has held no post within your jurisdiction ({access.Caller.Jurisdiction}).")));
        return visible;
    }

    private async Task<TermList> Visible(TermList terms, CancellationToken ct)
    {
        var seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        var result = new TermList();
        foreach (var term in terms.Terms)
        {
            if (!seen.TryGetValue(term.UnitCode, out var ok)) seen[term.UnitCode] = ok = await access.IsVisibleAsync(term.UnitCode, ct);
            if (ok) result.Terms.Add(term);
        }
        return result;
    }

    private async Task<Leader> ResolveLeaderAsync(AppointLeaderRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (request.LeaderId.Length > 0)
        {
            var id = TermQueries.ParseId(request.LeaderId, "leader_id");
            return await db.Leaders.FirstOrDefaultAsync(l => l.Id == id, ct)
                ?? throw new RequestValidationException("leader_id", Say.T($"领导 {request.LeaderId} 不存在", $"no leader {request.LeaderId}"));
        }
        var external = request.ExternalPersonId.Trim();
        if (external.Length > 0 && await db.Leaders.FirstOrDefaultAsync(l => l.ExternalId == external, ct) is { } known) return known;
        if (string.IsNullOrWhiteSpace(request.Name))
            throw new RequestValidationException("name", Say.T("新登记的领导须填写姓名", "a new leader needs a name"));
        var leader = new Leader { Id = Guid.CreateVersion7(now), Name = request.Name.Trim(), ExternalId = external.Length > 0 ? external : null, RecordedAt = now };
        db.Leaders.Add(leader);
        return leader;
    }

    private async Task<Term> FindTermAsync(string termId, CancellationToken ct)
    {
        var id = TermQueries.ParseId(termId, "term_id");
        return await db.Terms.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException(Say.T($"任职记录 {termId} 不存在。", $"No term {termId}."));
    }
}

/// <summary>Reads of terms with the names a reader wants beside them.</summary>
public static class TermQueries
{
    /// <summary>Term writes are serialised, so the one-holder check sees every committed term.</summary>
    public static Task LockAsync(RegistryDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('pingan.registry.terms'))", ct);

    public static Guid ParseId(string text, string field) =>
        Guid.TryParse(text, out var id) ? id : throw new RequestValidationException(field, Say.T("必须是记录编号（UUID）", "must be an id (a UUID)"));

    public static async Task<Dictionary<Guid, string>> LeaderNamesAsync(RegistryDb db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var array = ids.Distinct().ToArray();
        return await db.Leaders.AsNoTracking().Where(l => array.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
    }

    public static async Task<Api.Term> GetAsync(RegistryDb db, Guid id, CancellationToken ct) =>
        (await ListAsync(db, "t.id = $1", [id], ct)).Terms.Single();

    /// <summary>
    /// Terms matching <paramref name="where"/> (over terms t, with $1.. bound to <paramref name="args"/>), with the
    /// leader's and the unit's names. Read straight into API messages: the as-of lookup is on every caller's path.
    /// </summary>
    public static async Task<TermList> ListAsync(RegistryDb db, string where, object[] args, CancellationToken ct)
    {
        var list = new TermList();
        await db.ReadAsync(
                $"""
                SELECT {Columns}
                FROM terms t JOIN leaders l ON l.id = t.leader_id JOIN units u ON u.code = t.unit_code
                WHERE {where}
                ORDER BY t.unit_code, t.role, t.starts_on
                """, args, r => list.Terms.Add(Read(r)), ct);
        return list;
    }

    /// <summary>The columns <see cref="Read"/> expects, over terms t, leaders l and units u.</summary>
    public const string Columns =
        """
        t.id, t.leader_id, l.name, t.unit_code, u.name, t.role, t.portfolio, t.title, t.starts_on, t.ends_on,
        t.end_reason, t.cadre_authority_code, t.external_id, t.comprehensive_management
        """;

    /// <summary>A term from a row of <see cref="Columns"/>, straight into the API message.</summary>
    public static Api.Term Read(Npgsql.NpgsqlDataReader r) => new()
    {
        TermId = r.GetGuid(0).ToString(),
        LeaderId = r.GetGuid(1).ToString(),
        LeaderName = r.GetString(2),
        UnitCode = r.GetString(3),
        UnitName = r.GetString(4),
        Role = (Api.LeadershipRole)(int)Enum.Parse<LeadershipRole>(r.GetString(5)),
        Portfolio = r.GetString(6),
        Title = r.IsDBNull(7) ? "" : r.GetString(7),
        StartsOn = Dates.Write(r.GetFieldValue<DateOnly>(8)),
        EndsOn = r.IsDBNull(9) ? "" : Dates.Write(r.GetFieldValue<DateOnly>(9)),
        EndReason = r.IsDBNull(10) ? "" : r.GetString(10),
        CadreAuthorityCode = r.IsDBNull(11) ? "" : r.GetString(11),
        ExternalId = r.IsDBNull(12) ? "" : r.GetString(12),
        ComprehensiveManagement = r.GetBoolean(13),
    };
}
