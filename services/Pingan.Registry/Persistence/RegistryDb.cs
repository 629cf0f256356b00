using Pingan.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Registry.Commissions;
using Pingan.Registry.Integration;
using Pingan.Registry.Leadership;
using Pingan.Registry.Units;

namespace Pingan.Registry.Persistence;

public sealed class RegistryDb(DbContextOptions<RegistryDb> options) : PinganDbContext(options)
{
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<UnitRevision> UnitRevisions => Set<UnitRevision>();
    public DbSet<Leader> Leaders => Set<Leader>();
    public DbSet<Term> Terms => Set<Term>();
    public DbSet<Commission> Commissions => Set<Commission>();
    public DbSet<AppliedChange> AppliedChanges => Set<AppliedChange>();
    public DbSet<Leadership.SanctionCaseRecord> SanctionCases => Set<Leadership.SanctionCaseRecord>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Unit>(e =>
        {
            e.HasKey(u => u.Code);
            e.Property(u => u.Code).HasMaxLength(64);
            e.Property(u => u.Name).HasMaxLength(100);
            e.Property(u => u.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(u => u.Level).HasConversion<string>().HasMaxLength(16);
            e.Property(u => u.PinyinInitials).HasMaxLength(100);
            // Byte order, so that a subtree is the range [path + '/', path + '0') of one btree index.
            e.Property(u => u.Path).UseCollation("C");
            e.HasIndex(u => u.Path).IsUnique();
            e.HasIndex(u => u.ParentCode);
            e.HasIndex(u => u.AnswersToCode);
            e.HasOne<Unit>().WithMany().HasForeignKey(u => u.ParentCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Unit>().WithMany().HasForeignKey(u => u.VerticalSuperiorCode).OnDelete(DeleteBehavior.Restrict);
            e.Ignore(u => u.Depth);
        });
        b.Entity<UnitRevision>(e =>
        {
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.Level).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(r => new { r.Code, r.ValidFrom });
        });
        b.Entity<Leader>(e =>
        {
            e.Property(l => l.Name).HasMaxLength(50);
            e.HasIndex(l => l.ExternalId).IsUnique();
        });
        b.Entity<Term>(e =>
        {
            e.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
            e.Property(t => t.Portfolio).HasMaxLength(50);
            e.HasIndex(t => t.ExternalId).IsUnique();
            e.HasIndex(t => new { t.UnitCode, t.StartsOn });
            e.HasIndex(t => new { t.LeaderId, t.StartsOn });
            e.HasOne<Leader>().WithMany().HasForeignKey(t => t.LeaderId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Unit>().WithMany().HasForeignKey(t => t.UnitCode).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<Commission>(e =>
        {
            e.HasIndex(c => c.JurisdictionCode).IsUnique().HasFilter("dissolved_on IS NULL");
            e.HasOne<Unit>().WithMany().HasForeignKey(c => c.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(c => c.MemberUnits).WithOne().HasForeignKey(m => m.CommissionId);
            e.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CommissionId);
        });
        b.Entity<CommissionMemberUnit>(e =>
        {
            e.HasIndex(m => new { m.CommissionId, m.UnitCode });
            // Issue 12: one open membership per unit, held by the database against two concurrent adds.
            e.HasIndex(m => new { m.CommissionId, m.UnitCode }, "ux_commission_member_units_open").IsUnique().HasFilter("left_on IS NULL");
            e.HasOne<Unit>().WithMany().HasForeignKey(m => m.UnitCode).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<CommissionMember>(e =>
        {
            e.HasOne<Leader>().WithMany().HasForeignKey(m => m.LeaderId).OnDelete(DeleteBehavior.Restrict);
            // Issue 12: one open seat per leader and position on a commission.
            e.HasIndex(m => new { m.CommissionId, m.LeaderId, m.Position }, "ux_commission_members_open").IsUnique().HasFilter("ends_on IS NULL");
        });
        b.Entity<AppliedChange>(e => e.HasKey(a => new { a.Source, a.ChangeId }));

        b.Entity<Leadership.SanctionCaseRecord>(e =>
        {
            e.ToTable("sanction_cases");
            e.HasKey(c => c.CaseId);
            e.Property(c => c.SubjectCode).HasMaxLength(64);
            e.HasIndex(c => new { c.SubjectCode, c.IncidentOn }).HasFilter("closed_at IS NULL");
        });
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        b.AddDemoDataLedger();
        base.OnModelCreating(b);
    }
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class RegistryDbDesignTimeFactory : IDesignTimeDbContextFactory<RegistryDb>
{
    public RegistryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<RegistryDb>().UsePinganPostgres("Host=localhost").Options);
}
