using Pingan.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.Rules;
using Pingan.Sanctions.Cases;

namespace Pingan.Sanctions.Persistence;

public sealed class SanctionsDb(DbContextOptions<SanctionsDb> options) : PinganDbContext(options)
{
    public DbSet<SanctionCase> Cases => Set<SanctionCase>();
    public DbSet<Cases.CaseStep> Steps => Set<Cases.CaseStep>();
    public DbSet<CaseDeadline> Deadlines => Set<CaseDeadline>();
    public DbSet<JointMeeting> JointMeetings => Set<JointMeeting>();
    public DbSet<CaseReport> Reports => Set<CaseReport>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<CaseCircumstance> Circumstances => Set<CaseCircumstance>();
    public DbSet<DistributionEntry> Distributions => Set<DistributionEntry>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<SanctionCase>(e =>
        {
            e.ToTable("cases");
            e.Property(c => c.SubjectCode).HasMaxLength(64);
            e.Property(c => c.SubjectName).HasMaxLength(100);
            e.Property(c => c.Source).HasMaxLength(32);
            e.Property(c => c.Severity).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Summary).HasMaxLength(4000);
            e.Property(c => c.ReportedBy).HasMaxLength(200);
            e.Property(c => c.SourceReference).HasMaxLength(200);
            // One case per referred source (an inspection finding), whatever the deliveries of its event.
            e.HasIndex(c => c.SourceReference).IsUnique().HasFilter("source_reference IS NOT NULL");
            e.Property(c => c.ResponsibleCode).HasMaxLength(64);
            e.Property(c => c.UpperCode).HasMaxLength(64);
            e.Property(c => c.FollowUpCode).HasMaxLength(64);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.StatusBeforeProposal).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.ListingAcceptance).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Stage).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.ProposedStage).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.EscalationReason).HasMaxLength(500);
            // "The cases within a unit": the subject's chain holds the unit.
            e.HasIndex(c => c.SubjectChain).HasMethod("gin");
            // Issue 12: one open listing per unit, proposed or decided, held by the database against concurrent batches and proposals.
            e.HasIndex(c => c.SubjectCode).IsUnique().HasDatabaseName(SanctionCase.OneOpenListing)
                .HasFilter("((stage = 'Listing' OR proposed_stage = 'Listing') AND status NOT IN ('Closed', 'Dismissed', 'VetoReferred')) OR listing_in_force");
            e.HasMany(c => c.Deadlines).WithOne().HasForeignKey(d => d.CaseId);
            e.HasMany(c => c.Interviewees).WithOne().HasForeignKey(i => i.CaseId);
            e.HasMany(c => c.Referrals).WithOne().HasForeignKey(r => r.CaseId);
            e.HasMany(c => c.Circumstances).WithOne().HasForeignKey(x => x.CaseId);
            e.HasMany(c => c.Distribution).WithOne().HasForeignKey(x => x.CaseId);
        });
        b.Entity<DistributionEntry>(e =>
        {
            e.ToTable("case_distributions");
            e.HasKey(x => new { x.CaseId, x.Round, x.UnitCode });
            e.Property(x => x.UnitCode).HasMaxLength(64);
            e.Property(x => x.UnitName).HasMaxLength(100);
            e.Property(x => x.Role).HasMaxLength(32);
        });
        b.Entity<CaseCircumstance>(e =>
        {
            e.ToTable("case_circumstances");
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Clause).HasMaxLength(16);
            e.Property(x => x.Description).HasMaxLength(2000);
            e.Property(x => x.Evidence).HasMaxLength(4000);
            e.Property(x => x.RecordedBy).HasMaxLength(200);
        });
        b.Entity<Referral>(e =>
        {
            e.ToTable("referrals");
            e.Property(r => r.Measure).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.Department).HasMaxLength(32);
            e.Property(r => r.Leaders).HasColumnType("jsonb");
            e.Property(r => r.Grounds).HasMaxLength(4000);
            e.Property(r => r.CreatedBy).HasMaxLength(200);
            e.Property(r => r.LastError).HasMaxLength(500);
            e.Property(r => r.Reference).HasMaxLength(100);
            e.Property(r => r.Outcome).HasMaxLength(2000);
            // The dispatcher's question: which referrals wait for delivery now.
            e.HasIndex(r => r.NextAttemptAt).HasFilter("acknowledged_at IS NULL");
        });
        b.Entity<Cases.CaseStep>(e =>
        {
            e.ToTable("case_steps");
            e.HasKey(s => new { s.CaseId, s.Sequence });
            e.Property(s => s.Actor).HasMaxLength(300);
            e.Property(s => s.Action).HasMaxLength(64);
            e.Property(s => s.Article).HasMaxLength(64);
            e.Property(s => s.StatusAfter).HasConversion<string>().HasMaxLength(32);
            e.Property(s => s.Detail).HasColumnType("jsonb");
            e.HasOne<SanctionCase>().WithMany().HasForeignKey(s => s.CaseId);
        });
        b.Entity<CaseDeadline>(e =>
        {
            e.ToTable("case_deadlines");
            e.Property(d => d.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(d => d.Rule).HasMaxLength(32);
            e.Property(d => d.Outcome).HasMaxLength(32);
            // The sweep's question: which deadlines are due and neither fired nor cancelled.
            e.HasIndex(d => d.FiresOn).HasFilter("fired_at IS NULL AND cancelled_at IS NULL").IncludeProperties(d => d.CaseId);
            e.HasIndex(d => d.CaseId);
            // Deadlines counted before their year's holiday schedule was loaded, to count again.
            e.HasIndex(d => d.BasisOn).HasDatabaseName("ix_case_deadlines_provisional").HasFilter("provisional AND fired_at IS NULL AND cancelled_at IS NULL");
        });
        b.Entity<Interviewee>(e =>
        {
            e.ToTable("case_interviewees");
            e.HasKey(i => new { i.CaseId, i.Round, i.LeaderId });
            e.Property(i => i.Name).HasMaxLength(50);
            e.Property(i => i.UnitCode).HasMaxLength(64);
            e.Property(i => i.Role).HasMaxLength(32);
        });
        b.Entity<JointMeeting>(e =>
        {
            e.ToTable("joint_meetings");
            e.Property(m => m.Attendees).HasColumnType("jsonb");
            e.Property(m => m.Minutes).HasMaxLength(4000);
            e.HasOne<SanctionCase>().WithMany(c => c.JointMeetings).HasForeignKey(m => m.CaseId);
        });
        b.Entity<CaseReport>(e =>
        {
            e.ToTable("case_reports");
            e.Property(r => r.Kind).HasMaxLength(16);
            e.Property(r => r.Text).HasMaxLength(8000);
            e.Property(r => r.SubmittedBy).HasMaxLength(200);
            e.HasIndex(r => new { r.CaseId, r.Round });
            e.HasOne<SanctionCase>().WithMany().HasForeignKey(r => r.CaseId);
        });
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        b.AddEventLogPositions();
        b.AddRegulationRules();
        base.OnModelCreating(b);
    }
}

public static class CaseQueries
{
    /// <summary>A case with everything its API view shows: deadlines, interviewees, referrals, circumstances, distribution.</summary>
    public static IQueryable<SanctionCase> WithParts(this IQueryable<SanctionCase> cases) =>
        cases.Include(c => c.Deadlines).Include(c => c.Interviewees).Include(c => c.Referrals).Include(c => c.Circumstances)
            .Include(c => c.Distribution).Include(c => c.JointMeetings).AsSplitQuery();
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class SanctionsDbDesignTimeFactory : IDesignTimeDbContextFactory<SanctionsDb>
{
    public SanctionsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SanctionsDb>().UsePinganPostgres("Host=localhost").Options);
}
