using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;
using static Pingan.Security.PinganRoles;

namespace Pingan.Registry.Access;

/// <summary>
/// Who may read and change what in the registry (issues 4 and 11), in the terms of the guard's intents. Any
/// platform role reads the units within its jurisdiction and those it answers to; changes need a writer's role
/// and a target within the jurisdiction; a unit's standing changes only from above it; imports and the personnel feed cover the whole tree, so they need a province-level account.
/// </summary>
public sealed class RegistryAccess(JurisdictionGuard guard, RegistryDb db, ChainCache chains)
{
    /// <summary>Units and commissions are kept by the commission offices.</summary>
    public static readonly string[] StructureWriters = [CommissionOffice];

    /// <summary>Leadership terms: the offices, and the organisation and personnel departments that appoint.</summary>
    public static readonly string[] TermWriters = [CommissionOffice, OrganisationLiaison, PersonnelLiaison];

    /// <summary>Division tables are loaded by the offices or by operators.</summary>
    public static readonly string[] UnitImporters = [CommissionOffice, Operator];

    public static readonly string[] TermImporters = [CommissionOffice, OrganisationLiaison, PersonnelLiaison, Operator];

    public Caller Caller => guard.Caller;

    /// <summary>Organisation facts about one unit: within the jurisdiction, or above it (the guard's "read organisation facts").</summary>
    public Task ReadAsync(string unitCode, CancellationToken ct) => guard.ReadOrganisationFactsAsync(unitCode, ct);

    /// <summary>A read of a subtree: its root must be within the jurisdiction.</summary>
    public Task ReadBelowAsync(string unitCode, CancellationToken ct) => guard.ReadBelowAsync(unitCode, ct);

    public Task<bool> IsVisibleAsync(string unitCode, CancellationToken ct) => guard.MayReadOrganisationFactsAsync(unitCode, ct);

    public void EnsureRole(string[] roles) => guard.EnsureRole(roles);

    /// <summary>A change to a unit (the guard's "act on a unit"): the role, the unit and every unit the change references within the jurisdiction.</summary>
    public Task WriteAsync(string[] roles, CancellationToken ct, string unitCode, params string?[] referenced) =>
        guard.ActOnUnitAsync(roles, unitCode, ct, referenced);

    /// <summary>
    /// A change to how a unit answers (the guard's "change how a unit answers"): never by the unit itself; a new
    /// parent or vertical superior within the jurisdiction; province-direct standing, which makes the unit the
    /// province's, only by the province (省直管县: the province's administrative arrangement, not Art. 42).
    /// </summary>
    public async Task ChangeStandingAsync(string[] roles, string unitCode, bool touchesProvinceDirect, CancellationToken ct, params string?[] referenced)
    {
        await guard.ChangeStandingAsync(roles, unitCode, ct, referenced);
        if (touchesProvinceDirect) await guard.EnsureTopLevelAsync("change how a unit answers", ct);
    }

    /// <summary>
    /// A term that binds an existing leader references that person: every post the leader holds on
    /// <paramref name="today"/> (or, with none, the last one held) must lie within the caller's jurisdiction, so a
    /// county cannot seat the provincial secretary in its party committee (issue 11, "act on a unit").
    /// </summary>
    public async Task BindLeaderAsync(Guid leaderId, string leaderName, DateOnly today, CancellationToken ct)
    {
        var posts = await db.Terms.AsNoTracking().Where(t => t.LeaderId == leaderId && (t.EndsOn == null || t.EndsOn >= today))
            .Select(t => t.UnitCode).Distinct().ToListAsync(ct);
        if (posts.Count == 0)
            posts = await db.Terms.AsNoTracking().Where(t => t.LeaderId == leaderId).OrderByDescending(t => t.StartsOn).Select(t => t.UnitCode).Take(1).ToListAsync(ct);
        await guard.EnsurePostsWithinAsync("act on a unit", leaderName, posts, ct);
    }

    /// <summary>
    /// An import or feed batch: the role, and a province-level jurisdiction. An empty registry takes its first
    /// tree from an office or an operator whose jurisdiction that tree will hold (bootstrap).
    /// </summary>
    public async Task ImportAsync(string[] roles, CancellationToken ct)
    {
        guard.EnsureRole(roles);
        if (await guard.IsTopLevelAsync(ct)) return;
        if (!await db.Units.AnyAsync(ct)) return;
        throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.PermissionDenied,
            Say.T($"导入涉及整个单位树，须使用省级账号办理；您的账号属于 {Caller.Jurisdiction}。",
                $"Imports cover the whole tree: they need a province-level account, and yours is for {Caller.Jurisdiction}.")));
    }

    /// <summary>After a unit change: chains read before it may be wrong now.</summary>
    public void UnitsChanged() => chains.Forget();

    /// <summary>
    /// The paths of units below <paramref name="rootPath"/> that answer outside the caller's jurisdiction, with
    /// everything under them: a province-direct county under a city's statistics is the province's (省直管县: the province's administrative arrangement, not Art. 42).
    /// A province-level caller has none.
    /// </summary>
    public async Task<string[]> ForeignSubtreesAsync(string rootPath, CancellationToken ct)
    {
        if (await guard.IsTopLevelAsync(ct)) return [];
        var jurisdictionPath = await db.Units.AsNoTracking().Where(u => u.Code == Caller.Jurisdiction).Select(u => u.Path).FirstAsync(ct);
        var (below, before) = Units.SubtreeReader.Below(rootPath);
        var (inside, end) = Units.SubtreeReader.Below(jurisdictionPath);
        return [.. await db.Database.SqlQueryRaw<string>(
            """
            SELECT u.path AS "Value" FROM units u JOIN units a ON a.code = u.answers_to_code
            WHERE u.path > {0} AND u.path < {1} AND NOT (a.path = {2} OR (a.path > {3} AND a.path < {4}))
            """, below, before, jurisdictionPath, inside, end).ToListAsync(ct)];
    }
}
