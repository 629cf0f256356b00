using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Audit;
using Pingan.Letters.Api;
using Pingan.Letters.Contracts;
using Pingan.Letters.Templates;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Letters.Letters;

// A signed letter never changes; an amendment is a new version with its reason, signed again (issue 5, Art. 13).
public sealed partial class LettersService
{
    public override async Task<Api.Letter> AmendLetter(AmendLetterRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        guard.EnsureRole(PinganRoles.CommissionOffice);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked (issue 12): two amendments of one version at once make one new version; the second is told to use it.
        var current = await access.LockAsync(Guid.Parse(request.LetterId), ct);
        // The issuing commission amends its letter.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], current.IssuerCode, ct);
        await access.EnsureOpenAsync(current, ct);

        var now = time.GetUtcNow();
        var next = new Letter
        {
            Id = Guid.CreateVersion7(now), Year = current.Year, TemplateId = current.TemplateId, IssuerCode = current.IssuerCode,
            ReceiverCode = current.ReceiverCode, ReceiverName = current.ReceiverName, Version = current.Version + 1, IssuedAt = now,
            Title = current.Title, KeyTasks = current.KeyTasks, AmendsLetterId = current.Id, AmendmentReason = request.Reason.Trim(),
        };
        next.Targets = [.. current.Targets.OrderBy(t => t.Position).Select(t => LetterTarget.CopyOf(t, next.Id, t.TemplateTargetId, t.Position, now, t.LineageId))];
        Apply(request, next);

        current.Status = LetterStatus.Superseded;
        db.Letters.Add(next);
        db.SigningReminders.AddRange(SigningDeadlines.For(next, Pingan.Time.ChinaTime.DateOf(now), now));
        outbox.Enqueue(new LetterAmended(next.Id, current.Id, next.Year, next.IssuerCode, next.ReceiverCode, next.Version, next.AmendmentReason, now));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"letter/{current.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { newVersion = next.Id, next.Version, reason = next.AmendmentReason, changes = request.Changes.Count })), ct);
        await tx.CommitAsync(ct);
        return next.ToApi(withTargets: true);
    }

    /// <summary>The changes, each naming a target of the letter; the weights must still sum to 100 (Art. 20).</summary>
    private static void Apply(AmendLetterRequest request, Letter next)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Changes.Count; i++)
        {
            var change = request.Changes[i];
            var target = next.Targets.FirstOrDefault(t => t.Code == change.Code);
            if (target is null)
            {
                errors.Add(new($"changes[{i}].code", Say.T($"责任书中没有目标 {change.Code}", $"the letter has no target {change.Code}")));
                continue;
            }
            if (!seen.Add(change.Code)) errors.Add(new($"changes[{i}].code", Say.T($"目标 {change.Code} 重复修改", $"target {change.Code} is changed twice")));
            if (change.TargetValue.Length > 0) target.TargetValue = Decimals.TryParse(change.TargetValue, out var v) ? v : target.TargetValue;
            if (change.Weight.Length > 0) target.Weight = Decimals.TryParse(change.Weight, out var w) ? w : target.Weight;
            if (change.Indicator.Length > 0) target.Indicator = change.Indicator.Trim();
            if (change.EvidenceRequired.Length > 0) target.EvidenceRequired = change.EvidenceRequired.Trim();
        }
        if (errors.Count == 0 && next.Targets.Sum(t => t.Weight) != 100)
        {
            var sum = Decimals.Write(next.Targets.Sum(t => t.Weight));
            errors.Add(new("changes", Say.T($"修改后权重合计为 {sum}，应为 100", $"weights would sum to {sum}, not 100")));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }
}
