using Pingan.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.Evidence;
using Pingan.Letters.Letters;
using Pingan.Letters.Templates;
using Pingan.Messaging;
using Pingan.Persistence;

namespace Pingan.Letters.Persistence;

public sealed class LettersDb(DbContextOptions<LettersDb> options) : PinganDbContext(options)
{
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<TemplateTarget> TemplateTargets => Set<TemplateTarget>();
    public DbSet<Letter> Letters => Set<Letter>();
    public DbSet<LetterTarget> LetterTargets => Set<LetterTarget>();
    public DbSet<Signing.SigningKey> SigningKeys => Set<Signing.SigningKey>();
    public DbSet<Signing.EnrolmentChallenge> EnrolmentChallenges => Set<Signing.EnrolmentChallenge>();
    public DbSet<Signing.LetterSignature> Signatures => Set<Signing.LetterSignature>();
    public DbSet<SigningReminder> SigningReminders => Set<SigningReminder>();
    public DbSet<Reporting.EvidenceFile> EvidenceFiles => Set<Reporting.EvidenceFile>();
    public DbSet<Reporting.ProgressEntry> ProgressEntries => Set<Reporting.ProgressEntry>();
    public DbSet<Reporting.Completion> Completions => Set<Reporting.Completion>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Template>(e =>
        {
            e.Property(t => t.IssuerCode).HasMaxLength(64);
            e.Property(t => t.Title).HasMaxLength(200);
            e.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(t => new { t.IssuerCode, t.Year });
            e.HasMany(t => t.Targets).WithOne().HasForeignKey(t => t.TemplateId);
        });
        b.Entity<TemplateTarget>(e =>
        {
            TargetMapping.Configure(e);
            e.HasIndex(t => new { t.TemplateId, t.Code }).IsUnique();
        });
        b.Entity<Letter>(e =>
        {
            e.Property(l => l.IssuerCode).HasMaxLength(64);
            e.Property(l => l.ReceiverCode).HasMaxLength(64);
            e.Property(l => l.ReceiverName).HasMaxLength(100);
            e.Property(l => l.Title).HasMaxLength(200);
            e.Property(l => l.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(l => l.AmendmentReason).HasMaxLength(500);
            // Two amendments or signatures racing on one version: the second is told to read again.
            e.Property(l => l.RowVersion).IsRowVersion();
            // One letter a year between an issuer and a receiver; amendments are later versions of it.
            e.HasIndex(l => new { l.Year, l.IssuerCode, l.ReceiverCode, l.Version }).IsUnique();
            e.HasIndex(l => new { l.ReceiverCode, l.Year });
            e.HasMany(l => l.Targets).WithOne().HasForeignKey(t => t.LetterId);
        });
        b.Entity<LetterTarget>(e =>
        {
            TargetMapping.Configure(e);
            e.HasIndex(t => t.ParentTargetId);
            e.HasIndex(t => t.LineageId);
        });
        b.Entity<Signing.SigningKey>(e =>
        {
            e.Property(k => k.LeaderName).HasMaxLength(50);
            e.Property(k => k.PublicKey).HasMaxLength(130);
            e.Property(k => k.RegisteredBy).HasMaxLength(200);
            // One key in use per leader; a new one revokes the old.
            e.HasIndex(k => k.LeaderId).IsUnique().HasFilter("revoked_at IS NULL");
        });
        b.Entity<Signing.EnrolmentChallenge>(e =>
        {
            e.Property(c => c.Nonce).HasMaxLength(32);
            e.Property(c => c.IssuedTo).HasMaxLength(200);
        });
        b.Entity<Signing.LetterSignature>(e =>
        {
            e.Property(x => x.Side).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.UnitCode).HasMaxLength(64);
            e.Property(x => x.LeaderName).HasMaxLength(50);
            e.Property(x => x.PublicKey).HasMaxLength(130);
            e.HasIndex(x => new { x.LetterId, x.Side }).IsUnique();
        });
        b.Entity<SigningReminder>(e =>
        {
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Outcome).HasMaxLength(16);
            // The sweep's question: what is due and not fired yet.
            e.HasIndex(r => r.DueOn).HasFilter("fired_at IS NULL");
            e.HasIndex(r => r.LetterId);
            e.HasOne<Letter>().WithMany().HasForeignKey(r => r.LetterId);
        });
        b.Entity<Reporting.EvidenceFile>(e =>
        {
            e.Property(x => x.IssuerCode).HasMaxLength(64);
            e.Property(x => x.ReceiverCode).HasMaxLength(64);
            e.Property(x => x.TargetCode).HasMaxLength(20);
            e.IsEvidence();
            e.HasIndex(x => new { x.Year, x.IssuerCode, x.ReceiverCode, x.TargetCode });
            e.HasOne<Letter>().WithMany().HasForeignKey(x => x.LetterId);
        });
        b.Entity<Reporting.ProgressEntry>(e =>
        {
            e.Property(x => x.IssuerCode).HasMaxLength(64);
            e.Property(x => x.ReceiverCode).HasMaxLength(64);
            e.Property(x => x.TargetCode).HasMaxLength(20);
            e.Property(x => x.Note).HasMaxLength(2000);
            e.Property(x => x.ReportedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.Year, x.IssuerCode, x.ReceiverCode, x.TargetCode });
            e.HasOne<Letter>().WithMany().HasForeignKey(x => x.LetterId);
        });
        b.Entity<Reporting.Completion>(e =>
        {
            e.HasKey(x => x.LetterId);
            e.Property(x => x.Figure).HasPrecision(7, 2);
            e.Property(x => x.CompletedBy).HasMaxLength(200);
            e.HasOne<Letter>().WithOne().HasForeignKey<Reporting.Completion>(x => x.LetterId);
            e.HasMany(x => x.Results).WithOne().HasForeignKey(x => x.LetterId);
        });
        b.Entity<Reporting.CompletionResult>(e =>
        {
            e.ToTable("completion_results");
            e.HasKey(x => new { x.LetterId, x.Code });
            e.Property(x => x.Code).HasMaxLength(20);
            e.Property(x => x.Percent).HasPrecision(7, 4);
            e.Property(x => x.Note).HasMaxLength(500);
        });
        b.Entity<Letter>().HasMany<Signing.LetterSignature>().WithOne().HasForeignKey(x => x.LetterId);
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        base.OnModelCreating(b);
    }
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class LettersDbDesignTimeFactory : IDesignTimeDbContextFactory<LettersDb>
{
    public LettersDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LettersDb>().UsePinganPostgres("Host=localhost").Options);
}
