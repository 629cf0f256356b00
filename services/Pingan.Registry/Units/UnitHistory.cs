using Microsoft.EntityFrameworkCore;
using Pingan.Registry.Persistence;

namespace Pingan.Registry.Units;

public static class UnitHistory
{
    /// <summary>The unit as it stood on <paramref name="day"/>, or null if it did not exist then.</summary>
    public static Task<UnitRevision?> RevisionOnAsync(this RegistryDb db, string code, DateOnly day, CancellationToken ct) =>
        db.UnitRevisions.AsNoTracking()
            .Where(r => r.Code == code && r.ValidFrom <= day && (r.ValidTo == null || r.ValidTo > day))
            .OrderByDescending(r => r.ValidFrom).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
}
