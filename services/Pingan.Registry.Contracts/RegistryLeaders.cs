using Microsoft.Extensions.DependencyInjection;
using Api = Pingan.Registry.Api;

namespace Pingan.Registry.Contracts;

/// <summary>
/// Who held a leadership role of a unit on a day, as the registry records it, asked on the caller's token. For an
/// organ or a department, the unit's own holders; for a jurisdiction (province, city, county, township), the
/// holders in its party committee and government (党政领导班子, Art. 9-11). <see cref="InChargeAsync"/> answers "the
/// leader in charge" of Art. 10, 22 and 34: the in-charge terms for comprehensive management only (reading 6).
/// </summary>
public sealed class RegistryLeaders(Api.Units.UnitsClient units, Api.Leadership.LeadershipClient leadership)
{
    private static readonly Api.UnitKind[] Jurisdictions = [Api.UnitKind.Province, Api.UnitKind.City, Api.UnitKind.County, Api.UnitKind.Township];

    public Task<List<Api.Term>> HoldersAsync(string unitCode, Api.LeadershipRole role, DateOnly day, CancellationToken ct) =>
        HoldersAsync(unitCode, role, day, day, comprehensiveManagementOnly: false, ct);

    /// <summary>Reading 6 (Art. 10, 22, 34 "社会治安综合治理工作分管领导"): the in-charge leaders for comprehensive management, not every in-charge leader.</summary>
    public Task<List<Api.Term>> InChargeAsync(string unitCode, DateOnly day, CancellationToken ct) =>
        HoldersAsync(unitCode, Api.LeadershipRole.InCharge, day, day, comprehensiveManagementOnly: true, ct);

    /// <summary>
    /// Reading 4 (Art. 35 "挂牌督办期间 … 主要领导干部、主管领导干部、分管领导干部"): everyone who held the unit's principal or
    /// comprehensive-management in-charge role on any day from <paramref name="from"/> to <paramref name="to"/>, each
    /// term with its own dates, so a consumer tells who was disqualified on which day.
    /// </summary>
    public async Task<List<Api.Term>> AnswerableDuringAsync(string unitCode, DateOnly from, DateOnly to, CancellationToken ct) =>
        [.. await HoldersAsync(unitCode, Api.LeadershipRole.Principal, from, to, comprehensiveManagementOnly: false, ct),
            .. await HoldersAsync(unitCode, Api.LeadershipRole.InCharge, from, to, comprehensiveManagementOnly: true, ct)];

    private async Task<List<Api.Term>> HoldersAsync(string unitCode, Api.LeadershipRole role, DateOnly from, DateOnly to, bool comprehensiveManagementOnly, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(new Api.GetUnitRequest { Code = unitCode }, cancellationToken: ct);
        var holders = new List<string> { unitCode };
        if (Jurisdictions.Contains(unit.Kind))
        {
            // The jurisdiction's own party committee and government: organs take their jurisdiction's level, so
            // asking for that level leaves out the thousands of organs below; and every page is read (issue 12:
            // this once stopped silently at the first thousand).
            var request = new Api.ListDescendantsRequest
            {
                Code = unitCode, PageSize = 1000, Level = unit.Level, Kinds = { Api.UnitKind.PartyCommittee, Api.UnitKind.Government },
            };
            holders = [];
            do
            {
                var organs = await units.ListDescendantsAsync(request, cancellationToken: ct);
                holders.AddRange(organs.Units.Where(o => o.AnswersToCode == unitCode).Select(o => o.Code));
                request.PageToken = organs.NextPageToken;
            } while (request.PageToken.Length > 0);
        }
        var terms = new List<Api.Term>();
        foreach (var holder in holders)
            terms.AddRange((await leadership.ListHoldersAsync(new Api.ListHoldersRequest
            {
                UnitCode = holder, Role = role, AsOf = from.ToString("yyyy-MM-dd"), Until = to.ToString("yyyy-MM-dd"),
                ComprehensiveManagementOnly = comprehensiveManagementOnly,
            }, cancellationToken: ct)).Terms);
        return terms;
    }
}
