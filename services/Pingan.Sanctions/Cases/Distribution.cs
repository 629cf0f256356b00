using Pingan.Registry.Contracts;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Sanctions.Cases;

/// <summary>One addressee of a decision (Art. 33-35 "通报…抄送…").</summary>
public sealed class DistributionEntry
{
    public Guid CaseId { get; set; }
    public int Round { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public required string Role { get; set; }
    public bool Copy { get; set; }
}

/// <summary>
/// Who a decision goes to, read from the registry on the deciding commission's token as of the decision date:
/// the commissions of the jurisdictions one level below the deciding body and its commission's member units (sent
/// to), the party committee with cadre authority over the subject's principal leaders or, for a vertical system's
/// unit, its superior department (copied to); for a listing also the discipline, supervision, organisation and
/// personnel units that sat on the joint meeting (copied to, Art. 35).
/// </summary>
public sealed class DistributionList(RegistryApi.Units.UnitsClient units, RegistryApi.Commissions.CommissionsClient commissions, RegistryLeaders leaders)
{
    private static readonly RegistryApi.UnitKind[] Jurisdictions = [RegistryApi.UnitKind.City, RegistryApi.UnitKind.County, RegistryApi.UnitKind.Township];

    public async Task<List<DistributionEntry>> ForAsync(SanctionCase c, string body, DateOnly decidedOn, IEnumerable<(string Code, string Name)> meetingUnits, CancellationToken ct)
    {
        var entries = new List<DistributionEntry>();
        void Add(string code, string name, string role, bool copy)
        {
            if (entries.All(e => e.UnitCode != code)) entries.Add(new DistributionEntry { CaseId = c.Id, Round = c.Round, UnitCode = code, UnitName = name, Role = role, Copy = copy });
        }

        var request = new RegistryApi.ListDescendantsRequest { Code = body, PageSize = 1000, Kinds = { Jurisdictions } };
        do
        {
            var page = await units.ListDescendantsAsync(request, cancellationToken: ct);
            foreach (var u in page.Units.Where(u => u.AnswersToCode == body)) Add(u.Code, u.Name, "LOWER_COMMISSION", copy: false);
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);

        try
        {
            var commission = await commissions.GetCommissionAsync(new RegistryApi.GetCommissionRequest { JurisdictionCode = body, AsOf = decidedOn.ToString("yyyy-MM-dd") }, cancellationToken: ct);
            foreach (var m in commission.MemberUnits) Add(m.UnitCode, m.UnitName, "MEMBER_UNIT", copy: false);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            // No commission recorded for the body yet: the lower levels still get it.
        }

        var subject = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = c.SubjectCode }, cancellationToken: ct);
        if (subject.VerticalSuperiorCode.Length > 0)
        {
            var superior = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = subject.VerticalSuperiorCode }, cancellationToken: ct);
            Add(superior.Code, superior.Name, "VERTICAL_SUPERIOR", copy: true);
        }
        foreach (var authority in (await leaders.HoldersAsync(c.SubjectCode, RegistryApi.LeadershipRole.Principal, c.IncidentOn, ct))
                     .Select(t => t.CadreAuthorityCode).Where(a => a.Length > 0).Distinct())
        {
            var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = authority }, cancellationToken: ct);
            Add(unit.Code, unit.Name, "CADRE_AUTHORITY", copy: true);
        }
        foreach (var (code, name) in meetingUnits) Add(code, name, "DISCIPLINE_AND_PERSONNEL", copy: true);
        return entries;
    }
}
