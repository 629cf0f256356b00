using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Inspections.Inspections;

/// <summary>
/// Who sees an inspection, one rule for gets, lists and evidence (issue 13). A covert inspection (暗访) before it
/// completes exists only for its insiders: the office of the inspecting commission and the members of its team; and
/// not even for them when their own unit or jurisdiction is a target or lies within one (the inspected unit's own office
/// holding every role sees nothing). Everyone else gets "no such inspection", as for an id that does not exist. Once
/// visible, an inspection is a business record of its targets and of the inspecting body: readable where one of them
/// is within the caller's jurisdiction, and its findings and evidence row by row, each by its own target.
/// </summary>
public sealed class InspectionAccess(JurisdictionGuard guard, IAccountabilityChain chains)
{
    public Caller Caller => guard.Caller;

    /// <summary>The office of the inspecting commission, or a member of the team: the account the plan names, acting as an inspector.</summary>
    public bool IsInsider(Inspection i) =>
        IsOffice(i) || (Caller.HasAnyRole(PinganRoles.Inspector) && Caller.Subject.Length > 0 && i.TeamSubjects.Contains(Caller.Subject));

    public bool IsOffice(Inspection i) => Caller.HasAnyRole(PinganRoles.CommissionOffice) && Caller.Jurisdiction == i.InspectingCode;

    /// <summary>The caller's jurisdiction and unit with all they answer to: a covert inspection of any of these is hidden from them.</summary>
    public async Task<string[]> OwnChainsAsync(CancellationToken ct)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in new[] { Caller.Jurisdiction, Caller.Unit })
            if (!string.IsNullOrEmpty(code) && await chains.ChainAsync(code, ct) is { } chain) codes.UnionWith(chain);
        return [.. codes];
    }

    /// <summary>Whether the inspection exists for the caller at all (the covert rule).</summary>
    public async Task<bool> MaySeeAsync(Inspection i, CancellationToken ct)
    {
        if (!i.Secret) return true;
        if (!IsInsider(i)) return false;
        var own = await OwnChainsAsync(ct);
        return !i.TargetCodes.Any(own.Contains);
    }

    /// <summary>NotFound unless the caller may see it; PermissionDenied unless it is a business record within their jurisdiction.</summary>
    public async Task EnsureReadableAsync(Inspection i, CancellationToken ct)
    {
        if (!await MaySeeAsync(i, ct)) throw NotFound(i.Id.ToString());
        if (IsInsider(i)) return;
        await guard.ReadBusinessRecordAsync(i.TargetCodes[0], ct, [i.InspectingCode, .. i.TargetCodes.Skip(1)]);
    }

    /// <summary>A finding or a file about <paramref name="targetCode"/>: insiders read all; others only their own targets' (never a sibling's).</summary>
    public async Task<bool> MayReadAboutAsync(Inspection i, string targetCode, CancellationToken ct) =>
        IsInsider(i) || await guard.MayReadBusinessRecordAsync(targetCode, ct, i.InspectingCode);

    public static NotFoundException NotFound(string id) => new(Say.T($"督导检查 {id} 不存在。", $"No inspection {id}."));
}
