using Microsoft.EntityFrameworkCore;
using Pingan.Letters.Api;
using Pingan.Letters.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Letters.Templates;

/// <summary>
/// A target decomposes a target of the letter its issuer received from the level above, in the same year:
/// that is how the cascade traces up and down (Art. 13 "层层签订", "把各项任务分解为若干具体目标").
/// </summary>
public sealed class ParentTargets(LettersDb db)
{
    public async Task CheckAsync(int year, string issuerCode, IList<TargetDraft> targets, CancellationToken ct)
    {
        var ids = targets.Select(t => Guid.TryParse(t.ParentTargetId, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToArray();
        if (ids.Length == 0) return;
        var found = await db.LetterTargets.AsNoTracking()
            .Where(t => ids.Contains(t.Id))
            .Join(db.Letters, t => t.LetterId, l => l.Id, (t, l) => new { t.Id, l.Year, l.ReceiverCode })
            .ToDictionaryAsync(x => x.Id, ct);
        var errors = new List<FieldError>();
        for (var i = 0; i < targets.Count; i++)
        {
            if (!Guid.TryParse(targets[i].ParentTargetId, out var id)) continue;
            var field = $"targets[{i}].parent_target_id";
            if (!found.TryGetValue(id, out var parent)) errors.Add(new(field, Say.T($"目标 {id} 不存在", $"no target {id}")));
            else if (parent.Year != year) errors.Add(new(field, Say.T($"分解的是 {parent.Year} 年度责任书的目标，本模板为 {year} 年度", $"decomposes a target of {parent.Year}'s letter; this template is for {year}")));
            else if (parent.ReceiverCode != issuerCode) errors.Add(new(field, Say.T($"是下达给 {parent.ReceiverCode} 的责任书的目标，不是 {issuerCode} 接收的责任书的目标", $"is a target of the letter to {parent.ReceiverCode}, not of a letter {issuerCode} received")));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }
}
