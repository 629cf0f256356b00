using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Letters.Api;
using Pingan.Letters.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Letters.Templates;

public sealed class TemplatesService(LettersDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, ParentTargets parents,
    RequestLedger<LettersDb> ledger)
    : Api.Templates.TemplatesBase
{
    public override Task<Api.Template> CreateTemplate(CreateTemplateRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => CreateTemplateAsync(request, context));

    private async Task<Api.Template> CreateTemplateAsync(CreateTemplateRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The commission office of the issuing level drafts its letters.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.IssuerCode, ct);
        await EnsureUnitExistsAsync(request.IssuerCode, ct);
        await parents.CheckAsync(request.Year, request.IssuerCode, request.Targets, ct);

        var now = time.GetUtcNow();
        var template = new Template
        {
            Id = Guid.CreateVersion7(now),
            Year = request.Year,
            IssuerCode = request.IssuerCode,
            Title = request.Title.Trim(),
            KeyTasks = [.. request.KeyTasks.Select(k => k.Trim())],
            CreatedAt = now,
            Targets = [.. request.Targets.Select((t, i) => new TemplateTarget
            {
                Id = Guid.CreateVersion7(now),
                Position = i,
                Code = t.Code.Trim(),
                Indicator = t.Indicator.Trim(),
                TargetValue = Decimals.TryParse(t.TargetValue, out var v) ? v : 0,
                UnitOfMeasure = t.UnitOfMeasure.Trim(),
                EvidenceRequired = t.EvidenceRequired.Trim(),
                Weight = Decimals.TryParse(t.Weight, out var w) ? w : 0,
                ParentTargetId = Guid.TryParse(t.ParentTargetId, out var p) ? p : null,
            })],
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Templates.Add(template);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"template/{template.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { template.Year, template.IssuerCode, template.Title, targets = template.Targets.Count })), ct);
        await tx.CommitAsync(ct);
        return template.ToApi();
    }

    public override async Task<Api.Template> GetTemplate(GetTemplateRequest request, ServerCallContext context)
    {
        var template = await db.Templates.AsNoTracking().Include(t => t.Targets)
            .FirstOrDefaultAsync(t => t.Id == Guid.Parse(request.TemplateId), context.CancellationToken)
            ?? throw new NotFoundException(Say.T($"模板 {request.TemplateId} 不存在。", $"No template {request.TemplateId}."));
        // A template is its issuer's draft: for the issuer and those above it, not for the units it will be sent to.
        await guard.ReadBusinessRecordAsync(template.IssuerCode, context.CancellationToken);
        return template.ToApi();
    }

    public override async Task<TemplateList> ListTemplates(ListTemplatesRequest request, ServerCallContext context)
    {
        await guard.ReadBusinessRecordAsync(request.IssuerCode, context.CancellationToken);
        var query = db.Templates.AsNoTracking().Include(t => t.Targets).Where(t => t.IssuerCode == request.IssuerCode);
        if (request.Year != 0) query = query.Where(t => t.Year == request.Year);
        var list = new TemplateList();
        list.Templates.AddRange((await query.OrderByDescending(t => t.Year).ThenBy(t => t.CreatedAt).ToListAsync(context.CancellationToken)).Select(t => t.ToApi()));
        return list;
    }

    /// <summary>An unknown issuer is the caller's mistake, named as such (the guard lets unknown codes through to here).</summary>
    private async Task EnsureUnitExistsAsync(string code, CancellationToken ct)
    {
        if (await guard.MayReadOrganisationFactsAsync(code, ct)) return;
        throw new RequestValidationException("issuer_code", Say.T($"单位 {code} 不存在", $"no unit {code}"));
    }
}

public static class TemplateMapping
{
    public static Api.Template ToApi(this Template t)
    {
        var api = new Api.Template
        {
            TemplateId = t.Id.ToString(),
            Year = t.Year,
            IssuerCode = t.IssuerCode,
            Title = t.Title,
            Status = t.Status == TemplateStatus.Draft ? "DRAFT" : "ISSUED",
            IssuedAt = t.IssuedAt?.ToString("O") ?? "",
        };
        api.KeyTasks.AddRange(t.KeyTasks);
        api.Targets.AddRange(t.Targets.OrderBy(x => x.Position).Select(x => x.ToApi()));
        return api;
    }
}
