using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pingan.Audit;

/// <summary>One line of the audit trail: who did what to which target, when, and how it ended.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? ActorUnit { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
    /// <summary>The chain key the hash was made with (<see cref="AuditChainKey"/>); empty for an unkeyed entry.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>
    /// The hash over every field and the previous entry's hash, as a JSON array (unambiguous, unlike a joined
    /// string): HMAC-SHA256 under the chain key the entry names, or SHA-256 for an unkeyed entry. Changing any
    /// field of any entry, or removing or inserting one, breaks every hash after it; without the key nobody can
    /// make them agree again. Null when the entry names a key this service does not hold.
    /// </summary>
    public string? ComputeHash(AuditChainKey key)
    {
        object?[] fields =
        [
            Sequence, At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture), Actor, ActorUnit, Action, Target, Outcome, Detail, PreviousHash,
        ];
        // An unkeyed entry keeps the form it always had; a keyed one also covers the key's name.
        return key.Hash(KeyId, JsonSerializer.SerializeToUtf8Bytes(KeyId.Length == 0 ? fields : [.. fields, KeyId]));
    }
}

/// <summary>The tip of the chain: one row, locked by each writer until it commits, so entries chain in order.</summary>
public sealed class AuditHead
{
    public int Id { get; set; }
    public long LastSequence { get; set; }
    public required string LastHash { get; set; }
}

public static class Outcomes
{
    public const string Succeeded = "SUCCEEDED";
    /// <summary>The caller's mistake, or a rule about the current state.</summary>
    public const string Refused = "REFUSED";
    /// <summary>The caller has no right to it.</summary>
    public const string Denied = "DENIED";
    public const string Failed = "FAILED";
}

public static class AuditModel
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Adds the audit trail's tables to a service's model (call from OnModelCreating).</summary>
    public static ModelBuilder AddAuditTrail(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.ActorUnit).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(200);
            e.Property(x => x.Target).HasMaxLength(500);
            e.Property(x => x.Outcome).HasMaxLength(16);
            e.Property(x => x.PreviousHash).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.KeyId).HasMaxLength(16).HasDefaultValue("");
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.Actor, x.Sequence });
            e.HasIndex(x => new { x.Target, x.Sequence });
        });
        modelBuilder.Entity<AuditHead>(e =>
        {
            e.ToTable("audit_head");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.LastHash).HasMaxLength(64);
            e.HasData(new AuditHead { Id = 1, LastSequence = 0, LastHash = Genesis });
        });
        return modelBuilder;
    }

    /// <summary>
    /// Makes the entries append-only in the database (call from the migration that adds the tables): updates,
    /// deletes and truncation are refused. Whoever gets round that (a superuser) still cannot hide it from
    /// the hash chain's verification.
    /// </summary>
    public static void AddAuditTrailGuards(this MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        """
        CREATE OR REPLACE FUNCTION pingan_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit trail is append-only: % refused on %', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
            FOR EACH ROW EXECUTE FUNCTION pingan_audit_append_only();
        CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
            FOR EACH STATEMENT EXECUTE FUNCTION pingan_audit_append_only();
        """);
}
