using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Security;

namespace Pingan.Assessments.Commendations;

public sealed record Ineligible(string Reason, string Reference, string Detail)
{
    /// <summary>
    /// The detail in Chinese, for a refusal a person reads in Chinese (Say): not stored, nor answered by the API, which
    /// keep <see cref="Detail"/>.
    /// </summary>
    public string DetailZh { get; init; } = Detail;
}

/// <summary>
/// Whether a unit, or a leader of it, may be commended (reading 14, docs/regulation/commendations.md): no listing in
/// force on the day (Art. 35 ¶4), no veto decided in the year, no 不合格 in the year's approved results; a leader is
/// also ineligible while a unit they answer for (principal or comprehensive-management in charge, reading 4) or were
/// named responsible for is listed, and in a year a unit they answered for was vetoed.
/// </summary>
public sealed class EligibilityCheck(AssessmentsDb db, RegistryLeaders leaders, JurisdictionGuard guard)
{
    /// <summary>Who answered for a unit over some days, as read from the registry once per request (several leaders are checked in one).</summary>
    private readonly Dictionary<(string Unit, DateOnly From, DateOnly To), HashSet<string>> _answerable = [];

    /// <summary>The unit's scores of the year in assessments its level's leader approved.</summary>
    public static IQueryable<Scoring.UnitScore> ApprovedScores(AssessmentsDb db, string unitCode, int year) =>
        from s in db.Scores.AsNoTracking()
        join r in db.Rounds.AsNoTracking() on new { s.Year, s.AssessingCode } equals new { r.Year, r.AssessingCode }
        where s.Year == year && s.UnitCode == unitCode && r.ApprovedAt != null
        select s;

    public async Task<List<Ineligible>> CheckAsync(string unitCode, int year, DateOnly day, Guid? leaderId, CancellationToken ct)
    {
        var reasons = new List<Ineligible>();
        var listings = (await db.Disqualifications.AsNoTracking().Where(d => d.StartsOn != null && d.StartsOn <= day && (d.EndsOn == null || d.EndsOn >= day))
            .ToListAsync(ct)).OrderBy(d => d.UnitCode, StringComparer.Ordinal).ToList();
        foreach (var listing in listings.Where(l => l.UnitCode == unitCode))
            reasons.Add(new("LISTED", $"sanctions/case/{listing.CaseId}", $"{unitCode} is under listed supervision since {listing.StartsOn:yyyy-MM-dd} (Art. 35 ¶4)")
                { DetailZh = $"{unitCode} 自 {listing.StartsOn:yyyy-MM-dd} 起被挂牌督办（第三十五条第四款）" });
        var vetoes = await db.Inputs.AsNoTracking().Where(i => i.Year == year && i.Source == Source.SanctionCases && i.Kind == "veto")
            .OrderBy(i => i.UnitCode).ToListAsync(ct);
        foreach (var veto in vetoes.Where(v => v.UnitCode == unitCode))
            reasons.Add(new("VETOED", veto.Reference, $"{unitCode} was vetoed on {veto.On:yyyy-MM-dd} (Art. 37)")
                { DetailZh = $"{unitCode} 于 {veto.On:yyyy-MM-dd} 被一票否决（第三十七条）" });
        var failed = await ApprovedScores(db, unitCode, year).ToListAsync(ct);
        foreach (var score in failed.Where(s => s.Grade == Grade.Fail))
            reasons.Add(new("FAILED_ASSESSMENT", $"assessment/{score.AssessingCode}/{year}/{unitCode}", $"{unitCode} was graded 不合格 in {year} (Art. 20)")
                { DetailZh = $"{unitCode} {year} 年度考核等次为不合格（第二十条）" });
        if (leaderId is not { } leader) return reasons;

        var id = leader.ToString();
        foreach (var listing in listings)
        {
            if (listing.LeaderIds.Contains(leader) || await AnswersForAsync(listing.UnitCode, day, day, id, ct))
                reasons.Add(new("LEADER_LISTED", $"sanctions/case/{listing.CaseId}",
                    $"the leader answers for {listing.UnitCode}, under listed supervision since {listing.StartsOn:yyyy-MM-dd} (Art. 35 ¶4)")
                    { DetailZh = $"该领导干部对 {listing.UnitCode} 负有领导责任，该单位自 {listing.StartsOn:yyyy-MM-dd} 起被挂牌督办（第三十五条第四款）" });
        }
        var yearEnd = new DateOnly(year, 12, 31);
        foreach (var veto in vetoes)
            if (await AnswersForAsync(veto.UnitCode, new DateOnly(year, 1, 1), day < yearEnd ? day : yearEnd, id, ct))
                reasons.Add(new("LEADER_VETOED", veto.Reference, $"the leader answered for {veto.UnitCode} in {year}, vetoed on {veto.On:yyyy-MM-dd}")
                    { DetailZh = $"该领导干部 {year} 年度对 {veto.UnitCode} 负有领导责任，该单位于 {veto.On:yyyy-MM-dd} 被一票否决" });
        return reasons;
    }

    /// <summary>
    /// Whether the leader held the unit's principal or comprehensive-management in-charge role within the days, as the
    /// registry shows the caller. A unit outside the caller's jurisdiction is not asked: there only the leaders the
    /// sanctions service named count (reading 14).
    /// </summary>
    private async Task<bool> AnswersForAsync(string unitCode, DateOnly from, DateOnly to, string leaderId, CancellationToken ct)
    {
        if (from > to || !await guard.IsWithinAsync(unitCode, ct)) return false;
        if (!_answerable.TryGetValue((unitCode, from, to), out var answerable))
        {
            try
            {
                answerable = [.. (await leaders.AnswerableDuringAsync(unitCode, from, to, ct)).Select(t => t.LeaderId)];
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
            {
                answerable = [];
            }
            _answerable[(unitCode, from, to)] = answerable;
        }
        return answerable.Contains(leaderId);
    }

    public static Api.Eligibility ToApi(string unitCode, DateOnly day, Guid? leaderId, IEnumerable<Ineligible> reasons)
    {
        var api = new Api.Eligibility { UnitCode = unitCode, On = day.ToString("yyyy-MM-dd"), LeaderId = leaderId?.ToString() ?? "" };
        api.Reasons.AddRange(reasons.Select(r => new Ineligibility { Reason = r.Reason, Reference = r.Reference, Detail = r.Detail }));
        api.Eligible = api.Reasons.Count == 0;
        return api;
    }
}
