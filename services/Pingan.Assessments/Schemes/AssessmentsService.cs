using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Audit;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using Pingan.Assessments.Contracts;
using Pingan.Messaging;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Schemes;

/// <summary>The year's assessment of an assessing level (Art. 20, 21). Opening it freezes the scheme (Art. 19).</summary>
public sealed class AssessmentsService(AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, RegistryApi.Units.UnitsClient units,
    IAccountabilityChain chains, IOutbox outbox) : Api.Assessments.AssessmentsBase
{
    public override async Task<Ranking> ScoreAssessment(ScoreAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        // Remote facts first: the units the level assesses, those answering to it directly (Art. 20 "本地部门单位" and the level below).
        var assessed = await AssessedUnitsAsync(request.AssessingCode, ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        var round = await OpenRoundAsync(request.AssessingCode, request.Year, ct);
        EnsureNotApproved(round);
        var codes = assessed.Select(u => u.Code).ToArray();
        var year = request.Year;
        var inputs = (await db.Inputs.AsNoTracking().Where(i => i.Year == year && codes.Contains(i.UnitCode)).ToListAsync(ct)).ToLookup(i => i.UnitCode);
        var surveys = await db.Surveys.AsNoTracking().Where(s => s.Year == year && codes.Contains(s.UnitCode)).ToDictionaryAsync(s => s.UnitCode, ct);
        // Reading 20: the listings in force on some day of the year (the sanctions service's disqualification windows).
        var (yearStart, yearEnd) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var listings = (await db.Disqualifications.AsNoTracking()
                .Where(d => codes.Contains(d.UnitCode) && d.StartsOn != null && d.StartsOn <= yearEnd && (d.EndsOn == null || d.EndsOn >= yearStart))
                .Select(d => new { d.UnitCode, d.CaseId }).ToListAsync(ct))
            .ToLookup(d => d.UnitCode, d => $"sanctions/case/{d.CaseId}/listing");
        await db.Scores.Where(x => x.Year == year && x.AssessingCode == request.AssessingCode).ExecuteDeleteAsync(ct);
        var results = assessed.Select(u => Scoring.Scorer.Score(scheme!, u.Code, u.Name, [.. inputs[u.Code].OrderBy(i => i.Reference, StringComparer.Ordinal)], surveys.GetValueOrDefault(u.Code),
            [.. listings[u.Code].Order(StringComparer.Ordinal)])).ToList();
        db.Scores.AddRange(results.Select(r => new Scoring.UnitScore
        {
            Year = year, AssessingCode = request.AssessingCode, UnitCode = r.UnitCode, Total = (decimal)r.Total, ProposedGrade = r.ProposedGrade,
            Result = r.ToByteArray(), ScoredAt = now, ScoredBy = guard.Caller.Subject,
        }));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{request.AssessingCode}/{year}", Detail: JsonSerializer.Serialize(new
        {
            units = results.Count, grades = results.GroupBy(r => r.ProposedGrade.ToString()).ToDictionary(g => g.Key, g => g.Count()), article = "Art. 20",
        })), ct);
        await tx.CommitAsync(ct);
        foreach (var r in results) r.Grade = r.ProposedGrade;
        return Rank(request.AssessingCode, year, now, results);
    }

    public override async Task<Input> RecordAssessorScore(RecordAssessorScoreRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's assessment team or office, of a unit the level assesses.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice, PinganRoles.Inspector], request.AssessingCode, ct, request.UnitCode);
        var chain = await chains.ChainAsync(request.UnitCode, ct) ?? throw new RequestValidationException("unit_code", Say.T($"单位 {request.UnitCode} 不存在", $"no unit {request.UnitCode}"));
        if (chain.Count < 2 || chain[1] != request.AssessingCode)
            throw new RequestValidationException("unit_code", Say.T($"不由 {request.AssessingCode} 考核：该单位不直接向其负责", $"is not assessed by {request.AssessingCode}: it does not answer to it directly"));
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        EnsureNotApproved(await OpenRoundAsync(request.AssessingCode, request.Year, ct));
        var indicator = scheme!.Indicators().FirstOrDefault(i => i.Code == request.IndicatorCode && i.Source == Source.Assessor)
            ?? throw new RequestValidationException("indicator_code", Say.T($"不是 {request.Year} 年度考核方案中的 ASSESSOR 考核指标", $"is not an ASSESSOR indicator of the {request.Year} scheme"));
        var points = Points.Tenths(request.Points);
        if (points > indicator.Weight) throw new RequestValidationException("points", Say.T($"不得超过该考核指标的权重（{indicator.Weight.ToString(CultureInfo.InvariantCulture)}）", $"must be at most the indicator's weight, {indicator.Weight.ToString(CultureInfo.InvariantCulture)}"));
        var reference = $"assessor/{request.AssessingCode}/{request.Year}/{request.UnitCode}/{indicator.Code}";
        var detail = $"{request.Reasons.Trim()} (evidence: {string.Join("; ", request.Evidence.Select(e => e.Trim()))})";
        var input = await db.Inputs.FirstOrDefaultAsync(i => i.Reference == reference, ct);
        if (input is null)
            db.Inputs.Add(input = new Inputs.AssessmentInput { Reference = reference, UnitCode = request.UnitCode, Kind = indicator.Code, Producer = "assessments" });
        (input.Year, input.Source, input.Value, input.On, input.ReceivedAt, input.Detail) = (request.Year, Source.Assessor, points, time.Today(), now, detail);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, reference, Detail: JsonSerializer.Serialize(new
            { request.UnitCode, indicator = indicator.Code, points, reasons = request.Reasons.Trim(), evidence = request.Evidence })), ct);
        await tx.CommitAsync(ct);
        return new Input
        {
            Reference = reference, Source = Source.Assessor, Kind = indicator.Code, Value = (double)points, On = input.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Producer = "assessments", Detail = detail,
        };
    }

    public override async Task<AssessmentRound> GetAssessment(GetAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's record, as its ranking: read by it and the levels above.
        await guard.ReadBelowAsync(request.AssessingCode, ct);
        var round = await db.Rounds.AsNoTracking().FirstOrDefaultAsync(r => r.Year == request.Year && r.AssessingCode == request.AssessingCode, ct);
        // Not opened: the year and level alone, as the ranking answers none scored.
        if (round is null) return new AssessmentRound { Year = request.Year, AssessingCode = request.AssessingCode };
        var scheme = await db.Schemes.AsNoTracking().SingleAsync(s => s.Year == request.Year && s.AssessingCode == request.AssessingCode, ct);
        return ToApi(round, scheme);
    }

    public override async Task<Ranking> GetRanking(GetRankingRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The whole ranking is the assessing level's record: read by it and the levels above, never by those it ranks.
        await guard.ReadBelowAsync(request.AssessingCode, ct);
        var (year, code) = (request.Year, request.AssessingCode);
        var rows = await db.Scores.AsNoTracking().Where(x => x.Year == year && x.AssessingCode == code).ToListAsync(ct);
        return Rank(code, year, rows.Count == 0 ? null : rows.Max(r => r.ScoredAt), [.. rows.Select(r => r.View())]);
    }

    /// <summary>Best first; equal totals share a rank (1, 2, 2, 4) and are flagged; ties in order of unit code.</summary>
    private static Ranking Rank(string assessingCode, int year, DateTimeOffset? scoredAt, IReadOnlyList<UnitResult> results)
    {
        var ranking = new Ranking { Year = year, AssessingCode = assessingCode, ScoredAt = scoredAt?.ToString("O", CultureInfo.InvariantCulture) ?? "" };
        // The results are the caller's own (parsed for this answer), so they are ranked in place.
        var ordered = results.OrderByDescending(r => r.Total).ThenBy(r => r.UnitCode, StringComparer.Ordinal).ToList();
        var shared = ordered.CountBy(r => r.Total).Where(c => c.Value > 1).Select(c => c.Key).ToHashSet();
        for (var i = 0; i < ordered.Count; i++)
        {
            var r = ordered[i];
            r.Rank = i > 0 && ordered[i - 1].Total == r.Total ? ordered[i - 1].Rank : i + 1;
            r.Tied = shared.Contains(r.Total);
            ranking.Units.Add(r);
        }
        return ranking;
    }

    private async Task<List<RegistryApi.Unit>> AssessedUnitsAsync(string assessingCode, CancellationToken ct)
    {
        var assessed = new List<RegistryApi.Unit>();
        var request = new RegistryApi.ListDescendantsRequest { Code = assessingCode, PageSize = 1000 };
        do
        {
            var page = await units.ListDescendantsAsync(request, cancellationToken: ct);
            // Not the level's own party committee and government: the commission reports to them (Art. 20 ¶2), it does not grade them.
            assessed.AddRange(page.Units.Where(u => u.AnswersToCode == assessingCode && u.DissolvedOn.Length == 0
                && u.Kind is not (RegistryApi.UnitKind.PartyCommittee or RegistryApi.UnitKind.Government)));
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        return assessed;
    }

    public override async Task<AssessmentRound> OpenAssessment(OpenAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        var today = time.Today();
        // Art. 20 "每年年底之前": the year's own, or last year's if it was not opened before the year turned.
        if (request.Year > today.Year || request.Year < today.Year - 1)
            throw new RequestValidationException("year", Say.T($"必须是 {today.Year} 或 {today.Year - 1}：考核的是即将结束的年度", $"must be {today.Year} or {today.Year - 1}: an assessment is of the year ending"));
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        if (scheme?.FrozenAt is { } opened)
            throw new DomainRuleException(Say.T($"{request.AssessingCode} 的 {request.Year} 年度考核已于 {ChinaTime.DateOf(opened):yyyy-MM-dd} 开始。",
                $"The {request.Year} assessment of {request.AssessingCode} opened on {ChinaTime.DateOf(opened):yyyy-MM-dd}."));
        if (scheme is null) db.Schemes.Add(scheme = SchemesService.StoredDefault(request.Year, request.AssessingCode, now));
        scheme.FrozenAt = now;
        scheme.FrozenBy = guard.Caller.Subject;
        var round = new YearAssessment { Year = request.Year, AssessingCode = request.AssessingCode, OpenedAt = now, OpenedBy = guard.Caller.Subject };
        db.Rounds.Add(round);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{request.AssessingCode}/{request.Year}",
            Detail: JsonSerializer.Serialize(new { scheme = scheme.SetBy == "platform default" ? "default" : "set", scheme.ExcellentFrom, scheme.PassFrom, article = "Art. 19, 20" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(round, scheme);
    }

    public override async Task<UnitResult> AdjustGrade(AdjustGradeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct, request.UnitCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        EnsureNotApproved(await OpenRoundAsync(request.AssessingCode, request.Year, ct));
        var score = await db.Scores.FirstOrDefaultAsync(x => x.Year == request.Year && x.AssessingCode == request.AssessingCode && x.UnitCode == request.UnitCode, ct)
            ?? throw new RequestValidationException("unit_code", Say.T($"在 {request.AssessingCode} 的 {request.Year} 年度考核中尚无得分：请先对考核进行评分", $"has no score in the {request.Year} assessment of {request.AssessingCode}: score the assessment first"));
        var from = score.Grade;
        // Reading 20 (Art. 35 ¶4): a unit listed in the year is not 优秀, whatever the office thinks of its work.
        if (request.Grade == Grade.Excellent && score.View().Listed)
            throw new DomainRuleException(Say.T($"{request.UnitCode} 在 {request.Year} 年度曾被挂牌督办，不得评为优秀（第三十五条第四款；适用口径第 20 项）。",
                $"{request.UnitCode} was under listed supervision in {request.Year}: it cannot be graded 优秀 (Art. 35 ¶4, reading 20)."));
        (score.AdjustedGrade, score.AdjustmentReasons, score.AdjustedBy) = (request.Grade == score.ProposedGrade ? null : request.Grade, request.Reasons.Trim(), guard.Caller.Subject);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{request.AssessingCode}/{request.Year}/{request.UnitCode}", Detail: JsonSerializer.Serialize(new
            { proposed = score.ProposedGrade.ToString(), from = from.ToString(), to = request.Grade.ToString(), reasons = score.AdjustmentReasons })), ct);
        await tx.CommitAsync(ct);
        return score.View();
    }

    public override async Task<AssessmentRound> ApproveAssessment(ApproveAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Art. 20: the commission approves, through its leader; an office account does not.
        await guard.ActOnUnitAsync([PinganRoles.CommissionLeader], request.AssessingCode, ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        var round = await OpenRoundAsync(request.AssessingCode, request.Year, ct);
        EnsureNotApproved(round);
        var (year, code) = (request.Year, request.AssessingCode);
        var grades = await db.Scores.Where(x => x.Year == year && x.AssessingCode == code).ToListAsync(ct);
        if (grades.Count == 0)
            throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核尚无评分结果，无从审定：请先评分。", $"The {year} assessment of {code} has no scores to approve: score it first."));
        // Reading 20: a listing that arrived after the scoring still bars a 优秀; the office scores again first.
        var excellent = grades.Where(g => g.Grade == Grade.Excellent).Select(g => g.UnitCode).ToList();
        var (yearStart, yearEnd) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var listed = await db.Disqualifications.AsNoTracking()
            .Where(d => excellent.Contains(d.UnitCode) && d.StartsOn != null && d.StartsOn <= yearEnd && (d.EndsOn == null || d.EndsOn >= yearStart))
            .Select(d => d.UnitCode).Distinct().OrderBy(u => u).ToListAsync(ct);
        if (listed.Count > 0)
            throw new DomainRuleException(Say.T($"{string.Join("、", listed)} 被评为优秀，但在 {year} 年度曾被挂牌督办（第三十五条第四款；适用口径第 20 项）：请先重新评分。",
                $"{string.Join(", ", listed)} graded 优秀 but under listed supervision in {year} (Art. 35 ¶4, reading 20): score the assessment again first."));
        (round.ApprovedAt, round.ApprovedBy) = (now, guard.Caller.Subject);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{code}/{year}", Detail: JsonSerializer.Serialize(new
            { units = grades.Count, grades = grades.GroupBy(g => g.Grade.ToString()).ToDictionary(g => g.Key, g => g.Count()), article = "Art. 20" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(round, scheme!);
    }

    public override async Task<AssessmentRound> PublishAssessment(PublishAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        var (year, code) = (request.Year, request.AssessingCode);
        // Remote facts first: each failed unit's chain for the sanctions service, and that every recipient exists.
        var standing = await db.Scores.AsNoTracking().Where(x => x.Year == year && x.AssessingCode == code).ToListAsync(ct);
        var chainsOf = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var score in standing.Where(s => Clause8(s, s.View())))
            chainsOf[score.UnitCode] = await chains.ChainAsync(score.UnitCode, ct) ?? [score.UnitCode];
        for (var i = 0; i < request.Distribution.Count; i++)
            if (await chains.ChainAsync(request.Distribution[i], ct) is null) throw new RequestValidationException($"distribution[{i}]", Say.T($"单位 {request.Distribution[i]} 不存在", $"no unit {request.Distribution[i]}"));
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, code, year, ct);
        var round = await OpenRoundAsync(code, year, ct);
        if (round.ApprovedAt is null)
            throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核尚未审定：须经委员会领导审定后方可通报。",
                $"The {year} assessment of {code} is not approved: the commission's leader approves it before it is published."));
        if (round.PublishedAt is { } published)
            throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核已于 {ChinaTime.DateOf(published):yyyy-MM-dd} 通报。",
                $"The {year} assessment of {code} was published on {ChinaTime.DateOf(published):yyyy-MM-dd}."));
        (round.PublishedAt, round.PublishedBy, round.Distribution) = (now, guard.Caller.Subject, [.. request.Distribution.Distinct()]);
        var scores = await db.Scores.AsNoTracking().Where(x => x.Year == year && x.AssessingCode == code).ToListAsync(ct);
        var targetsUnmet = 0;
        foreach (var score in scores)
        {
            var view = score.View();
            targetsUnmet += view.TargetsUnmet ? 1 : 0;
            outbox.Enqueue(new AssessmentPublished(year, code, score.UnitCode, view.UnitName, score.Grade.ToString(), score.Total, view.Vetoed, now));
            // Art. 31(8): a 不合格 grade, or the year's targets not completed (reading 15), is a situation the sanctions
            // service registers for the competent office to verify.
            if (Clause8(score, view))
                outbox.Enqueue(new AssessmentFailed(year, code, score.UnitCode, view.UnitName, chainsOf.GetValueOrDefault(score.UnitCode) ?? [score.UnitCode], score.Total,
                    Clause8Reasons(score, view, scheme!), ChinaTime.DateOf(now), guard.Caller.Subject));
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{code}/{year}", Detail: JsonSerializer.Serialize(new
            { units = scores.Count, failed = scores.Count(x => x.Grade == Grade.Fail), targetsUnmet, distribution = round.Distribution, article = "Art. 20, 31(8)" })), ct);
        await tx.CommitAsync(ct);
        return ToApi(round, scheme!);
    }

    public override async Task<AssessmentRound> RecordExtraSalary(RecordExtraSalaryRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        var decidedOn = DateOnly.ParseExact(request.DecidedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (decidedOn > time.Today()) throw new RequestValidationException("decided_on", Say.T("不得晚于今天", "is in the future"));
        var (year, code) = (request.Year, request.AssessingCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, code, year, ct);
        var round = await OpenRoundAsync(code, year, ct);
        if (round.ApprovedAt is null)
            throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核尚未审定：经委员会领导审定后方能确定优秀单位。",
                $"The {year} assessment of {code} is not approved: its 优秀 units are known once the commission's leader approves."));
        var grades = await db.Scores.AsNoTracking().Where(x => x.Year == year && x.AssessingCode == code).ToDictionaryAsync(x => x.UnitCode, ct);
        // Art. 20: only a unit graded 优秀 may have the extra month.
        for (var i = 0; i < request.UnitCodes.Count; i++)
            if (!grades.TryGetValue(request.UnitCodes[i], out var score) || score.Grade != Grade.Excellent)
                throw new RequestValidationException($"unit_codes[{i}]", score is null
                    ? Say.T($"{request.UnitCodes[i]} 未参加 {code} 的 {year} 年度考核", $"{request.UnitCodes[i]} was not assessed in the {year} assessment of {code}")
                    : Say.T($"{request.UnitCodes[i]} 的考核等次为{Refusals.GradeZh(score.Grade)}，不是优秀（第二十条）", $"{request.UnitCodes[i]} was graded {score.Grade}, not 优秀 (Art. 20)"));
        (round.ExtraSalaryUnits, round.ExtraSalaryDocument, round.ExtraSalaryDecidedOn, round.ExtraSalaryRecordedBy) =
            ([.. request.UnitCodes.Distinct().Order(StringComparer.Ordinal)], request.Document.Trim(), decidedOn, guard.Caller.Subject);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{code}/{year}", Detail: JsonSerializer.Serialize(new
        {
            units = round.ExtraSalaryUnits, document = round.ExtraSalaryDocument, decidedOn = request.DecidedOn,
            excellentNotGranted = grades.Values.Where(g => g.Grade == Grade.Excellent && !round.ExtraSalaryUnits.Contains(g.UnitCode)).Select(g => g.UnitCode), article = "Art. 20",
        })), ct);
        await tx.CommitAsync(ct);
        return ToApi(round, scheme!);
    }

    public override async Task<Google.Api.HttpBody> GetExtraSalaryList(GetExtraSalaryListRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's record: read by the level and those above it.
        await guard.ReadBelowAsync(request.AssessingCode, ct);
        var (year, code) = (request.Year, request.AssessingCode);
        var round = await db.Rounds.AsNoTracking().FirstOrDefaultAsync(r => r.Year == year && r.AssessingCode == code, ct);
        if (round?.ExtraSalaryDecidedOn is not { } decidedOn)
            throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核尚未记录优秀单位增发一个月全额工资的决定：请先记录（第二十条）。",
                $"No decision on the 优秀 units' extra month is recorded for the {year} assessment of {code}: record it first (Art. 20)."));
        var granted = round.ExtraSalaryUnits;
        var scores = await db.Scores.AsNoTracking().Where(x => x.Year == year && x.AssessingCode == code && granted.Contains(x.UnitCode)).ToListAsync(ct);
        var assessing = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = code }, cancellationToken: ct);
        var rows = scores.OrderByDescending(s => s.Total).ThenBy(s => s.UnitCode, StringComparer.Ordinal)
            .Select(s => new Scoring.ExtraSalaryWorkbook.Row(s.UnitCode, s.View().UnitName, s.Total)).ToList();
        var workbook = Scoring.ExtraSalaryWorkbook.Write(assessing.Name, year, round.ExtraSalaryDocument, decidedOn, rows, guard.Caller.Name, time.GetUtcNow());
        return context.Attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook, $"{year}-extra-salary-{code}", ".xlsx");
    }

    /// <summary>Art. 31(8): 不合格, or the year's targets not completed (reading 15).</summary>
    private static bool Clause8(Scoring.UnitScore score, UnitResult view) => score.Grade == Grade.Fail || view.TargetsUnmet;

    private static string Clause8Reasons(Scoring.UnitScore score, UnitResult view, AssessmentScheme scheme)
    {
        var reasons = new List<string>();
        if (score.Grade == Grade.Fail)
            reasons.Add(score.AdjustedGrade is null
                ? $"不合格: {score.Total.ToString(CultureInfo.InvariantCulture)} points, below {scheme.PassFrom.ToString(CultureInfo.InvariantCulture)}"
                : $"不合格 on adjustment: {score.AdjustmentReasons}");
        if (view.TargetsUnmet)
            reasons.Add($"the year's targets not completed: {view.Indicators.FirstOrDefault(i => i.Source == Source.LettersCompletion)?.Explanation ?? "the letter's year-end completion is below the line"}; targets count as completed from {scheme.TargetsMetFrom.ToString(CultureInfo.InvariantCulture)}% (reading 15)");
        return string.Join("; ", reasons);
    }

    public override async Task<ProblemList> ListProblems(ListProblemsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's record of the units it assesses: the level and those above it.
        await guard.ReadBelowAsync(request.AssessingCode, ct);
        var codes = (await AssessedUnitsAsync(request.AssessingCode, ct)).Select(u => u.Code).ToList();
        var year = request.Year;
        var rows = await db.Problems.AsNoTracking().Where(p => p.Year == year && codes.Contains(p.UnitCode)
                && (!request.OutstandingOnly || p.State != Inputs.ProblemStates.Rectified))
            .OrderBy(p => p.UnitCode).ThenBy(p => p.ObservedOn).ThenBy(p => p.FindingId).ToListAsync(ct);
        var list = new ProblemList { AssessingCode = request.AssessingCode, Year = year };
        foreach (var unit in rows.GroupBy(p => p.UnitCode))
        {
            var problems = new UnitProblems
            {
                UnitCode = unit.Key, Open = unit.Count(p => p.State is Inputs.ProblemStates.Open or Inputs.ProblemStates.Rejected),
                Overdue = unit.Count(p => p.State == Inputs.ProblemStates.Overdue), Rectified = unit.Count(p => p.State == Inputs.ProblemStates.Rectified),
            };
            problems.Problems.AddRange(unit.Select(p => new ProblemFound
            {
                Reference = $"inspections/finding/{p.FindingId}", InspectingCode = p.InspectingCode, Form = p.Form, Severity = p.Severity, Concern = p.Concern,
                ObservedOn = p.ObservedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", State = p.State,
                DueOn = p.DueOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", OnTime = p.OnTime == true,
            }));
            list.Units.Add(problems);
        }
        return list;
    }

    private async Task<YearAssessment> OpenRoundAsync(string code, int year, CancellationToken ct) =>
        await db.Rounds.FirstOrDefaultAsync(r => r.Year == year && r.AssessingCode == code, ct)
        ?? throw new DomainRuleException(Say.T($"{code} 的 {year} 年度考核尚未开始：请先开始考核，评分所依据的考核方案随之固定。",
            $"The {year} assessment of {code} has not opened: open it first, which freezes the scheme it is scored under."));

    private static void EnsureNotApproved(YearAssessment round)
    {
        if (round.ApprovedAt is { } approved)
            throw new DomainRuleException(Say.T($"{round.AssessingCode} 的 {round.Year} 年度考核已于 {ChinaTime.DateOf(approved):yyyy-MM-dd} 审定：得分和等次不再变更。",
                $"The {round.Year} assessment of {round.AssessingCode} was approved on {ChinaTime.DateOf(approved):yyyy-MM-dd}: its scores and grades no longer change."));
    }

    private static AssessmentRound ToApi(YearAssessment round, AssessmentScheme scheme)
    {
        var api = new AssessmentRound
        {
            Year = round.Year, AssessingCode = round.AssessingCode, OpenedAt = round.OpenedAt.ToString("O", CultureInfo.InvariantCulture), OpenedBy = round.OpenedBy,
            Scheme = SchemesService.ToApi(scheme), ApprovedAt = round.ApprovedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", ApprovedBy = round.ApprovedBy,
            PublishedAt = round.PublishedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
        };
        api.Distribution.AddRange(round.Distribution);
        api.ExtraSalaryUnits.AddRange(round.ExtraSalaryUnits);
        (api.ExtraSalaryDocument, api.ExtraSalaryDecidedOn) = (round.ExtraSalaryDocument, round.ExtraSalaryDecidedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
        return api;
    }
}
