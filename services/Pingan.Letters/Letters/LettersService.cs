using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Persistence;
using Pingan.Letters.Templates;
using Pingan.Messaging;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Letters.Letters;

public sealed partial class LettersService(
    LettersDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, LetterAccess access,
    RegistryApi.Units.UnitsClient units, Pingan.Registry.Contracts.RegistryLeaders leaders, RequestLedger<LettersDb> ledger)
    : Api.Letters.LettersBase
{
    /// <summary>Issues a template's letters in one action, one per unit that answers to the issuer (Art. 13 "自上而下层层签订").</summary>
    public override Task<IssueReport> IssueLetters(IssueLettersRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => IssueLettersAsync(request, context));

    private async Task<IssueReport> IssueLettersAsync(IssueLettersRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var templateId = Guid.Parse(request.TemplateId);
        var template = await db.Templates.Include(t => t.Targets).FirstOrDefaultAsync(t => t.Id == templateId, ct)
            ?? throw new NotFoundException(Say.T($"模板 {request.TemplateId} 不存在。", $"No template {request.TemplateId}."));
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], template.IssuerCode, ct);
        if (template.Status == TemplateStatus.Issued)
            throw new DomainRuleException(Say.T($"模板 {template.Id} 已于 {template.IssuedAt:yyyy-MM-dd} 下达；如需更改责任书，请对责任书进行修订。",
                $"Template {template.Id} was issued on {template.IssuedAt:yyyy-MM-dd}; a change to a letter is an amendment of it."));

        var receivers = await ReceiversAsync(template.IssuerCode, request.IncludeDepartments, ct);
        if (receivers.Count == 0)
            throw new DomainRuleException(Say.T($"没有向 {template.IssuerCode} 负责的下一级单位，无从下达责任书。",
                $"No unit answers to {template.IssuerCode}: there is nobody to issue letters to."));
        var values = Adjustments(request, template, receivers);

        var now = time.GetUtcNow();
        var letters = receivers.Select(r =>
        {
            var letter = new Letter
            {
                Id = Guid.CreateVersion7(now),
                Year = template.Year,
                TemplateId = template.Id,
                IssuerCode = template.IssuerCode,
                ReceiverCode = r.Code,
                ReceiverName = r.Name,
                IssuedAt = now,
                Title = template.Title,
                KeyTasks = template.KeyTasks,
            };
            letter.Targets = [.. template.Targets.OrderBy(t => t.Position).Select(t =>
            {
                var target = LetterTarget.CopyOf(t, letter.Id, t.Id, t.Position, now);
                if (values.TryGetValue((r.Code, t.Code), out var value)) target.TargetValue = value;
                return target;
            })];
            return letter;
        }).ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var already = await db.Letters.AsNoTracking()
            .Where(l => l.Year == template.Year && l.IssuerCode == template.IssuerCode && receivers.Select(r => r.Code).Contains(l.ReceiverCode))
            .Select(l => l.ReceiverCode).Take(3).ToListAsync(ct);
        if (already.Count > 0)
            throw new AlreadyExistsException(Say.T($"{template.IssuerCode} 已通过其他模板向 {string.Join("、", already)} 下达 {template.Year} 年度责任书。",
                $"{template.IssuerCode} has issued its {template.Year} letter to {string.Join(", ", already)} already (from another template)."));
        template.Status = TemplateStatus.Issued;
        template.IssuedAt = now;
        db.Letters.AddRange(letters);
        db.SigningReminders.AddRange(letters.SelectMany(l => SigningDeadlines.For(l, time.Today(), now)));
        foreach (var l in letters)
            outbox.Enqueue(new LetterIssued(l.Id, l.Year, l.TemplateId, l.IssuerCode, l.ReceiverCode, l.Version, l.Targets.Count, now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"template/{template.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { issued = letters.Count, adjustments = request.Adjustments.Count })), ct);
        await tx.CommitAsync(ct);

        var report = new IssueReport { TemplateId = template.Id.ToString(), Issued = letters.Count };
        report.Letters.AddRange(letters.Select(l => l.ToApi(withTargets: false)));
        return report;
    }

    public override async Task<Api.Letter> GetLetter(GetLetterRequest request, ServerCallContext context)
    {
        var letter = await ReadableLetterAsync(request.LetterId, context.CancellationToken);
        return letter.ToApi(withTargets: true, await db.Signatures.AsNoTracking().Where(s => s.LetterId == letter.Id).ToListAsync(context.CancellationToken));
    }

    public override async Task<LetterList> ListLetters(ListLettersRequest request, ServerCallContext context)
    {
        guard.EnsureRole();
        var query = db.Letters.AsNoTracking().Include(l => l.Targets).AsQueryable();
        query = request.Side == LetterSide.Issued
            ? query.Where(l => l.IssuerCode == request.UnitCode)
            : query.Where(l => l.ReceiverCode == request.UnitCode);
        if (request.Year != 0) query = query.Where(l => l.Year == request.Year);
        var letters = new List<Letter>();
        // Each letter passes "read business records" on its own: the province's issued letters, listed by a county,
        // are only those the county received.
        foreach (var l in await query.OrderByDescending(l => l.Year).ThenBy(l => l.ReceiverCode).ThenBy(l => l.Version).ToListAsync(context.CancellationToken))
            if (await guard.MayReadBusinessRecordAsync(l.ReceiverCode, context.CancellationToken, l.IssuerCode)) letters.Add(l);
        var ids = letters.Select(l => l.Id).ToArray();
        var signatures = (await db.Signatures.AsNoTracking().Where(s => ids.Contains(s.LetterId)).ToListAsync(context.CancellationToken)).ToLookup(s => s.LetterId);
        var list = new LetterList();
        list.Letters.AddRange(letters.Select(l => l.ToApi(withTargets: true, signatures[l.Id])));
        return list;
    }

    public override async Task<SigningProgress> GetSigningProgress(GetSigningProgressRequest request, ServerCallContext context)
    {
        await guard.ReadBelowAsync(request.UnitCode, context.CancellationToken);
        return await SigningProgressQuery.ReadAsync(db, request.UnitCode, request.Year, time.Today(), context.CancellationToken);
    }

    public override async Task<CoverageReport> GetCoverage(GetCoverageRequest request, ServerCallContext context)
    {
        await guard.ReadBelowAsync(request.UnitCode, context.CancellationToken);
        return await Coverage.ReadAsync(db, request.UnitCode, request.Year, context.CancellationToken);
    }

    private static readonly RegistryApi.UnitKind[] Jurisdictions = [RegistryApi.UnitKind.City, RegistryApi.UnitKind.County, RegistryApi.UnitKind.Township];

    /// <summary>
    /// The units that answer to the issuer, from the registry on the caller's token: the jurisdictions one level
    /// below (the province's include the province-direct counties under its cities, 省直管县: the province's administrative arrangement, not Art. 42), and its departments if asked.
    /// </summary>
    private async Task<List<RegistryApi.Unit>> ReceiversAsync(string issuer, bool departments, CancellationToken ct)
    {
        var request = new RegistryApi.ListDescendantsRequest { Code = issuer, PageSize = 1000, Kinds = { Jurisdictions } };
        if (departments) request.Kinds.Add(RegistryApi.UnitKind.Department);
        var receivers = new List<RegistryApi.Unit>();
        do
        {
            var page = await units.ListDescendantsAsync(request, cancellationToken: ct);
            receivers.AddRange(page.Units.Where(u => u.AnswersToCode == issuer));
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        return receivers;
    }

    /// <summary>Per-unit target values; each adjustment must name a receiver and a target of the template.</summary>
    private static Dictionary<(string, string), decimal> Adjustments(IssueLettersRequest request, Templates.Template template, List<RegistryApi.Unit> receivers)
    {
        var codes = receivers.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        var targets = template.Targets.Select(t => t.Code).ToHashSet(StringComparer.Ordinal);
        var values = new Dictionary<(string, string), decimal>();
        var errors = new List<FieldError>();
        for (var i = 0; i < request.Adjustments.Count; i++)
        {
            var a = request.Adjustments[i];
            if (!codes.Contains(a.ReceiverCode)) errors.Add(new($"adjustments[{i}].receiver_code", Say.T($"{a.ReceiverCode} 不是向 {template.IssuerCode} 负责的下一级单位", $"{a.ReceiverCode} does not answer to {template.IssuerCode}")));
            else if (!targets.Contains(a.TargetCode)) errors.Add(new($"adjustments[{i}].target_code", Say.T($"模板中没有目标 {a.TargetCode}", $"the template has no target {a.TargetCode}")));
            else if (!values.TryAdd((a.ReceiverCode, a.TargetCode), Decimals.TryParse(a.TargetValue, out var v) ? v : 0))
                errors.Add(new($"adjustments[{i}]", Say.T($"{a.ReceiverCode} 的目标 {a.TargetCode} 重复调整", $"{a.ReceiverCode}'s target {a.TargetCode} is adjusted twice")));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        return values;
    }
}

public static class LetterMapping
{
    public static Api.Letter ToApi(this Letter l, bool withTargets, IEnumerable<Signing.LetterSignature>? signatures = null)
    {
        var api = new Api.Letter
        {
            LetterId = l.Id.ToString(),
            Year = l.Year,
            TemplateId = l.TemplateId.ToString(),
            IssuerCode = l.IssuerCode,
            ReceiverCode = l.ReceiverCode,
            ReceiverName = l.ReceiverName,
            Version = l.Version,
            Status = l.Status.ToString().ToUpperInvariant(),
            AmendsLetterId = l.AmendsLetterId?.ToString() ?? "",
            AmendmentReason = l.AmendmentReason ?? "",
            IssuedAt = l.IssuedAt.ToString("O"),
            Title = l.Title,
        };
        api.KeyTasks.AddRange(l.KeyTasks);
        api.Signatures.AddRange((signatures ?? []).OrderBy(s => s.Side).Select(s => new Api.Signature
        {
            Side = s.Side == Signing.SignatureSide.Issuer ? Side.Issuer : Side.Receiver,
            UnitCode = s.UnitCode,
            LeaderId = s.LeaderId.ToString(),
            LeaderName = s.LeaderName,
            SignedOn = s.SignedOn.ToString("yyyy-MM-dd"),
            PublicKey = s.PublicKey,
            Signature_ = Google.Protobuf.ByteString.CopyFrom(s.Signature),
        }));
        if (withTargets)
            api.Targets.AddRange(l.Targets.OrderBy(t => t.Position).Select(t => t.ToApi()));
        return api;
    }
}
