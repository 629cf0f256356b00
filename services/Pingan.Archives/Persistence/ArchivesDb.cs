using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Archives.Persistence;

/// <summary>A unit as the registry announced it: what the archives need to place a post and find its keeper.</summary>
public sealed class ArchivedUnit
{
    public required string Code { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The registry's UnitKind name (PartyCommittee, County...); empty until UnitRegistered arrives.</summary>
    public string Kind { get; set; } = "";
    public string? ParentCode { get; set; }
    public string? AnswersToCode { get; set; }
    public DateOnly? DissolvedOn { get; set; }
    /// <summary>The producer's sequence of the event that set the name, and of the one that set the standing (ADR 0012).</summary>
    public long NameSequence { get; set; }
    public long StandingSequence { get; set; }
}

/// <summary>A term of office (a post), as the registry announced it; a role change starts a new term.</summary>
public sealed class Term
{
    public Guid TermId { get; set; }
    public Guid LeaderId { get; set; }
    /// <summary>Null for a term that began with a role change: the name is the leader's from their other terms.</summary>
    public string? LeaderName { get; set; }
    public string UnitCode { get; set; } = "";
    /// <summary>The registry's LeadershipRole name: Principal, InCharge, DualDuty.</summary>
    public string Role { get; set; } = "";
    public string? Portfolio { get; set; }
    public string? Title { get; set; }
    /// <summary>Null until the term's start is known (its end arrived first).</summary>
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public string? CadreAuthorityCode { get; set; }
    public bool ComprehensiveManagement { get; set; }
    /// <summary>The term a role change ended, whose cadre authority and title carry over.</summary>
    public Guid? PreviousTermId { get; set; }
}

/// <summary>
/// A fact about a locality or unit from another service (a letter signed, a finding, a measure, an assessment
/// result), dated: it counts for the leaders who led the unit on <see cref="On"/>, or at any time in
/// <see cref="Year"/> where <see cref="SpansYear"/> (a year's letter completion, a year's assessment).
/// </summary>
public sealed class UnitRecord
{
    public required string Key { get; set; }
    public required string UnitCode { get; set; }
    public DateOnly On { get; set; }
    public int Year { get; set; }
    public bool SpansYear { get; set; }
    public required string Category { get; set; }
    public required string Kind { get; set; }
    public string Summary { get; set; } = "";
    public string Reference { get; set; } = "";
    public decimal? Value { get; set; }
    public long Sequence { get; set; }
}

/// <summary>A fact about a leader in person: a commendation, an Art. 29 recommendation, an interview.</summary>
public sealed class PersonRecord
{
    public required string Key { get; set; }
    public Guid LeaderId { get; set; }
    public string UnitCode { get; set; } = "";
    public DateOnly On { get; set; }
    public int Year { get; set; }
    public required string Category { get; set; }
    public required string Kind { get; set; }
    public string Summary { get; set; } = "";
    public string Reference { get; set; } = "";
}

/// <summary>A sanctions case, for the open cases against the units a leader leads (Art. 23).</summary>
public sealed class CaseRow
{
    public Guid CaseId { get; set; }
    public string SubjectCode { get; set; } = "";
    public int Clause { get; set; }
    public DateOnly? OpenedOn { get; set; }
    public DateOnly? ClosedOn { get; set; }
    public string? Outcome { get; set; }
}

/// <summary>A listing's window (Art. 35 ¶4) and the leaders named when it was decided; one row per case, either event first.</summary>
public sealed class Disqualification
{
    public Guid CaseId { get; set; }
    public string UnitCode { get; set; } = "";
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public string Reason { get; set; } = "";
    public Guid[] LeaderIds { get; set; } = [];
}

/// <summary>A referral to a department (Art. 32, 39) and the department's outcome; either event first.</summary>
public sealed class Referral
{
    public Guid ReferralId { get; set; }
    public Guid CaseId { get; set; }
    public string SubjectCode { get; set; } = "";
    public string Measure { get; set; } = "";
    public string Department { get; set; } = "";
    public Guid[] LeaderIds { get; set; } = [];
    public DateOnly? ReferredOn { get; set; }
    public string? Outcome { get; set; }
    public DateOnly? DecidedOn { get; set; }
}

/// <summary>The yearly grade a keeping level's office set for a leader (Art. 22).</summary>
public sealed class YearlyGradeRecord
{
    public Guid LeaderId { get; set; }
    public int Year { get; set; }
    public required string KeeperCode { get; set; }
    public required string Grade { get; set; }
    public required string Reasons { get; set; }
    public required string SetBy { get; set; }
    public DateTimeOffset SetAt { get; set; }
}

/// <summary>An Art. 23 consultation as answered and signed: the body is kept byte for byte.</summary>
public sealed class ConsultationRecord
{
    public Guid Id { get; set; }
    public Guid LeaderId { get; set; }
    public DateOnly AsOf { get; set; }
    public required string Purpose { get; set; }
    public string Reference { get; set; } = "";
    public required string LevelCode { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset AnsweredAt { get; set; }
    public required string SignedBody { get; set; }
    public required string Digest { get; set; }
    public required string Signature { get; set; }
    public required string KeyId { get; set; }
}

/// <summary>A consultation key the platform has signed with, kept after it is rotated out so old answers still verify.</summary>
public sealed class ConsultationKey
{
    public required string KeyId { get; set; }
    public required string PublicKey { get; set; }
    public DateTimeOffset FirstUsedAt { get; set; }
}

public sealed class ArchivesDb(DbContextOptions<ArchivesDb> options) : PinganDbContext(options)
{
    public DbSet<ArchivedUnit> Units => Set<ArchivedUnit>();
    public DbSet<Term> Terms => Set<Term>();
    public DbSet<UnitRecord> UnitRecords => Set<UnitRecord>();
    public DbSet<PersonRecord> PersonRecords => Set<PersonRecord>();
    public DbSet<CaseRow> Cases => Set<CaseRow>();
    public DbSet<Disqualification> Disqualifications => Set<Disqualification>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<YearlyGradeRecord> Grades => Set<YearlyGradeRecord>();
    public DbSet<ConsultationRecord> Consultations => Set<ConsultationRecord>();
    public DbSet<ConsultationKey> ConsultationKeys => Set<ConsultationKey>();

