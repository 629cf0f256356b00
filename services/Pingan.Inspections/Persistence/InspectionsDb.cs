using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.Evidence;
using Pingan.Inspections.Inspections;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Inspections.Persistence;

public sealed class InspectionsDb(DbContextOptions<InspectionsDb> options) : PinganDbContext(options)
{
    public DbSet<Inspection> Inspections => Set<Inspection>();
    public DbSet<Finding> Findings => Set<Finding>();
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<InspectionEvidence> Evidence => Set<InspectionEvidence>();
    public DbSet<Duties.DutyRule> DutyRules => Set<Duties.DutyRule>();
    public DbSet<Duties.ReportingDuty> Duties => Set<Duties.ReportingDuty>();
    public DbSet<Duties.DutyDocument> DutyDocuments => Set<Duties.DutyDocument>();
    public DbSet<Incidents.IncidentReport> Incidents => Set<Incidents.IncidentReport>();
    public DbSet<Duties.WorkInformation> WorkInformation => Set<Duties.WorkInformation>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Inspection>(e =>
        {
            e.ToTable("inspections");
            e.Property(i => i.Form).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Title).HasMaxLength(200);
            e.Property(i => i.WorkItem).HasMaxLength(500);
            e.Property(i => i.InspectingCode).HasMaxLength(64);
            e.Property(i => i.InspectingName).HasMaxLength(100);
            e.Property(i => i.PlannedBy).HasMaxLength(200);
            e.Property(i => i.Summary).HasMaxLength(4000);
            // "Of or by a unit within X": the list's question.
            e.HasIndex(i => i.ScopeChain).HasMethod("gin");
            // Newest first, a page at a time: a city's page stops after its rows instead of sorting all it holds.
            e.HasIndex(i => new { i.PlannedAt, i.Id }).IsDescending();
            e.HasMany(i => i.Targets).WithOne().HasForeignKey(t => t.InspectionId);
            e.HasMany(i => i.Team).WithOne().HasForeignKey(t => t.InspectionId);
            e.HasMany(i => i.Visits).WithOne().HasForeignKey(v => v.InspectionId);
            e.HasMany(i => i.Findings).WithOne().HasForeignKey(f => f.InspectionId);
        });
        b.Entity<InspectionTarget>(e =>
        {
            e.ToTable("inspection_targets");
            e.HasKey(t => new { t.InspectionId, t.UnitCode });
            e.Property(t => t.UnitCode).HasMaxLength(64);
            e.Property(t => t.UnitName).HasMaxLength(100);
        });
        b.Entity<TeamMember>(e =>
        {
            e.ToTable("team_members");
            e.HasKey(t => new { t.InspectionId, t.Position });
            e.Property(t => t.Subject).HasMaxLength(200);
            e.Property(t => t.Name).HasMaxLength(50);
            e.Property(t => t.UnitCode).HasMaxLength(64);
            e.Property(t => t.CommissionPosition).HasMaxLength(50);
        });
        b.Entity<Visit>(e =>
        {
            e.ToTable("visits");
            e.Property(v => v.TargetCode).HasMaxLength(64);
            e.Property(v => v.Note).HasMaxLength(2000);
            e.Property(v => v.RecordedBy).HasMaxLength(200);
        });
        b.Entity<Finding>(e =>
        {
            e.ToTable("findings");
            e.Property(f => f.TargetCode).HasMaxLength(64);
            e.Property(f => f.ConcernKind).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.ConcernReference).HasMaxLength(200);
            e.Property(f => f.Severity).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.Description).HasMaxLength(4000);
            e.Property(f => f.Rectification).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.Demand).HasMaxLength(2000);
            e.Property(f => f.Report).HasMaxLength(4000);
            e.Property(f => f.Verdict).HasMaxLength(2000);
            e.Property(f => f.RecordedBy).HasMaxLength(200);
            // The sweep's question: which demands are owed past their day and not yet raised.
            e.HasIndex(f => f.DueOn).HasFilter("overdue_since IS NULL AND rectification IN ('Demanded', 'Rejected')");
        });
        b.Entity<InspectionEvidence>(e =>
        {
            e.ToTable("inspection_evidence");
            e.IsEvidence();
            e.Property(x => x.UnitCode).HasMaxLength(64);
            e.Property(x => x.CapturedPlace).HasMaxLength(200);
            e.HasIndex(x => x.InspectionId);
            e.HasOne<Inspection>().WithMany().HasForeignKey(x => x.InspectionId);
        });
        b.Entity<Duties.DutyRule>(e =>
        {
            e.ToTable("duty_rules");
            e.HasKey(r => new { r.Year, r.Kind });
            e.Property(r => r.Kind).HasMaxLength(64);
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Article).HasMaxLength(32);
            e.Property(r => r.Party).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.SetBy).HasMaxLength(200);
            e.Property(r => r.Reason).HasMaxLength(500);
        });
        b.Entity<Duties.ReportingDuty>(e =>
        {
            e.ToTable("reporting_duties");
            e.Property(d => d.Kind).HasMaxLength(64);
            e.Property(d => d.Title).HasMaxLength(200);
            e.Property(d => d.Article).HasMaxLength(32);
            e.Property(d => d.Party).HasConversion<string>().HasMaxLength(32);
            e.Property(d => d.PartyCode).HasMaxLength(64);
            e.Property(d => d.PartyName).HasMaxLength(100);
            e.Property(d => d.UnitCode).HasMaxLength(64);
            e.Property(d => d.JurisdictionCode).HasMaxLength(64);
            e.Property(d => d.RecipientCode).HasMaxLength(64);
            e.Property(d => d.CityCode).HasMaxLength(64);
            e.Property(d => d.CountyCode).HasMaxLength(64);
            e.Property(d => d.SubmittedBy).HasMaxLength(200);
            e.Property(d => d.Text).HasMaxLength(4000);
            e.Property(d => d.Form).HasMaxLength(16);
            // One row per duty, party and due day: generating again adds only what is missing.
            e.HasIndex(d => new { d.Year, d.Kind, d.PartyCode, d.DueOn }).IsUnique();
            // "Within a unit" for lists and the overview.
            e.HasIndex(d => d.ScopeChain).HasMethod("gin");
            // The sweep's question: not submitted, past due, not yet raised.
            e.HasIndex(d => d.DueOn).HasDatabaseName("ix_reporting_duties_unsubmitted").HasFilter("submitted_at IS NULL AND missed_at IS NULL");
        });
        b.Entity<Duties.DutyDocument>(e =>
        {
            e.ToTable("duty_documents");
            e.IsEvidence();
            e.HasIndex(x => x.DutyId);
            e.HasOne<Duties.ReportingDuty>().WithMany().HasForeignKey(x => x.DutyId);
        });
        b.Entity<Duties.WorkInformation>(e =>
        {
            e.ToTable("work_information");
            e.Property(x => x.UnitCode).HasMaxLength(64);
            e.Property(x => x.UnitName).HasMaxLength(200);
            e.Property(x => x.JurisdictionCode).HasMaxLength(64);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Text).HasMaxLength(20000);
            e.Property(x => x.SubmittedBy).HasMaxLength(200);
            e.HasIndex(x => x.ScopeChain).HasMethod("gin");
            e.HasIndex(x => new { x.Year, x.UnitCode });
            e.HasIndex(x => new { x.SubmittedAt, x.Id }).IsDescending();
        });
        b.Entity<Incidents.IncidentReport>(e =>
        {
            e.ToTable("incidents");
            e.Property(i => i.PlaceCode).HasMaxLength(64);
            e.Property(i => i.PlaceName).HasMaxLength(100);
            e.Property(i => i.Summary).HasMaxLength(4000);
            e.Property(i => i.ReporterUnitCode).HasMaxLength(64);
            e.Property(i => i.ReporterName).HasMaxLength(100);
            e.Property(i => i.Duty).HasMaxLength(8);
            e.Property(i => i.RecordedBy).HasMaxLength(200);
            e.HasIndex(i => i.PlaceChain).HasMethod("gin");
        });
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        base.OnModelCreating(b);
    }
}

public static class InspectionQueries
{
    /// <summary>An inspection with everything its API view shows.</summary>
    public static IQueryable<Inspection> WithParts(this IQueryable<Inspection> inspections) =>
        inspections.Include(i => i.Targets).Include(i => i.Team).Include(i => i.Visits).Include(i => i.Findings).AsSplitQuery();
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class InspectionsDbDesignTimeFactory : IDesignTimeDbContextFactory<InspectionsDb>
{
    public InspectionsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InspectionsDb>().UsePinganPostgres("Host=localhost").Options);
}
