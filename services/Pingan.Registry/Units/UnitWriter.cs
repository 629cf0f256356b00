using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Persistence;

namespace Pingan.Registry.Units;

/// <summary>Saves planned unit changes with their revisions and events, in the caller's transaction.</summary>
public sealed class UnitWriter(RegistryDb db, IOutbox outbox, TimeProvider time)
{
    /// <summary>Unit writes are serialised: a move rewrites the paths of a subtree another write may be reading.</summary>
    public Task LockAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('pingan.registry.units'))", ct);

    public async Task SaveAsync(IReadOnlyCollection<UnitChange> changes, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var updated = changes.Where(c => c.Changed && !c.Created).ToList();
        if (updated.Count > 0)
        {
            // Close each open revision on the day the next one takes effect; the old one stays readable by as_of.
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE unit_revisions r SET valid_to = x.valid_from
                FROM unnest({0}::text[], {1}::date[]) AS x(code, valid_from)
                WHERE r.code = x.code AND r.valid_to IS NULL
                """,
                [updated.Select(c => c.Unit.Code).ToArray(), updated.Select(c => c.Unit.EffectiveFrom).ToArray()], ct);
        }

        // COPY, not INSERT: an import registers tens of thousands of units (docs/services/registry.md, benchmark).
        await db.CopyAsync(changes.Where(c => c.Created).Select(c => c.Unit), ct);
        foreach (var change in updated) db.Units.Update(change.Unit);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await db.CopyAsync(changes.Where(c => c.Changed).Select(c => c.Unit.Snapshot(now)), ct);
        await outbox.EnqueueManyAsync(changes.SelectMany(c => c.Events), ct);

        // The subtree below a moved unit follows it. Deepest first: a move inside a moved subtree is rewritten
        // before the move above it, which then carries it along.
        foreach (var moved in changes.Where(c => c.OldPath is not null).OrderByDescending(c => c.OldPath!.Count(ch => ch == '/')))
        {
            var u = moved.Unit;
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE units SET path = {1} || substr(path, length({0}) + 1),
                    level = CASE WHEN {2} THEN {3} ELSE level END,
                    answers_to_code = CASE WHEN {2} THEN {4} ELSE answers_to_code END
                WHERE path LIKE {0} || '/%'
                """,
                [moved.OldPath!, u.Path, u.Kind >= Contracts.UnitKind.PartyCommittee, u.Level?.ToString() ?? (object)DBNull.Value,
                 u.AnswersToCode ?? (object)DBNull.Value], ct);
        }
    }
}
