using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Evidence;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Letters;
using Pingan.Letters.Persistence;
using Pingan.Letters.Templates;
using Pingan.Messaging;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using Letter = Pingan.Letters.Letters.Letter;

namespace Pingan.Letters.Reporting;

/// <summary>
/// Progress on each target during the year, with evidence, and the year-end completion figure of each letter that
/// the year's assessment takes up (Art. 13 "制定易于执行检查的措施", Art. 20 "目标责任书完成情况").
/// </summary>
public sealed class ProgressService(
    LettersDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, LetterAccess access, EvidenceIntake intake,
    RequestLedger<LettersDb> ledger)
    : Api.Progress.ProgressBase
{
    /// <summary>The year-end figure is set in the assessment season, from 1 November (Art. 20 "每年年底之前").</summary>
    public const int CompletionOpensInMonth = 11;

    public override Task<Api.Evidence> UploadEvidence(UploadEvidenceRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => UploadEvidenceAsync(request, context));

    private async Task<Api.Evidence> UploadEvidenceAsync(UploadEvidenceRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var accepted = intake.Accept(request.File, request.FileName);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var letter = await ReportableAsync(request.LetterId, request.TargetCode, ct);
        var now = time.GetUtcNow();
        var file = new EvidenceFile
        {
            Id = Guid.CreateVersion7(now), LetterId = letter.Id, Year = letter.Year, IssuerCode = letter.IssuerCode, ReceiverCode = letter.ReceiverCode,
            TargetCode = request.TargetCode, FileName = "", ContentType = "", Sha256 = "", Content = [], UploadedAt = now, UploadedBy = guard.Caller.Subject,
        };
        file.Take(accepted);
        db.EvidenceFiles.Add(file);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"letter/{letter.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { evidence = file.Id, target = file.TargetCode, file.FileName, file.ContentType, file.SizeBytes, file.Sha256 })), ct);
        await tx.CommitAsync(ct);
        return file.ToApi();
    }

    public override async Task<HttpBody> GetEvidence(GetEvidenceRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = Guid.Parse(request.EvidenceId);
        var letterId = await db.EvidenceFiles.Where(e => e.Id == id).Select(e => (Guid?)e.LetterId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException(Say.T($"佐证材料 {request.EvidenceId} 不存在。", $"No evidence {request.EvidenceId}."));
        await access.ReadableAsync(letterId, ct);
        var file = await db.EvidenceFiles.AsNoTracking().FirstAsync(e => e.Id == id, ct);
        // Over REST the body is the file itself; the name travels as an attachment's.
        return context.Download(file);
    }

    public override Task<Api.ProgressReport> ReportProgress(ReportProgressRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => ReportProgressAsync(request, context));

    private async Task<Api.ProgressReport> ReportProgressAsync(ReportProgressRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var letter = await ReportableAsync(request.LetterId, request.TargetCode, ct);
        var asOf = DateOnly.ParseExact(request.AsOf, "yyyy-MM-dd");
        if (asOf.Year != letter.Year) throw new RequestValidationException("as_of", Say.T($"不在责任书所属的 {letter.Year} 年度内", $"is not in {letter.Year}, the letter's year"));
        if (asOf > time.Today()) throw new RequestValidationException("as_of", Say.T("不得晚于今天", "is in the future"));

        var ids = request.EvidenceIds.Select(Guid.Parse).Distinct().ToArray();
        var evidence = await db.EvidenceFiles.AsNoTracking().Where(e => ids.Contains(e.Id))
            .Select(Metadata).ToListAsync(ct);
        var errors = new List<FieldError>();
        for (var i = 0; i < request.EvidenceIds.Count; i++)
        {
            var e = evidence.FirstOrDefault(x => x.Id == Guid.Parse(request.EvidenceIds[i]));
            if (e is null) errors.Add(new($"evidence_ids[{i}]", Say.T($"佐证材料 {request.EvidenceIds[i]} 不存在", $"no evidence {request.EvidenceIds[i]}")));
            else if (e.Year != letter.Year || e.IssuerCode != letter.IssuerCode || e.ReceiverCode != letter.ReceiverCode || e.TargetCode != request.TargetCode)
                errors.Add(new($"evidence_ids[{i}]", Say.T($"“{e.FileName}”系为其他目标或责任书上传，不属于本责任书的目标 {request.TargetCode}",
                    $"'{e.FileName}' was uploaded for another target or letter, not target {request.TargetCode} of this letter")));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var now = time.GetUtcNow();
        var target = letter.Targets.Single(t => t.Code == request.TargetCode);
        var entry = new ProgressEntry
        {
            Id = Guid.CreateVersion7(now), LetterId = letter.Id, Version = letter.Version, Year = letter.Year, IssuerCode = letter.IssuerCode,
            ReceiverCode = letter.ReceiverCode, TargetCode = request.TargetCode, AsOf = asOf, AchievedValue = Decimals.Parse(request.AchievedValue),
            Note = request.Note.Trim(), EvidenceIds = ids, ReportedAt = now, ReportedBy = guard.Caller.Subject,
        };
        db.ProgressEntries.Add(entry);
        outbox.Enqueue(new TargetProgressReported(entry.Id, letter.Id, letter.Year, letter.IssuerCode, letter.ReceiverCode, entry.TargetCode,
            entry.AchievedValue, target.TargetValue, target.UnitOfMeasure, asOf, ids.Length, now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"letter/{letter.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { report = entry.Id, target = entry.TargetCode, asOf = request.AsOf, achieved = request.AchievedValue, evidence = ids.Length })), ct);
        await tx.CommitAsync(ct);
        return entry.ToApi(evidence);
    }

    public override async Task<LetterProgress> GetLetterProgress(GetLetterProgressRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var letter = await access.ReadableAsync(Guid.Parse(request.LetterId), ct);
        // Reports follow the letter between the two units that year, across its versions.
        var entries = await db.ProgressEntries.AsNoTracking()
            .Where(p => p.Year == letter.Year && p.IssuerCode == letter.IssuerCode && p.ReceiverCode == letter.ReceiverCode)
            .OrderBy(p => p.AsOf).ThenBy(p => p.ReportedAt).ToListAsync(ct);
        var evidence = await EvidenceOfAsync(letter, ct);
        var progress = new LetterProgress
        {
            LetterId = letter.Id.ToString(), Year = letter.Year, IssuerCode = letter.IssuerCode, ReceiverCode = letter.ReceiverCode, Version = letter.Version,
        };
        foreach (var t in letter.Targets.OrderBy(t => t.Position))
        {
            var item = new TargetProgress
            {
                Code = t.Code, Indicator = t.Indicator, TargetValue = Decimals.Write(t.TargetValue), UnitOfMeasure = t.UnitOfMeasure, Weight = Decimals.Write(t.Weight),
            };
            item.Reports.AddRange(entries.Where(e => e.TargetCode == t.Code).Select(e => e.ToApi(evidence)));
            progress.Targets.Add(item);
        }
        var completion = await db.Completions.AsNoTracking().Include(c => c.Results).FirstOrDefaultAsync(c => c.LetterId == letter.Id, ct);
        if (completion is not null) progress.Completion = completion.ToApi(letter);
        return progress;
    }

    public override async Task<LetterCompletion> CompleteLetter(CompleteLetterRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The issuing commission assesses the letters it issued (Art. 20).
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked (issue 12): a progress report or an amendment under way finishes first, or waits for the figure and is refused.
        var letter = await access.LockAsync(Guid.Parse(request.LetterId), ct);
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], letter.IssuerCode, ct);
        await access.EnsureOpenAsync(letter, ct);
        var today = time.Today();
        var opens = new DateOnly(letter.Year, CompletionOpensInMonth, 1);
        if (today < opens)
            throw new DomainRuleException(Say.T($"{letter.Year} 年度责任书的年终完成情况自 {opens:yyyy-MM-dd} 起在年度考核期间确定（第二十条）。",
                $"The year-end figure of a {letter.Year} letter is set from {opens:yyyy-MM-dd}, in the assessment season (Art. 20)."));

        var errors = new List<FieldError>();
        var results = new List<CompletionResult>();
        for (var i = 0; i < request.Results.Count; i++)
        {
            var r = request.Results[i];
            if (letter.Targets.All(t => t.Code != r.Code)) errors.Add(new($"results[{i}].code", Say.T($"责任书中没有目标 {r.Code}", $"the letter has no target {r.Code}")));
            else if (results.Any(x => x.Code == r.Code)) errors.Add(new($"results[{i}].code", Say.T($"目标 {r.Code} 重复评定", $"target {r.Code} is rated twice")));
            else results.Add(new CompletionResult { LetterId = letter.Id, Code = r.Code, Percent = Decimals.Parse(r.CompletionPercent), Note = r.Note.Trim() });
        }
        var unrated = letter.Targets.OrderBy(t => t.Position).Select(t => t.Code).Where(c => results.All(r => r.Code != c)).ToList();
        if (errors.Count == 0 && unrated.Count > 0) errors.Add(new("results", Say.T($"须评定全部目标；缺少：{string.Join("、", unrated)}", $"every target is rated; missing: {string.Join(", ", unrated)}")));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var signed = letter.Status == LetterStatus.Signed;
        var figure = Math.Round(letter.Targets.Sum(t => t.Weight * results.Single(r => r.Code == t.Code).Percent) / 100, 2, MidpointRounding.AwayFromZero);
        var now = time.GetUtcNow();
        var completion = new Completion { LetterId = letter.Id, Figure = figure, Signed = signed, Results = results, CompletedAt = now, CompletedBy = guard.Caller.Subject };
        letter.Status = LetterStatus.Completed;
        db.Completions.Add(completion);
        outbox.Enqueue(new LetterCompleted(letter.Id, letter.Year, letter.IssuerCode, letter.ReceiverCode, letter.Version, figure, signed, now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"letter/{letter.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { completion = Decimals.Write(figure), signed, targets = results.Count })), ct);
        await tx.CommitAsync(ct);
        return completion.ToApi(letter);
    }

    public override async Task<CompletionList> ListCompletions(ListCompletionsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole();
        var letters = db.Letters.AsNoTracking().Where(l => l.Status == LetterStatus.Completed);
        letters = request.Side == LetterSide.Issued ? letters.Where(l => l.IssuerCode == request.UnitCode) : letters.Where(l => l.ReceiverCode == request.UnitCode);
        if (request.Year != 0) letters = letters.Where(l => l.Year == request.Year);
        var rows = await letters.Join(db.Completions.AsNoTracking().Include(c => c.Results), l => l.Id, c => c.LetterId, (l, c) => new { l, c })
            .OrderByDescending(x => x.l.Year).ThenBy(x => x.l.ReceiverCode).ThenBy(x => x.l.IssuerCode).ToListAsync(ct);
        var list = new CompletionList();
        // Each figure passes "read business records" on its own: a county listing its city's issued letters sees its own figure, not its siblings'.
        foreach (var x in rows)
            if (await guard.MayReadBusinessRecordAsync(x.l.ReceiverCode, ct, x.l.IssuerCode)) list.Completions.Add(x.c.ToApi(x.l));
        return list;
    }

    /// <summary>The latest version of a letter whose receiver reports on it, and one of its targets (Art. 13: the receiver answers for its targets).</summary>
    /// <summary>
    /// The letter a report or evidence is filed against, locked in the caller's transaction (issue 12): a report
    /// never lands on a version that an amendment or the year-end figure closed while it was being filed.
    /// </summary>
    private async Task<Letter> ReportableAsync(string letterId, string targetCode, CancellationToken ct)
    {
        guard.EnsureRole(PinganRoles.CommissionOffice, PinganRoles.MemberUnitLiaison);
        var letter = await access.LockAsync(Guid.Parse(letterId), ct);
        // The receiver reports for itself; the level above, which will assess the figures, does not file them.
        guard.ActAsUnit(letter.ReceiverCode);
        await access.EnsureOpenAsync(letter, ct);
        if (letter.Targets.All(t => t.Code != targetCode)) throw new RequestValidationException("target_code", Say.T($"责任书中没有目标 {targetCode}", $"the letter has no target {targetCode}"));
        return letter;
    }

    /// <summary>The evidence of a letter between its two units that year, without the bytes.</summary>
    private Task<List<EvidenceFile>> EvidenceOfAsync(Letter letter, CancellationToken ct) =>
        db.EvidenceFiles.AsNoTracking()
            .Where(e => e.Year == letter.Year && e.IssuerCode == letter.IssuerCode && e.ReceiverCode == letter.ReceiverCode)
            .Select(Metadata).ToListAsync(ct);

    /// <summary>An evidence file's record without its bytes.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<EvidenceFile, EvidenceFile>> Metadata = e => new EvidenceFile
    {
        Id = e.Id, LetterId = e.LetterId, Year = e.Year, IssuerCode = e.IssuerCode, ReceiverCode = e.ReceiverCode, TargetCode = e.TargetCode,
        FileName = e.FileName, ContentType = e.ContentType, SizeBytes = e.SizeBytes, Sha256 = e.Sha256, Content = Array.Empty<byte>(),
        UploadedAt = e.UploadedAt, UploadedBy = e.UploadedBy,
    };

}

public static class ReportingMapping
{
    public static Api.Evidence ToApi(this EvidenceFile e) => new()
    {
        EvidenceId = e.Id.ToString(), LetterId = e.LetterId.ToString(), TargetCode = e.TargetCode, FileName = e.FileName, ContentType = e.ContentType,
        SizeBytes = e.SizeBytes, Sha256 = e.Sha256, UploadedAt = e.UploadedAt.ToString("O"), UploadedBy = e.UploadedBy,
    };

    public static Api.ProgressReport ToApi(this ProgressEntry p, IEnumerable<EvidenceFile> evidence)
    {
        var report = new Api.ProgressReport
        {
            ReportId = p.Id.ToString(), LetterId = p.LetterId.ToString(), Version = p.Version, TargetCode = p.TargetCode, AsOf = p.AsOf.ToString("yyyy-MM-dd"),
            AchievedValue = Decimals.Write(p.AchievedValue), Note = p.Note, ReportedAt = p.ReportedAt.ToString("O"), ReportedBy = p.ReportedBy,
        };
        report.Evidence.AddRange(evidence.Where(e => p.EvidenceIds.Contains(e.Id)).OrderBy(e => e.UploadedAt).Select(e => e.ToApi()));
        return report;
    }

    public static LetterCompletion ToApi(this Completion c, Letter l)
    {
        var api = new LetterCompletion
        {
            LetterId = l.Id.ToString(), Year = l.Year, IssuerCode = l.IssuerCode, ReceiverCode = l.ReceiverCode, ReceiverName = l.ReceiverName, Version = l.Version,
            Completion = Decimals.Write(c.Figure), Signed = c.Signed, CompletedAt = c.CompletedAt.ToString("O"), CompletedBy = c.CompletedBy,
        };
        var order = l.Targets.Count > 0 ? l.Targets.OrderBy(t => t.Position).Select(t => t.Code).ToList() : [];
        api.Results.AddRange(c.Results.OrderBy(r => order.IndexOf(r.Code)).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => new TargetResult { Code = r.Code, CompletionPercent = Decimals.Write(r.Percent), Note = r.Note }));
        return api;
    }
}
