using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Pingan.Audit;

/// <summary>What happened, to record: the actor comes from the call.</summary>
public sealed record AuditRecord(string Action, string? Target, string Outcome = Outcomes.Succeeded, string? Detail = null);

/// <summary>Who is acting: the authenticated caller of the current request, or "anonymous".</summary>
public sealed record AuditActor(string Id, string? Unit)
{
    public static AuditActor Of(HttpContext? context)
    {
        if (context is null) return new AuditActor("system", null);   // a step (migrate, seed), not a call
        var user = context.User;
        var id = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        var name = user.FindFirstValue("name") ?? user.Identity?.Name;
        var address = context.Connection.RemoteIpAddress?.ToString();
        var who = id is null ? "anonymous" : name is null ? id : $"{id} ({name})";
        return new AuditActor(address is null ? who : $"{who} @{address}", user.FindFirstValue("unit"));
    }
}

public interface IAuditTrail
{
    /// <summary>
    /// Appends an entry in the service's current (open) transaction, so it commits or rolls back with the change
    /// it records. Call it last before the commit: it holds the chain's tip until then.
    /// </summary>
    Task RecordAsync(AuditRecord record, CancellationToken ct);

    /// <summary>Appends an entry in a transaction of its own: for a call that was refused or denied and changed nothing.</summary>
    Task RecordSeparatelyAsync(AuditRecord record, CancellationToken ct);
}

internal sealed class AuditTrail<TDb>(TDb db, IServiceScopeFactory scopes, IHttpContextAccessor http, TimeProvider time, AuditChainKey key) : IAuditTrail
    where TDb : DbContext
{
    public Task RecordAsync(AuditRecord record, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("RecordAsync needs the change's transaction open, so the entry commits with it.");
        return AppendAsync(db, key, record, AuditActor.Of(http.HttpContext), time.GetUtcNow(), ct);
    }

    public async Task RecordSeparatelyAsync(AuditRecord record, CancellationToken ct)
    {
        var actor = AuditActor.Of(http.HttpContext);
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<TDb>();
        await using var tx = await own.Database.BeginTransactionAsync(ct);
        await AppendAsync(own, key, record, actor, time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
    }

    private static async Task AppendAsync(DbContext db, AuditChainKey key, AuditRecord record, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        // The tip's row lock orders the writers: the next entry is chained on this one's hash after it commits.
        var head = await db.Set<AuditHead>().FromSqlRaw("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE").AsNoTracking().SingleAsync(ct);
        var entry = new AuditEntry
        {
            Sequence = head.LastSequence + 1,
            // PostgreSQL keeps microseconds: hash what will be read back.
            At = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero),
            Actor = Truncate(actor.Id, 200),
            ActorUnit = actor.Unit is null ? null : Truncate(actor.Unit, 64),
            Action = Truncate(record.Action, 200),
            Target = record.Target is null ? null : Truncate(record.Target, 500),
            Outcome = record.Outcome,
            Detail = record.Detail,
            PreviousHash = head.LastHash,
            Hash = "",
            KeyId = key.Id,
        };
        entry.Hash = entry.ComputeHash(key)!;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO audit_entries (sequence, at, actor, actor_unit, action, target, outcome, detail, previous_hash, hash, key_id)
            VALUES ({entry.Sequence}, {entry.At}, {entry.Actor}, {entry.ActorUnit}, {entry.Action}, {entry.Target}, {entry.Outcome},
                    {entry.Detail}, {entry.PreviousHash}, {entry.Hash}, {entry.KeyId});
            UPDATE audit_head SET last_sequence = {entry.Sequence}, last_hash = {entry.Hash} WHERE id = 1;
            """, ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
