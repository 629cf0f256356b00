using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Pingan.Audit;

/// <summary>What a walk of the audit chain found.</summary>
/// <param name="Intact">Every hash and link recomputed as stored.</param>
/// <param name="Entries">How many entries were walked.</param>
/// <param name="BrokenAt">Where the chain broke, when it did.</param>
/// <param name="Problem">What was wrong there, for a person.</param>
/// <param name="Keyed">Every entry from the first keyed one on is keyed (false: the chain is unkeyed, and a database administrator could recompute it).</param>
/// <param name="RowsPastTip">Entries after the tip the chain's head names: written behind the trail's back.</param>
/// <param name="Anchor">What the anchor outside the database said: where it was checked and written, or why not.</param>
public sealed record ChainCheck(bool Intact, long Entries, long BrokenAt, string Problem, bool Keyed = false, long RowsPastTip = 0, string Anchor = "");

/// <summary>
/// Walks the chain from its first entry and recomputes every hash (under the chain key) and link, checks the
/// tip, counts rows past it, and checks the tip against the last one anchored outside the database, then
/// anchors the tip it found (issue 11).
/// </summary>
public static class AuditVerifier
{
    public static async Task<ChainCheck> VerifyAsync(DbContext db, AuditChainKey key, CancellationToken ct)
    {
        // One snapshot: the tip, the entries up to it and any past it, as of the same moment.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var head = await db.Set<AuditHead>().AsNoTracking().SingleAsync(h => h.Id == 1, ct);
        var pastTip = await db.Set<AuditEntry>().LongCountAsync(e => e.Sequence > head.LastSequence, ct);
        var anchored = ReadAnchor(key.AnchorFile);
        var previous = AuditModel.Genesis;
        long expected = 1, count = 0;
        var keyedSeen = false;
        ChainCheck Broken(long at, string problem) => new(false, count, at, problem, key.IsKeyed, pastTip, anchored?.Describe() ?? "");
        await foreach (var e in db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence <= head.LastSequence)
                           .OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Sequence != expected) return Broken(expected, $"entry {expected} is missing (the next is {e.Sequence})");
            if (e.PreviousHash != previous) return Broken(e.Sequence, "its link to the previous entry does not match");
            if (e.KeyId.Length == 0 && keyedSeen) return Broken(e.Sequence, "it is unkeyed after keyed entries: it was rewritten without the chain key");
            var hash = e.ComputeHash(key);
            if (hash is null) return Broken(e.Sequence, $"it is hashed under key '{e.KeyId}', which this service does not hold");
            if (hash != e.Hash) return Broken(e.Sequence, "its content does not match its hash");
            if (anchored is { } a && a.Sequence == e.Sequence && a.Hash != e.Hash)
                return Broken(e.Sequence, $"its hash differs from the one anchored outside the database at {a.At}: the chain was rewritten");
            keyedSeen |= e.KeyId.Length > 0;
            previous = e.Hash;
            expected++;
            count++;
        }
        if (head.LastSequence != count || head.LastHash != previous)
            return Broken(count + 1, $"the chain's tip says {head.LastSequence} entries; {count} are there");
        if (anchored is { } last && last.Sequence > count)
            return Broken(count + 1, $"the anchor outside the database recorded {last.Sequence} entries at {last.At}; only {count} are there");
        if (pastTip > 0)
            return Broken(count + 1, $"{pastTip} entr{(pastTip == 1 ? "y lies" : "ies lie")} past the tip (sequence {count}), written behind the trail's back");
        var anchor = Anchor(key.AnchorFile, count, previous);
        return new(true, count, 0, "", key.IsKeyed && (count == 0 || keyedSeen), 0, anchor);
    }

    private sealed record Anchored(string At, long Sequence, string Hash)
    {
        public string Describe() => $"last anchored {Sequence} entries at {At}";
    }

    private static Anchored? ReadAnchor(string? file)
    {
        if (file is null || !File.Exists(file)) return null;
        var last = File.ReadLines(file).LastOrDefault(l => l.Length > 0);
        var parts = last?.Split(' ');
        return parts is { Length: 3 } && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var sequence) ? new(parts[0], sequence, parts[2]) : null;
    }

    /// <summary>Appends the verified tip to the anchor file: "instant sequence hash", one line per verification.</summary>
    private static string Anchor(string? file, long sequence, string hash)
    {
        if (file is null) return "no anchor file (Audit:AnchorFile): the tip is only in the logs";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        using (var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine($"{at} {sequence} {hash}");
        return $"anchored {sequence} entries at {at} in {file}";
    }
}
