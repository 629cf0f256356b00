using Grpc.Core;

namespace Pingan.Security;

/// <summary>
/// Whom a unit answers to, up to the root: the unit itself, its jurisdiction, that jurisdiction's superior...
/// (answers_to, not the statistical parent: a province-direct county is the province's, not its city's).
/// The registry answers from its own tables; other services ask the registry.
/// </summary>
public interface IAccountabilityChain
{
    /// <summary>The codes from the unit up to the root, or null for a unit that does not exist.</summary>
    Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct);
}

/// <summary>
/// Every read and write checks its target against the caller's jurisdiction: a unit is within it when the
/// jurisdiction is on the unit's accountability chain. A county's staff see their county and what answers to
/// it, and nothing else.
/// </summary>
public sealed class JurisdictionGuard(CallerAccessor callers, IAccountabilityChain chains)
{
    public Caller Caller => callers.Current;

    /// <summary>PermissionDenied unless <paramref name="unitCode"/> lies within the caller's jurisdiction (or is unknown: then the handler's NotFound stands).</summary>
    public async Task EnsureWithinAsync(string unitCode, CancellationToken ct)
    {
        var caller = Caller;
        if ((await EnsureJurisdictionExistsAsync(caller, ct)).Count == 1) return; // the root: the registry holds one tree, all of it the root's
        var chain = await chains.ChainAsync(unitCode, ct);
        if (chain is null) return;
        if (!chain.Contains(caller.Jurisdiction))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{unitCode} is outside your jurisdiction ({caller.Jurisdiction})."));
    }

    /// <summary>
    /// PermissionDenied unless the unit is within the caller's jurisdiction or is one of those the jurisdiction
    /// answers to: a county's staff may read their city and province (whom they report to), not a sibling county.
    /// </summary>
    public async Task EnsureVisibleAsync(string unitCode, CancellationToken ct)
    {
        var caller = Caller;
        var own = await EnsureJurisdictionExistsAsync(caller, ct);
        if (own.Count == 1 || own.Contains(unitCode)) return;
        var chain = await chains.ChainAsync(unitCode, ct);
        if (chain is not null && !chain.Contains(caller.Jurisdiction))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{unitCode} is outside your jurisdiction ({caller.Jurisdiction})."));
    }

    /// <summary>Within the caller's jurisdiction or above it (see <see cref="EnsureVisibleAsync"/>), without throwing.</summary>
    public async Task<bool> IsVisibleAsync(string unitCode, CancellationToken ct)
    {
        var own = await chains.ChainAsync(Caller.Jurisdiction, ct);
        if (own is null) return false;
        if (own.Contains(unitCode)) return true;
        var chain = await chains.ChainAsync(unitCode, ct);
        // The root sees every unit there is, and no unit that is not.
        return chain is not null && (own.Count == 1 || chain.Contains(Caller.Jurisdiction));
    }

    /// <summary>A read of one unit's data: any platform role, for a unit within the jurisdiction or one it answers to.</summary>
    public async Task EnsureCanReadAsync(string unitCode, CancellationToken ct)
    {
        EnsureRole();
        await EnsureVisibleAsync(unitCode, ct);
    }

    /// <summary>A read of what lies below a unit (a subtree, a cascade of letters): any platform role, for a unit within the jurisdiction.</summary>
    public async Task EnsureCanReadBelowAsync(string unitCode, CancellationToken ct)
    {
        EnsureRole();
        await EnsureWithinAsync(unitCode, ct);
    }

    /// <summary>Whether the caller's jurisdiction answers to nobody: the province, which sees the whole tree.</summary>
    public async Task<bool> IsTopLevelAsync(CancellationToken ct) =>
        (await chains.ChainAsync(Caller.Jurisdiction, ct))?.Count == 1;

    /// <summary>PermissionDenied unless the caller holds one of <paramref name="roles"/>; with none given, any platform role will do.</summary>
    public void EnsureRole(params string[] roles)
    {
        if (roles.Length == 0 ? Caller.Roles.Count == 0 : !Caller.HasAnyRole(roles))
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"This needs one of the roles {string.Join(", ", roles)}."));
    }

    /// <summary>
    /// PermissionDenied unless the caller is the unit's own staff: its jurisdiction's accounts, or the accounts of the
    /// unit itself (a department). For what a unit answers for itself, which the level above must not file for it.
    /// </summary>
    public void EnsureActsFor(string unitCode)
    {
        if (Caller.Jurisdiction != unitCode && Caller.Unit != unitCode)
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Only {unitCode}'s own staff may do this; you act for {Caller.Unit ?? Caller.Jurisdiction}."));
    }

    /// <summary>A token naming a jurisdiction the registry does not know is refused outright.</summary>
    private async Task<IReadOnlyList<string>> EnsureJurisdictionExistsAsync(Caller caller, CancellationToken ct) =>
        await chains.ChainAsync(caller.Jurisdiction, ct)
        ?? throw new RpcException(new Status(StatusCode.PermissionDenied, $"Your token names jurisdiction {caller.Jurisdiction}, which does not exist."));
}
