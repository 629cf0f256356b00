using Microsoft.EntityFrameworkCore;

namespace Pingan.Persistence;

public static class KeyLock
{
    /// <summary>
    /// Takes a transaction-scoped advisory lock on <paramref name="key"/> (a PostgreSQL 64-bit hash of it): for an
    /// aggregate whose first write inserts its row, so there is no row yet to lock. Needs the change's transaction open.
    /// </summary>
    public static async Task LockKeyAsync(this DbContext db, string key, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("LockKeyAsync needs the change's transaction open: the lock is held until it ends.");
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);
    }
}
