using System.Text;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Access;
using Pingan.Registry.Api;
using Pingan.Registry.Commissions;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Registry.Units;

public sealed class UnitsService(
    RegistryDb db, IOutbox outbox, TimeProvider time, CommissionQueries commissions, IAuditTrail audit, RegistryAccess access,
    Security.IAccountabilityChain chains, RequestLedger<RegistryDb> ledger) : Api.Units.UnitsBase
{
    // A new unit goes under a parent within the caller's jurisdiction, standing as the caller may set it (a
    // province-direct unit only by the province); a root only into an empty registry (ImportAsync's rule).
    public override Task<Api.Unit> RegisterUnit(RegisterUnitRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () =>
        WriteAsync([request.Code, request.ParentCode, request.VerticalSuperiorCode],
            async ct =>
            {
                if (request.ParentCode.Length == 0) { await access.ImportAsync(RegistryAccess.StructureWriters, ct); return; }
                await access.WriteAsync(RegistryAccess.StructureWriters, ct, request.ParentCode, Text.OrNull(request.VerticalSuperiorCode));
                if (request.ProvinceDirect) await access.ChangeStandingAsync(RegistryAccess.StructureWriters, request.Code, true, ct);
            },
            (planner, _) => planner.Register(new UnitDraft(
            request.Code, request.Name, request.Kind.ToDomain(), Text.OrNull(request.ParentCode), request.ProvinceDirect,
            Text.OrNull(request.VerticalSuperiorCode), Dates.ParseOr(request.EffectiveOn, Today))), context));

    public override Task<Api.Unit> UpdateUnit(UpdateUnitRequest request, ServerCallContext context) =>
        WriteAsync([request.Code, request.ParentCode, request.VerticalSuperiorCode],
            // A new name is the unit's own to keep; where and how it answers is for the levels above it (issue 11).
            ct => request.HasParentCode || request.HasProvinceDirect || request.HasVerticalSuperiorCode
                ? access.ChangeStandingAsync(RegistryAccess.StructureWriters, request.Code, request.HasProvinceDirect, ct,
                    request.HasParentCode ? request.ParentCode : null, request.HasVerticalSuperiorCode ? Text.OrNull(request.VerticalSuperiorCode) : null)
                : access.WriteAsync(RegistryAccess.StructureWriters, ct, request.Code),
            (planner, _) => planner.Update(new UnitPatch(
            request.Code,
            request.HasName ? request.Name : null,
            request.HasParentCode ? request.ParentCode : null,
            request.HasProvinceDirect ? request.ProvinceDirect : null,
            request.HasVerticalSuperiorCode ? request.VerticalSuperiorCode : null,
            Dates.ParseOr(request.EffectiveOn, Today))), context);

    public override Task<Api.Unit> DissolveUnit(DissolveUnitRequest request, ServerCallContext context) =>
        WriteAsync([request.Code], ct => access.ChangeStandingAsync(RegistryAccess.StructureWriters, request.Code, false, ct), async (planner, ct) =>
        {
            var on = Dates.ParseOr(request.EffectiveOn, Today);
            return planner.Dissolve(request.Code, on, Text.OrNull(request.Reason), await StillRunningAsync(request.Code, on, ct));
        }, context);

    /// <summary>What would outlive a unit dissolved on <paramref name="on"/>: units under it, terms in it, its commission.</summary>
    private async Task<List<string>> StillRunningAsync(string code, DateOnly on, CancellationToken ct)
    {
        var blockers = new List<string>();
        var child = await db.Units.AsNoTracking().Where(u => u.ParentCode == code && (u.DissolvedOn == null || u.DissolvedOn > on))
            .OrderBy(u => u.Code).Select(u => new { u.Code, u.Name }).FirstOrDefaultAsync(ct);
        if (child is not null) blockers.Add(Say.T($"下级单位（如 {child.Code}（{child.Name}））", $"units under it, e.g. {child.Code} ({child.Name})"));
        var terms = await db.Terms.CountAsync(t => t.UnitCode == code && (t.EndsOn == null || t.EndsOn >= on), ct);
        if (terms > 0) blockers.Add(Say.T($"{terms} 项未结束的领导任职", $"{terms} leadership term(s) running"));
        if (await db.Commissions.AnyAsync(c => c.JurisdictionCode == code && (c.DissolvedOn == null || c.DissolvedOn > on), ct))
            blockers.Add(Say.T("存续的委员会", "a commission"));
        return blockers;
    }

    /// <summary>One unit write: serialised with the others, planned on the units it names and their ancestors, saved with its events.</summary>
    private Task<Api.Unit> WriteAsync(string[] codes, Func<CancellationToken, Task> authorize, Func<UnitPlanner, CancellationToken, UnitChange> plan, ServerCallContext context) =>
        WriteAsync(codes, authorize, (planner, token) => Task.FromResult(plan(planner, token)), context);

    private async Task<Api.Unit> WriteAsync(string[] codes, Func<CancellationToken, Task> authorize, Func<UnitPlanner, CancellationToken, Task<UnitChange>> plan,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await authorize(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var writer = new UnitWriter(db, outbox, time);
        await writer.LockAsync(ct);
        var change = await plan(new UnitPlanner(await UnitSet.LoadAsync(db, codes, ct), Today), ct);
        await writer.SaveAsync([change], ct);
        await audit.RecordAsync(new AuditRecord(context.Method, change.Unit.Code, Detail: AuditDetail.Of(change.Changes)), ct);
        await tx.CommitAsync(ct);
        access.UnitsChanged();
        return change.Unit.ToApi();
    }

    public override async Task<Api.Unit> GetUnit(GetUnitRequest request, ServerCallContext context)
    {
        await access.ReadAsync(request.Code, context.CancellationToken);
        if (string.IsNullOrEmpty(request.AsOf))
            return (await FindAsync(request.Code, context.CancellationToken)).ToApi();
        var day = Dates.ParseOr(request.AsOf, Today);
        var revision = await RevisionOnAsync(request.Code, day, context.CancellationToken);
        return revision.ToApi(Pinyin.Initials(revision.Name));
    }

    public override async Task<UnitList> ListAncestors(ListAncestorsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await access.ReadAsync(request.Code, ct);
        var list = new UnitList();
        if (string.IsNullOrEmpty(request.AsOf))
        {
            var unit = await FindAsync(request.Code, ct);
            var codes = unit.Path.Split('/')[..^1];
            var ancestors = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToListAsync(ct);
            list.Units.AddRange(ancestors.OrderBy(u => u.Path.Length).Select(u => u.ToApi()));
            return list;
        }
        var day = Dates.ParseOr(request.AsOf, Today);
        var chain = new List<Api.Unit>();
        var revision = await RevisionOnAsync(request.Code, day, ct);
        for (var depth = 0; revision.ParentCode is { } parent && depth < 32; depth++)
        {
            revision = await RevisionOnAsync(parent, day, ct);
            chain.Add(revision.ToApi(Pinyin.Initials(revision.Name)));
        }
        chain.Reverse();
        list.Units.AddRange(chain);
        return list;
    }

    public override async Task<UnitPage> ListDescendants(ListDescendantsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await access.ReadBelowAsync(request.Code, ct);
        var size = request.PageSize == 0 ? 100 : request.PageSize;
        // Paging on, the token (the last path of the previous page) holds the root's path: no lookup needed.
        var (rootPath, after) = request.PageToken.Length == 0
            ? (await PathOfAsync(request.Code, ct) ?? throw new NotFoundException(Say.T($"单位 {request.Code} 不存在。", $"No unit {request.Code}.")), null)
            : DecodeToken(request.PageToken, request.Code);
        var (units, nextAfter) = await SubtreeReader.ReadAsync(db, rootPath, after,
            request.Level == Api.UnitLevel.Unspecified ? null : request.Level.ToDomain(),
            [.. request.Kinds.Select(k => k.ToDomain())], request.IncludeDissolved, size, await access.ForeignSubtreesAsync(rootPath, ct), ct);
        var page = new UnitPage();
        if (nextAfter is not null) page.NextPageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes(nextAfter));
        page.Units.AddRange(units);
        return page;
    }

    public override async Task<UnitList> SearchUnits(SearchUnitsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var q = request.Query.Trim();
        var limit = request.Limit == 0 ? 20 : request.Limit;
        // Within the caller's jurisdiction unless narrowed further; never beyond it.
        var within = request.Within.Length > 0 ? request.Within : access.Caller.Jurisdiction;
        await access.ReadBelowAsync(within, ct);
        var withinPath = await PathOfAsync(within, ct) ?? throw new RequestValidationException("within", Say.T($"单位 {request.Within} 不存在", $"no unit {request.Within}"));
        var (below, before) = SubtreeReader.Below(withinPath);
        var query = db.Units.AsNoTracking().Where(u => u.DissolvedOn == null
            && (u.Path == withinPath || (string.Compare(u.Path, below) > 0 && string.Compare(u.Path, before) < 0)));
        foreach (var foreign in await access.ForeignSubtreesAsync(withinPath, ct))
        {
            var (from, to) = SubtreeReader.Below(foreign);
            query = query.Where(u => u.Path != foreign && !(string.Compare(u.Path, from) > 0 && string.Compare(u.Path, to) < 0));
        }
        if (request.Level != Api.UnitLevel.Unspecified)
        {
            var level = request.Level.ToDomain();
            query = query.Where(u => u.Level == level);
        }
        var initials = Pinyin.LooksLikeInitials(q) ? q.ToLowerInvariant() : null;
        var pattern = "%" + EscapeLike(q) + "%";
        query = initials is null
            ? query.Where(u => EF.Functions.Like(u.Name, pattern, "\\"))
            : query.Where(u => EF.Functions.Like(u.Name, pattern, "\\") || u.PinyinInitials.StartsWith(initials));
        var rows = await query
            .OrderByDescending(u => u.Name == q || u.PinyinInitials == initials)
            .ThenBy(u => u.Path.Length)
            .ThenBy(u => u.Path)
            .Take(limit).ToListAsync(ct);
        var list = new UnitList();
        list.Units.AddRange(rows.Select(u => u.ToApi()));
        return list;
    }

    public override async Task<AccountabilityChain> GetAccountabilityChain(GetAccountabilityChainRequest request, ServerCallContext context)
    {
        await access.ReadAsync(request.Code, context.CancellationToken);
        var chain = await chains.ChainAsync(request.Code, context.CancellationToken)
            ?? throw new NotFoundException(Say.T($"单位 {request.Code} 不存在。", $"No unit {request.Code}."));
        return new AccountabilityChain { Codes = { chain } };
    }

    public override async Task<Api.Commission> GetCommissionForUnit(GetCommissionForUnitRequest request, ServerCallContext context)
    {
        await access.ReadAsync(request.Code, context.CancellationToken);
        return await commissions.ForUnitAsync(request.Code, request.Relation, Dates.ParseOr(request.AsOf, Today), context.CancellationToken);
    }

    private DateOnly Today => ChinaTime.Today(time);

    private async Task<Unit> FindAsync(string code, CancellationToken ct) =>
        await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, ct) ?? throw new NotFoundException(Say.T($"单位 {code} 不存在。", $"No unit {code}."));

    private Task<string?> PathOfAsync(string code, CancellationToken ct) =>
        db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => u.Path).FirstOrDefaultAsync(ct);

    private async Task<UnitRevision> RevisionOnAsync(string code, DateOnly day, CancellationToken ct)
    {
        if (await db.RevisionOnAsync(code, day, ct) is { } revision) return revision;
        var exists = await db.Units.AnyAsync(u => u.Code == code, ct);
        throw new NotFoundException(exists
            ? Say.T($"单位 {code} 在 {Dates.Write(day)} 不存在。", $"Unit {code} did not exist on {Dates.Write(day)}.")
            : Say.T($"单位 {code} 不存在。", $"No unit {code}."));
    }

    /// <summary>A page token is the last path of the previous page: it runs through the root, whose path it returns too.</summary>
    private static (string RootPath, string After) DecodeToken(string token, string rootCode)
    {
        try
        {
            var path = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var at = path.StartsWith(rootCode + "/", StringComparison.Ordinal) ? 0
                : path.IndexOf("/" + rootCode + "/", StringComparison.Ordinal) is >= 0 and var i ? i + 1 : -1;
            if (at >= 0) return (path[..(at + rootCode.Length)], path);
        }
        catch (FormatException)
        {
        }
        throw new RequestValidationException("page_token", Say.T("不是本列表的分页令牌", "is not a page token of this listing"));
    }

    private static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
