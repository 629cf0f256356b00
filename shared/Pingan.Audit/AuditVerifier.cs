using Microsoft.EntityFrameworkCore;

namespace Pingan.Audit;

public sealed record ChainCheck(bool Intact, long Entries, long BrokenAt, string Problem);

/// <summary>Walks the chain from its first entry and recomputes every hash and link, then checks the tip.</summary>
public static class AuditVerifier
{
    public static async Task<ChainCheck> VerifyAsync(DbContext db, CancellationToken ct)
    {
        // The tip first, then the chain up to it: entries appended meanwhile are the next run's.
        var head = await db.Set<AuditHead>().AsNoTracking().SingleAsync(h => h.Id == 1, ct);
        var previous = AuditModel.Genesis;
        long expected = 1, count = 0;
        await foreach (var e in db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence <= head.LastSequence)
                           .OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Sequence != expected) return new(false, count, expected, $"entry {expected} is missing (the next is {e.Sequence})");
            if (e.PreviousHash != previous) return new(false, count, e.Sequence, "its link to the previous entry does not match");
            if (e.ComputeHash() != e.Hash) return new(false, count, e.Sequence, "its content does not match its hash");
            previous = e.Hash;
            expected++;
            count++;
        }
        if (head.LastSequence != count || head.LastHash != previous)
            return new(false, count, count + 1, $"the chain's tip says {head.LastSequence} entries; {count} are there");
        return new(true, count, 0, "");
    }
}
