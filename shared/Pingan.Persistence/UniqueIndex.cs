using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Pingan.Persistence;

/// <summary>Rules the database keeps with a unique index, told apart by the index's name.</summary>
public static class UniqueIndex
{
    /// <summary>Whether a failed write met a row holding the same value under the unique index <paramref name="name"/>.</summary>
    public static bool Violated(Exception e, string name) =>
        e is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg } && pg.ConstraintName == name;
}
