using Microsoft.EntityFrameworkCore;
using Pingan.Letters.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Letters.Letters;

/// <summary>Who may see a letter, and which version of a letter may still change.</summary>
public sealed class LetterAccess(LettersDb db, JurisdictionGuard guard)
{
    /// <summary>A letter with its targets, for the receiver's staff, the issuer's, and those above either ("read business records").</summary>
    public async Task<Letter> ReadableAsync(Guid id, CancellationToken ct)
    {
        var letter = await db.Letters.AsNoTracking().Include(l => l.Targets).FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"责任书 {id} 不存在。", $"No letter {id}."));
        await guard.ReadBusinessRecordAsync(letter.ReceiverCode, ct, letter.IssuerCode);
        return letter;
    }

    /// <summary>
    /// Lock, validate, commit (issue 12): every change to a letter (signing, amending, completing, reporting progress,
    /// uploading evidence) takes the letter's row lock inside its transaction and reads the letter again under it, so
    /// two changes at once are applied one after the other, and each validates against what the other committed.
    /// Remote facts (the registry's) are gathered before, never while the lock is held.
    /// </summary>
    public async Task<Letter> LockAsync(Guid id, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A letter is locked inside the transaction that changes it.");
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM letters WHERE id = {id} FOR UPDATE", ct);
        return await db.Letters.Include(l => l.Targets).FirstOrDefaultAsync(l => l.Id == id, ct)
            ?? throw new NotFoundException(Say.T($"责任书 {id} 不存在。", $"No letter {id}."));
    }

    /// <summary>Refuses a version that was replaced (naming the latest) or a letter whose year is closed.</summary>
    public async Task EnsureOpenAsync(Letter letter, CancellationToken ct)
    {
        if (letter.Status == LetterStatus.Completed)
            throw new DomainRuleException(Say.T($"下达给 {letter.ReceiverName} 的 {letter.Year} 年度责任书已确定年终完成情况，不再接受更改。",
                $"The {letter.Year} letter to {letter.ReceiverName} has its year-end completion figure: it takes no more changes."));
        if (letter.Status == LetterStatus.Superseded)
        {
            var latest = await db.Letters.AsNoTracking()
                .Where(l => l.Year == letter.Year && l.IssuerCode == letter.IssuerCode && l.ReceiverCode == letter.ReceiverCode)
                .OrderByDescending(l => l.Version).Select(l => new { l.Id, l.Version }).FirstAsync(ct);
            throw new DomainRuleException(Say.T($"第 {letter.Version} 版已被第 {latest.Version} 版（{latest.Id}）取代，请使用新版本。",
                $"Version {letter.Version} was replaced by version {latest.Version} ({latest.Id}): use that one."));
        }
    }
}
