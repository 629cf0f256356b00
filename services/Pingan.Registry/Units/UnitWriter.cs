using Microsoft.EntityFrameworkCore;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Contracts;
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
        await db.CopyAsync(changes.Where(c => c.Changed).Select(c => c.Unit.Snapshot(now, c.Reason)), ct);
        await outbox.EnqueueManyAsync(changes.SelectMany(c => c.Events), ct);

        // The subtree below a moved unit follows it. Deepest first: a move inside a moved subtree is rewritten
        // before the move above it, which then carries it along. (starts_with, not LIKE: codes may hold '_'.)
        foreach (var moved in changes.Where(c => c.OldPath is not null).OrderByDescending(c => c.OldPath!.Count(ch => ch == '/')))
        {
            var u = moved.Unit;
            var organ = u.Kind.IsOrgan();
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE units SET path = {1} || substr(path, length({0}) + 1),
                    level = CASE WHEN {2} THEN {3} ELSE level END,
                    answers_to_code = CASE WHEN {2} THEN {4} ELSE answers_to_code END,
                    effective_from = CASE WHEN {2} THEN {5} ELSE effective_from END
                WHERE starts_with(path, {0} || '/')
                """,
                [moved.OldPath!, u.Path, organ, u.Level?.ToString() ?? (object)DBNull.Value, u.AnswersToCode ?? (object)DBNull.Value, u.EffectiveFrom], ct);
            if (!organ) continue;
            // An organ's sub-units move jurisdiction with it: their records change too, and history says so.
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE unit_revisions r SET valid_to = {1}
                FROM units u WHERE r.code = u.code AND r.valid_to IS NULL AND starts_with(u.path, {0} || '/');
                INSERT INTO unit_revisions (code, valid_from, name, kind, level, parent_code, answers_to_code, province_direct,
                                            vertical_superior_code, dissolved_on, reason, recorded_at)
                SELECT code, {1}, name, kind, level, parent_code, answers_to_code, province_direct, vertical_superior_code,
                       dissolved_on, {2}, {3}
                FROM units WHERE starts_with(path, {0} || '/');
                """,
                [u.Path, u.EffectiveFrom, $"moved with {u.Code}", now], ct);
        }
    }
}

