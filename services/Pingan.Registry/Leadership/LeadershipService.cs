using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Registry.Api;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;
using LeadershipRole = Pingan.Registry.Contracts.LeadershipRole;

namespace Pingan.Registry.Leadership;

public sealed class LeadershipService(RegistryDb db, IOutbox outbox, TimeProvider time) : Api.Leadership.LeadershipBase
{
    public override async Task<Api.Term> AppointLeader(AppointLeaderRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var leader = await ResolveLeaderAsync(request, now, ct);
        var externalId = UnitsServiceText(request.ExternalId);
        var cadre = UnitsServiceText(request.CadreAuthorityCode);
        var book = await TermBook.LoadAsync(db, cadre is null ? [request.UnitCode] : [request.UnitCode, cadre],
            externalId is null ? [] : [externalId], [], ct);
        var term = new TermPlanner(book).Appoint(leader, new TermDraft(
            externalId, request.UnitCode, (LeadershipRole)(int)request.Role, request.Portfolio, request.Title,
            Dates.ParseOr(request.StartsOn, time.Today()), null, null, cadre), now);
        db.Terms.Add(term);
        outbox.Enqueue(TermPlanner.Appointed(term, leader));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, term.Id, ct);
    }

    public override async Task<Api.Term> EndTerm(EndTermRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var term = await FindTermAsync(request.TermId, ct);
        if (TermPlanner.End(term, Dates.ParseOr(request.EndsOn, time.Today()), UnitsServiceText(request.Reason)))
        {
            outbox.Enqueue(TermPlanner.Left(term));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, term.Id, ct);
    }

    public override async Task<Api.Term> ChangeRole(ChangeRoleRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();
        var effective = Dates.ParseOr(request.EffectiveOn, time.Today());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await TermQueries.LockAsync(db, ct);
        var current = await FindTermAsync(request.TermId, ct);
        if (!current.IsActiveOn(effective) || current.StartsOn == effective)
            throw new DomainRuleException(
                $"Term {current.Id} runs from {Dates.Write(current.StartsOn)} to {(current.EndsOn is null ? "now" : Dates.Write(current.EndsOn))}; " +
                $"a role change on {Dates.Write(effective)} must fall after its first day and within it.");
        var leader = await db.Leaders.FirstAsync(l => l.Id == current.LeaderId, ct);
        var book = await TermBook.LoadAsync(db, [current.UnitCode], [], [current.Id], ct);
        var next = new TermPlanner(book).Appoint(leader, new TermDraft(
            null, current.UnitCode, (LeadershipRole)(int)request.Role, request.Portfolio, request.Title,
            effective, current.EndsOn, current.EndReason, current.CadreAuthorityCode), now, previousTermId: current.Id);
        current.EndsOn = null;
        TermPlanner.End(current, effective.AddDays(-1), "role changed");
        db.Terms.Add(next);
        outbox.Enqueue(new Contracts.LeaderRoleChanged(current.Id, next.Id, leader.Id, current.UnitCode, current.Role, next.Role,
            next.Portfolio.Length == 0 ? null : next.Portfolio, effective));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await TermQueries.GetAsync(db, next.Id, ct);
    }

    public override async Task<TermList> ListHolders(ListHoldersRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var day = Dates.ParseOr(request.AsOf, time.Today());
        var query = db.Terms.AsNoTracking().Where(t => t.UnitCode == request.UnitCode && t.StartsOn <= day && (t.EndsOn == null || t.EndsOn >= day));
        if (request.Role != Api.LeadershipRole.Unspecified)
        {
            var role = (LeadershipRole)(int)request.Role;
            query = query.Where(t => t.Role == role);
        }
        if (request.Portfolio.Length > 0) query = query.Where(t => t.Portfolio == request.Portfolio);
        var holders = await TermQueries.ListAsync(db, query, ct);
        // Nobody held it, or there is no such unit: only the empty answer pays for telling the two apart.
        if (holders.Terms.Count == 0 && !await db.Units.AnyAsync(u => u.Code == request.UnitCode, ct))
            throw new NotFoundException($"No unit {request.UnitCode}.");
        return holders;
    }

    public override async Task<TermList> GetAccountability(GetAccountabilityRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = TermQueries.ParseId(request.LeaderId, "leader_id");
        if (!await db.Leaders.AnyAsync(l => l.Id == id, ct)) throw new NotFoundException($"No leader {request.LeaderId}.");
        var day = Dates.ParseOr(request.AsOf, time.Today());
        return await TermQueries.ListAsync(db,
            db.Terms.AsNoTracking().Where(t => t.LeaderId == id && t.StartsOn <= day && (t.EndsOn == null || t.EndsOn >= day)), ct);
    }

    public override async Task<Api.Leader> GetLeader(GetLeaderRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = TermQueries.ParseId(request.LeaderId, "leader_id");
        var leader = await db.Leaders.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new NotFoundException($"No leader {request.LeaderId}.");
        var terms = await TermQueries.ListAsync(db, db.Terms.AsNoTracking().Where(t => t.LeaderId == id), ct);
        var result = new Api.Leader { LeaderId = leader.Id.ToString(), Name = leader.Name, ExternalId = leader.ExternalId ?? "" };
        result.Terms.AddRange(terms.Terms);
        return result;
    }

    private async Task<Leader> ResolveLeaderAsync(AppointLeaderRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (request.LeaderId.Length > 0)
        {
            var id = TermQueries.ParseId(request.LeaderId, "leader_id");
            return await db.Leaders.FirstOrDefaultAsync(l => l.Id == id, ct)
                ?? throw new RequestValidationException("leader_id", $"no leader {request.LeaderId}");
        }
        var external = request.ExternalPersonId.Trim();
        if (external.Length > 0 && await db.Leaders.FirstOrDefaultAsync(l => l.ExternalId == external, ct) is { } known) return known;
        if (string.IsNullOrWhiteSpace(request.Name))
            throw new RequestValidationException("name", "a new leader needs a name");
        var leader = new Leader { Id = Guid.CreateVersion7(now), Name = request.Name.Trim(), ExternalId = external.Length > 0 ? external : null, RecordedAt = now };
        db.Leaders.Add(leader);
        return leader;
    }

    private async Task<Term> FindTermAsync(string termId, CancellationToken ct)
    {
        var id = TermQueries.ParseId(termId, "term_id");
        return await db.Terms.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException($"No term {termId}.");
    }

    private static string? UnitsServiceText(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>Reads of terms with the names a reader wants beside them.</summary>
public static class TermQueries
{
    /// <summary>Term writes are serialised, so the one-holder check sees every committed term.</summary>
    public static Task LockAsync(RegistryDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('pingan.registry.terms'))", ct);

    public static Guid ParseId(string text, string field) =>
        Guid.TryParse(text, out var id) ? id : throw new RequestValidationException(field, "must be an id (a UUID)");

    public static async Task<Dictionary<Guid, string>> LeaderNamesAsync(RegistryDb db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var array = ids.Distinct().ToArray();
        return await db.Leaders.AsNoTracking().Where(l => array.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
    }

    public static async Task<Api.Term> GetAsync(RegistryDb db, Guid id, CancellationToken ct) =>
        (await ListAsync(db, db.Terms.AsNoTracking().Where(t => t.Id == id), ct)).Terms.Single();

    public static async Task<TermList> ListAsync(RegistryDb db, IQueryable<Term> terms, CancellationToken ct)
    {
        var rows = await (
            from t in terms
            join l in db.Leaders on t.LeaderId equals l.Id
            join u in db.Units on t.UnitCode equals u.Code
            orderby t.UnitCode, t.Role, t.StartsOn
            select new { t, LeaderName = l.Name, UnitName = u.Name }).ToListAsync(ct);
        var list = new TermList();
        list.Terms.AddRange(rows.Select(r => new Api.Term
        {
            TermId = r.t.Id.ToString(),
            LeaderId = r.t.LeaderId.ToString(),
            LeaderName = r.LeaderName,
            UnitCode = r.t.UnitCode,
            UnitName = r.UnitName,
            Role = (Api.LeadershipRole)(int)r.t.Role,
            Portfolio = r.t.Portfolio,
            Title = r.t.Title ?? "",
            StartsOn = Dates.Write(r.t.StartsOn),
            EndsOn = Dates.Write(r.t.EndsOn),
            EndReason = r.t.EndReason ?? "",
            CadreAuthorityCode = r.t.CadreAuthorityCode ?? "",
            ExternalId = r.t.ExternalId ?? "",
        }));
        return list;
    }
}
