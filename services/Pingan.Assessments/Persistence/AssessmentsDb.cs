using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Assessments.Schemes;
using Pingan.Assessments.Surveys;
using Pingan.Audit;
using Pingan.EventLog;
using Pingan.Messaging;
using Pingan.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Assessments.Persistence;

public sealed class AssessmentsDb(DbContextOptions<AssessmentsDb> options) : PinganDbContext(options)
{
    public DbSet<AssessmentScheme> Schemes => Set<AssessmentScheme>();
    public DbSet<SecuritySurvey> Surveys => Set<SecuritySurvey>();
    public DbSet<Inputs.AssessmentInput> Inputs => Set<Inputs.AssessmentInput>();
    public DbSet<Scoring.UnitScore> Scores => Set<Scoring.UnitScore>();
    public DbSet<YearAssessment> Rounds => Set<YearAssessment>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<AssessmentScheme>(e =>
        {
            e.ToTable("schemes");
            e.HasKey(s => new { s.Year, s.AssessingCode });
            e.Property(s => s.AssessingCode).HasMaxLength(64);
            e.Property(s => s.IndicatorsJson).HasColumnName("indicators").HasColumnType("jsonb");
            e.Property(s => s.ExcellentFrom).HasPrecision(5, 1);
            e.Property(s => s.PassFrom).HasPrecision(5, 1);
            e.Property(s => s.VetoEffect).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Reason).HasMaxLength(500);
            e.Property(s => s.SetBy).HasMaxLength(200);
            e.Property(s => s.FrozenBy).HasMaxLength(200);
        });
        b.Entity<SecuritySurvey>(e =>
        {
            e.ToTable("security_surveys");
            e.Property(s => s.UnitCode).HasMaxLength(64);
            e.Property(s => s.UnitName).HasMaxLength(200);
            e.Property(s => s.ConductedBy).HasMaxLength(200);
            e.Property(s => s.RecordedBy).HasMaxLength(200);
            // One survey per unit and year: the one the year's score reads.
            e.HasIndex(s => new { s.Year, s.UnitCode }).IsUnique();
            e.HasIndex(s => s.ScopeChain).HasMethod("gin");
        });
        b.Entity<Inputs.AssessmentInput>(e =>
        {
            e.ToTable("assessment_inputs");
            e.HasKey(i => i.Reference);
            e.Property(i => i.Reference).HasMaxLength(200);
            e.Property(i => i.UnitCode).HasMaxLength(64);
            e.Property(i => i.Source).HasConversion<string>().HasMaxLength(32);
            e.Property(i => i.Kind).HasMaxLength(32);
            e.Property(i => i.Value).HasPrecision(9, 2);
            e.Property(i => i.On).HasColumnName("on");
            e.Property(i => i.Producer).HasMaxLength(32);
            e.Property(i => i.Detail).HasMaxLength(6000);
            e.HasIndex(i => new { i.Year, i.UnitCode });
        });
        b.Entity<Scoring.UnitScore>(e =>
        {
            e.ToTable("unit_scores");
            e.HasKey(x => new { x.Year, x.AssessingCode, x.UnitCode });
            e.Property(x => x.AssessingCode).HasMaxLength(64);
            e.Property(x => x.UnitCode).HasMaxLength(64);
            e.Property(x => x.Total).HasPrecision(7, 2);
            e.Property(x => x.ProposedGrade).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ScoredBy).HasMaxLength(200);
            e.Property(x => x.AdjustedGrade).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.AdjustmentReasons).HasMaxLength(2000);
            e.Property(x => x.AdjustedBy).HasMaxLength(200);
            e.Ignore(x => x.Grade);
        });
        b.Entity<YearAssessment>(e =>
        {
            e.ToTable("assessment_rounds");
            e.HasKey(x => new { x.Year, x.AssessingCode });
            e.Property(x => x.AssessingCode).HasMaxLength(64);
            e.Property(x => x.OpenedBy).HasMaxLength(200);
            e.Property(x => x.ApprovedBy).HasMaxLength(200);
            e.Property(x => x.PublishedBy).HasMaxLength(200);
        });
        b.AddEventLogPositions(); // ADR 0012: how far each producer's log has been read
        b.AddTransactionalMessaging();
        b.AddRequestLedger(); // AIP-155 request ids on create calls
        b.AddAuditTrail();
        base.OnModelCreating(b);
    }
}

/// <summary>For `dotnet ef migrations add`: the same conventions the service runs with.</summary>
public sealed class AssessmentsDbDesignTimeFactory : IDesignTimeDbContextFactory<AssessmentsDb>
{
    public AssessmentsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AssessmentsDb>().UsePinganPostgres("Host=localhost").Options);
}