    /// <summary>What the events built, emptied by a rebuild (<see cref="Keeping.RebuildStep"/>); the office's own records stay.</summary>
    public static readonly string[] ReadModel = ["units", "terms", "unit_records", "person_records", "cases", "disqualifications", "referrals"];

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<ArchivedUnit>(e =>
        {
            e.ToTable("units");
            e.HasKey(u => u.Code);
            e.Property(u => u.Code).HasMaxLength(64);
            e.Property(u => u.Name).HasMaxLength(200);
            e.Property(u => u.Kind).HasMaxLength(32);
            e.Property(u => u.ParentCode).HasMaxLength(64);
            e.Property(u => u.AnswersToCode).HasMaxLength(64);
            e.HasIndex(u => u.ParentCode);
        });
        b.Entity<Term>(e =>
        {
            e.ToTable("terms");
            e.HasKey(t => t.TermId);
            e.Property(t => t.LeaderName).HasMaxLength(100);
            e.Property(t => t.UnitCode).HasMaxLength(64);
            e.Property(t => t.Role).HasMaxLength(16);
            e.Property(t => t.Portfolio).HasMaxLength(200);
            e.Property(t => t.Title).HasMaxLength(200);
            e.Property(t => t.CadreAuthorityCode).HasMaxLength(64);
            e.HasIndex(t => t.LeaderId);
            e.HasIndex(t => t.UnitCode);
        });
        b.Entity<UnitRecord>(e =>
        {
            e.ToTable("unit_records");
            e.HasKey(r => r.Key);
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.UnitCode).HasMaxLength(64);
            e.Property(r => r.On).HasColumnName("on");
            e.Property(r => r.Category).HasMaxLength(16);
            e.Property(r => r.Kind).HasMaxLength(32);
            e.Property(r => r.Summary).HasMaxLength(1000);
            e.Property(r => r.Reference).HasMaxLength(200);
            e.Property(r => r.Value).HasPrecision(12, 4);
            e.HasIndex(r => new { r.UnitCode, r.On });
        });
        b.Entity<PersonRecord>(e =>
        {
            e.ToTable("person_records");
            e.HasKey(r => r.Key);
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.UnitCode).HasMaxLength(64);
            e.Property(r => r.On).HasColumnName("on");
            e.Property(r => r.Category).HasMaxLength(16);
            e.Property(r => r.Kind).HasMaxLength(32);
            e.Property(r => r.Summary).HasMaxLength(1000);
            e.Property(r => r.Reference).HasMaxLength(200);
            e.HasIndex(r => r.LeaderId);
        });
        b.Entity<CaseRow>(e =>
        {
            e.ToTable("cases");
            e.HasKey(c => c.CaseId);
            e.Property(c => c.SubjectCode).HasMaxLength(64);
            e.Property(c => c.Outcome).HasMaxLength(32);
            e.HasIndex(c => c.SubjectCode);
        });
        b.Entity<Disqualification>(e =>
        {
            e.ToTable("disqualifications");
            e.HasKey(d => d.CaseId);
            e.Property(d => d.UnitCode).HasMaxLength(64);
            e.Property(d => d.Reason).HasMaxLength(500);
            e.HasIndex(d => d.UnitCode);
        });
        b.Entity<Referral>(e =>
        {
            e.ToTable("referrals");
            e.HasKey(r => r.ReferralId);
            e.Property(r => r.SubjectCode).HasMaxLength(64);
            e.Property(r => r.Measure).HasMaxLength(64);
            e.Property(r => r.Department).HasMaxLength(64);
            e.Property(r => r.Outcome).HasMaxLength(500);
            e.HasIndex(r => r.LeaderIds).HasMethod("gin");
        });
        b.Entity<YearlyGradeRecord>(e =>
        {
            e.ToTable("yearly_grades");
            e.HasKey(g => new { g.LeaderId, g.Year, g.KeeperCode });
            e.Property(g => g.KeeperCode).HasMaxLength(64);
            e.Property(g => g.Grade).HasMaxLength(16);
            e.Property(g => g.Reasons).HasMaxLength(2000);
            e.Property(g => g.SetBy).HasMaxLength(200);
        });
        b.Entity<ConsultationRecord>(e =>
        {
            e.ToTable("consultations");
            e.Property(c => c.Purpose).HasMaxLength(32);
            e.Property(c => c.Reference).HasMaxLength(200);
            e.Property(c => c.LevelCode).HasMaxLength(64);
            e.Property(c => c.RequestedBy).HasMaxLength(200);
            e.Property(c => c.Digest).HasMaxLength(64);
            e.Property(c => c.Signature).HasMaxLength(200);
            e.Property(c => c.KeyId).HasMaxLength(32);
            e.HasIndex(c => c.LeaderId);
        });
        b.Entity<ConsultationKey>(e =>
        {
            e.ToTable("consultation_keys");
            e.HasKey(k => k.KeyId);
            e.Property(k => k.KeyId).HasMaxLength(32);
            e.Property(k => k.PublicKey).HasMaxLength(200);
        });
        b.AddEventLogPositions(); // ADR 0012: how far each producer's log has been read
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        base.OnModelCreating(b);
    }
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class ArchivesDbDesignTimeFactory : IDesignTimeDbContextFactory<ArchivesDb>
{
    public ArchivesDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ArchivesDb>().UsePinganPostgres("Host=localhost").Options);
}
