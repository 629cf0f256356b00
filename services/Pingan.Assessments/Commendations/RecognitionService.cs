using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Contracts;
using Pingan.Assessments.Persistence;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using static System.Net.WebUtility;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Commendations;

/// <summary>Art. 28 (the special award fund, recorded) and Art. 29 (the written priority-promotion recommendation).</summary>
public sealed class RecognitionService(
    AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, IAccountabilityChain chains, RegistryApi.Units.UnitsClient units,
    RegistryLeaders leaders, EligibilityCheck eligibility, IOutbox outbox, RequestLedger<AssessmentsDb> ledger) : Api.Recognition.RecognitionBase
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override Task<PromotionRecommendation> RecommendPromotion(RecommendPromotionRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => RecommendAsync(request, context));

    private async Task<PromotionRecommendation> RecommendAsync(RecommendPromotionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 29 "综治委…可向同级组织、人事部门书面提出": the commission, through its leader.
        await guard.ActOnUnitAsync([PinganRoles.CommissionLeader], request.RecommendingCode, ct, request.UnitCode);
        // Remote facts first: the commended unit is a city (or a county) within the level, the recipients exist, and
        // who holds its principal and comprehensive-management in-charge roles today.
        var chain = await chains.ChainAsync(request.UnitCode, ct) ?? throw new RequestValidationException("unit_code", Say.T($"单位 {request.UnitCode} 不存在", $"no unit {request.UnitCode}"));
        if (!chain.Contains(request.RecommendingCode))
            throw new RequestValidationException("unit_code", Say.T($"{request.UnitCode} 不在推荐单位 {request.RecommendingCode} 管辖范围内", $"{request.UnitCode} is not within {request.RecommendingCode}, the recommending level"));
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.UnitCode }, cancellationToken: ct);
        var wanted = request.Title == NationalTitle.NationalExcellentCity ? RegistryApi.UnitKind.City : RegistryApi.UnitKind.County;
        if (unit.Kind != wanted)
            throw new RequestValidationException("unit_code", Say.T($"{unit.Name} 的单位类型为 {unit.Kind}；{request.Title} 只授予 {wanted} 类型的单位", $"{unit.Name} is a {unit.Kind}; {request.Title} is conferred on a {wanted}"));
        for (var i = 0; i < request.Recipients.Count; i++)
            if (await chains.ChainAsync(request.Recipients[i], ct) is null) throw new RequestValidationException($"recipients[{i}]", Say.T($"单位 {request.Recipients[i]} 不存在", $"no unit {request.Recipients[i]}"));
        var today = time.Today();
        var terms = await leaders.AnswerableDuringAsync(request.UnitCode, today, today, ct);
        // Reading 16: a term's cadre authority is a party committee; the recommending commission is that committee's level's.
        var authorities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in terms.Select(t => t.CadreAuthorityCode).Where(c => c.Length > 0).Distinct())
            authorities[code] = (await chains.ChainAsync(code, ct)) is [_, var level, ..] ? level : "";
        var considered = new List<RecommendedLeader>();
        // Why each leader is left out, in Chinese, for the refusal when nobody is left (LeftOutBecause is stored, in English).
        var leftOutZh = new List<string>();
        foreach (var term in terms.DistinctBy(t => t.LeaderId))
        {
            var leader = new RecommendedLeader
            {
                LeaderId = term.LeaderId, Name = term.LeaderName, Title = term.Title, Role = term.Role == RegistryApi.LeadershipRole.Principal ? "PRINCIPAL" : "IN_CHARGE",
            };
            // Reading 16 ("按照干部管理权限"): the commission of the level whose party committee manages the cadre.
            if (authorities.GetValueOrDefault(term.CadreAuthorityCode) != request.RecommendingCode)
            {
                leader.LeftOutBecause = term.CadreAuthorityCode.Length == 0
                    ? "no cadre authority is recorded for the term"
                    : $"managed by {term.CadreAuthorityCode} (the level {authorities[term.CadreAuthorityCode]}), not {request.RecommendingCode}'s party committee: that level's commission recommends";
                leftOutZh.Add($"{leader.Name}：" + (term.CadreAuthorityCode.Length == 0
                    ? "该任职未登记干部管理权限"
                    : $"由 {term.CadreAuthorityCode} 管理（属 {authorities[term.CadreAuthorityCode]} 层级），不属于 {request.RecommendingCode} 党委管理：应由该层级的委员会推荐"));
            }
            else if ((await eligibility.CheckAsync(request.UnitCode, today.Year, today, Guid.Parse(term.LeaderId), ct))
                     .Where(r => r.Reason.StartsWith("LEADER_", StringComparison.Ordinal)).ToList() is { Count: > 0 } barred)
            {
                // Art. 35 ¶4: while a unit they answer for is listed, no promotion.
                leader.LeftOutBecause = string.Join("; ", barred.Select(b => $"{b.Detail} [{b.Reference}]"));
                leftOutZh.Add($"{leader.Name}：" + string.Join("；", barred.Select(b => $"{b.DetailZh} [{b.Reference}]")));
            }
            considered.Add(leader);
        }
        if (considered.All(l => l.LeftOutBecause.Length > 0))
            throw new DomainRuleException(considered.Count == 0
                ? Say.T($"{unit.Name} 目前没有登记在任的党政主要负责同志或分管综治工作的负责同志：没有可推荐的人选。",
                    $"{unit.Name} has no principal or comprehensive-management in-charge leader recorded today: nobody to recommend.")
                : Say.T($"{unit.Name} 的领导干部均不能由 {request.RecommendingCode} 推荐：" + string.Join("；", leftOutZh) + "。",
                    $"None of {unit.Name}'s leaders can be recommended by {request.RecommendingCode}: " + string.Join("; ", considered.Select(l => $"{l.Name}: {l.LeftOutBecause}"))));
        var now = time.GetUtcNow();
        var record = new PromotionRecommendationRecord
        {
            Id = Guid.CreateVersion7(now), RecommendingCode = request.RecommendingCode, UnitCode = unit.Code, UnitName = unit.Name, Title = request.Title,
            CommendedYear = request.CommendedYear, CommendationDocument = request.CommendationDocument.Trim(), Recipients = [.. request.Recipients.Distinct()],
            LeadersJson = JsonSerializer.Serialize(considered.Select(l => new LeaderRow(l.LeaderId, l.Name, l.Title, l.Role, l.LeftOutBecause)), Json),
            IssuedBy = guard.Caller.Subject, IssuedByName = guard.Caller.Name, IssuedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PromotionRecommendations.Add(record);
        outbox.Enqueue(new PromotionRecommended(record.Id, record.RecommendingCode, record.UnitCode, record.UnitName, TitleText(record.Title), record.CommendedYear,
            [.. considered.Where(l => l.LeftOutBecause.Length == 0).Select(l => Guid.Parse(l.LeaderId))], record.Recipients, ChinaTime.DateOf(now)));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"promotion-recommendation/{record.Id}", Detail: JsonSerializer.Serialize(new
        {
            record.UnitCode, title = record.Title.ToString(), record.CommendedYear, recommended = considered.Where(l => l.LeftOutBecause.Length == 0).Select(l => l.LeaderId),
            leftOut = considered.Where(l => l.LeftOutBecause.Length > 0).Select(l => new { l.LeaderId, l.LeftOutBecause }), record.Recipients, article = "Art. 29",
        })), ct);
        await tx.CommitAsync(ct);
        return ToApi(record);
    }

    public override async Task<PromotionRecommendationList> ListPromotionRecommendations(ListPromotionRecommendationsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBelowAsync(request.RecommendingCode, ct);
        var rows = await db.PromotionRecommendations.AsNoTracking()
            .Where(r => r.RecommendingCode == request.RecommendingCode && (request.Year == 0 || r.CommendedYear == request.Year))
            .OrderBy(r => r.IssuedAt).ToListAsync(ct);
        var list = new PromotionRecommendationList();
        list.Recommendations.AddRange(rows.Select(ToApi));
        return list;
    }

    public override async Task<Google.Api.HttpBody> GetPromotionRecommendationDocument(GetPromotionRecommendationRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(request.RecommendationId);
        var record = await db.PromotionRecommendations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (record is null) throw new RpcException(new Status(StatusCode.NotFound, Say.T($"优先提拔重用建议 {id} 不存在", $"no promotion recommendation {id}")));
        // The recommending level's record, about a unit below it: read by either and the levels above.
        await guard.ReadBusinessRecordAsync(record.UnitCode, ct, record.RecommendingCode);
        var recommending = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = record.RecommendingCode }, cancellationToken: ct);
        var html = RecommendationLetter(record, recommending.Name);
        return context.Attachment("text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), $"promotion-recommendation-{record.UnitCode}-{record.CommendedYear}", ".html");
    }

    public override Task<FundAward> RecordFundAward(RecordFundAwardRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => RecordAwardAsync(request, context));

    private async Task<FundAward> RecordAwardAsync(RecordFundAwardRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 28 "省财政设立…专项奖励经费": the province's office records its awards.
        guard.EnsureRole(PinganRoles.CommissionOffice);
        await guard.EnsureTopLevelAsync("record an award from the province's special fund (Art. 28)", ct);
        var chain = await chains.ChainAsync(request.UnitCode, ct) ?? throw new RequestValidationException("unit_code", Say.T($"单位 {request.UnitCode} 不存在", $"no unit {request.UnitCode}"));
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.UnitCode }, cancellationToken: ct);
        var now = time.GetUtcNow();
        var award = new FundAwardRecord
        {
            Id = Guid.CreateVersion7(now), Year = request.Year, UnitCode = unit.Code, UnitName = unit.Name, ScopeChain = [.. chain],
            Amount = decimal.Parse(request.Amount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), Purpose = request.Purpose.Trim(),
            Document = request.Document.Trim(), RecordedBy = guard.Caller.Subject, RecordedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.FundAwards.Add(award);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"fund-award/{award.Id}", Detail: JsonSerializer.Serialize(new
            { award.UnitCode, award.Year, award.Amount, award.Purpose, award.Document, article = "Art. 28" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(award);
    }

    public override async Task<FundAwardList> ListFundAwards(ListFundAwardsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var (year, code) = (request.Year, request.UnitCode);
        var rows = await db.FundAwards.AsNoTracking().Where(a => a.Year == year && a.ScopeChain.Contains(code)).OrderBy(a => a.UnitCode).ThenBy(a => a.RecordedAt).ToListAsync(ct);
        var list = new FundAwardList { Total = Yuan(rows.Sum(a => a.Amount)) };
        list.Awards.AddRange(rows.Select(ToApi));
        return list;
    }

    private sealed record LeaderRow(string LeaderId, string Name, string Title, string Role, string LeftOutBecause);

    private static string Yuan(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static FundAward ToApi(FundAwardRecord a) => new()
    {
        AwardId = a.Id.ToString(), Year = a.Year, UnitCode = a.UnitCode, UnitName = a.UnitName, Amount = Yuan(a.Amount), Purpose = a.Purpose, Document = a.Document,
        RecordedBy = a.RecordedBy, RecordedAt = a.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    private static PromotionRecommendation ToApi(PromotionRecommendationRecord r)
    {
        var api = new PromotionRecommendation
        {
            RecommendationId = r.Id.ToString(), RecommendingCode = r.RecommendingCode, UnitCode = r.UnitCode, UnitName = r.UnitName, Title = r.Title,
            CommendedYear = r.CommendedYear, CommendationDocument = r.CommendationDocument, IssuedBy = r.IssuedBy, IssuedAt = r.IssuedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        api.Recipients.AddRange(r.Recipients);
        api.Leaders.AddRange((JsonSerializer.Deserialize<List<LeaderRow>>(r.LeadersJson, Json) ?? [])
            .Select(l => new RecommendedLeader { LeaderId = l.LeaderId, Name = l.Name, Title = l.Title, Role = l.Role, LeftOutBecause = l.LeftOutBecause }));
        return api;
    }

    private static string TitleText(NationalTitle title) => title == NationalTitle.NationalExcellentCity ? "全国社会治安综合治理优秀市" : "全国平安建设先进县(市、区)";

    /// <summary>The written recommendation (Art. 29) as a printable letter.</summary>
    public static string RecommendationLetter(PromotionRecommendationRecord r, string recommendingName)
    {
        var recommended = ToApi(r).Leaders.Where(l => l.LeftOutBecause.Length == 0).ToList();
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>关于优先提拔重用的建议</title>")
            .Append("<style>body{font-family:serif;margin:3em;line-height:1.8}h1{text-align:center}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}</style></head><body>");
        b.Append("<h1>关于对").Append(HtmlEncode(r.UnitName)).Append("党政领导干部同等条件下优先提拔重用的建议</h1>");
        b.Append("<p>致:").Append(HtmlEncode(string.Join("、", r.Recipients))).Append("(同级组织、人事部门)</p>");
        b.Append("<p>").Append(HtmlEncode(r.UnitName)).Append("被评为").Append(r.CommendedYear).Append("年度").Append(HtmlEncode(TitleText(r.Title)))
            .Append("(").Append(HtmlEncode(r.CommendationDocument)).Append(")。根据《河南省社会治安综合治理领导责任制实施办法》第二十九条,按照干部管理权限,")
            .Append(HtmlEncode(recommendingName)).Append("社会治安综合治理委员会建议对下列同志在同等条件下优先提拔重用:</p>");
        b.Append("<table><tr><th>姓名</th><th>职务</th><th>职责</th></tr>");
        foreach (var l in recommended)
            b.Append("<tr><td>").Append(HtmlEncode(l.Name)).Append("</td><td>").Append(HtmlEncode(l.Title)).Append("</td><td>")
                .Append(l.Role == "PRINCIPAL" ? "党政主要负责同志" : "分管负责同志").Append("</td></tr>");
        b.Append("</table>");
        b.Append("<p>").Append(HtmlEncode(recommendingName)).Append("社会治安综合治理委员会<br>").Append(ChinaTime.DateOf(r.IssuedAt).ToString("yyyy年M月d日", CultureInfo.InvariantCulture))
            .Append("</p><p style=\"font-size:smaller\">签发:").Append(HtmlEncode(r.IssuedByName)).Append(";编号 ").Append(r.Id).Append("</p></body></html>");
        return b.ToString();
    }
}
