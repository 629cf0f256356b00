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
    public DbSet<Commendations.Commendation> Commendations => Set<Commendations.Commendation>();
    public DbSet<Commendations.CommendationMeeting> CommendationMeetings => Set<Commendations.CommendationMeeting>();
    public DbSet<Commendations.Disqualification> Disqualifications => Set<Commendations.Disqualification>();
    public DbSet<Commendations.PromotionRecommendationRecord> PromotionRecommendations => Set<Commendations.PromotionRecommendationRecord>();
    public DbSet<Commendations.FundAwardRecord> FundAwards => Set<Commendations.FundAwardRecord>();
    public DbSet<Inputs.Problem> Problems => Set<Inputs.Problem>();

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
            e.Property(s => s.TargetsMetFrom).HasPrecision(5, 1).HasDefaultValue(DefaultScheme.TargetsMetFrom);
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
            e.Property(x => x.ExtraSalaryDocument).HasMaxLength(200);
            e.Property(x => x.ExtraSalaryRecordedBy).HasMaxLength(200);
        });
        b.Entity<Commendations.Commendation>(e =>
        {
            e.ToTable("commendations");
            e.Property(c => c.CommendingCode).HasMaxLength(64);
            e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(c => c.UnitCode).HasMaxLength(64);
            e.Property(c => c.UnitName).HasMaxLength(200);
            e.Property(c => c.PersonName).HasMaxLength(100);
            e.Property(c => c.ExternalPersonId).HasMaxLength(64);
            e.Property(c => c.Title).HasMaxLength(200);
            e.Property(c => c.Citation).HasMaxLength(4000);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Grade).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.ProposedBy).HasMaxLength(200);
            e.Property(c => c.StudyRemarks).HasMaxLength(2000);
            e.Property(c => c.DecidedBy).HasMaxLength(200);
            e.Property(c => c.DecisionReasons).HasMaxLength(2000);
            e.Ignore(c => c.Nominee);
            e.HasIndex(c => new { c.Year, c.CommendingCode });
        });
        b.Entity<Commendations.CommendationMeeting>(e =>
        {
            e.ToTable("commendation_meetings");
            e.Property(m => m.CommendingCode).HasMaxLength(64);
            e.Property(m => m.AttendeesJson).HasColumnName("attendees").HasColumnType("jsonb");
            e.Property(m => m.Minutes).HasMaxLength(8000);
            e.Property(m => m.RecordedBy).HasMaxLength(200);
        });
        b.Entity<Commendations.Disqualification>(e =>
        {
            e.ToTable("disqualifications");
            e.HasKey(d => d.CaseId);
            e.Property(d => d.UnitCode).HasMaxLength(64);
            e.Property(d => d.Reason).HasMaxLength(500);
            e.HasIndex(d => d.UnitCode);
        });
        b.Entity<Commendations.PromotionRecommendationRecord>(e =>
        {
            e.ToTable("promotion_recommendations");
            e.Property(r => r.RecommendingCode).HasMaxLength(64);
            e.Property(r => r.UnitCode).HasMaxLength(64);
            e.Property(r => r.UnitName).HasMaxLength(200);
            e.Property(r => r.Title).HasConversion<string>().HasMaxLength(32);
            e.Property(r => r.CommendationDocument).HasMaxLength(200);
            e.Property(r => r.LeadersJson).HasColumnName("leaders").HasColumnType("jsonb");
            e.Property(r => r.IssuedBy).HasMaxLength(200);
            e.Property(r => r.IssuedByName).HasMaxLength(200);
            e.HasIndex(r => r.RecommendingCode);
        });
        b.Entity<Commendations.FundAwardRecord>(e =>
        {
            e.ToTable("fund_awards");
            e.Property(a => a.UnitCode).HasMaxLength(64);
            e.Property(a => a.UnitName).HasMaxLength(200);
            e.Property(a => a.Amount).HasPrecision(14, 2);
            e.Property(a => a.Purpose).HasMaxLength(500);
            e.Property(a => a.Document).HasMaxLength(200);
            e.Property(a => a.RecordedBy).HasMaxLength(200);
            e.HasIndex(a => a.ScopeChain).HasMethod("gin");
        });
        b.Entity<Inputs.Problem>(e =>
        {
            e.ToTable("problems");
            e.HasKey(p => p.FindingId);
            e.Property(p => p.UnitCode).HasMaxLength(64);
            e.Property(p => p.InspectingCode).HasMaxLength(64);
            e.Property(p => p.Form).HasMaxLength(32);
            e.Property(p => p.Severity).HasMaxLength(32);
            e.Property(p => p.Concern).HasMaxLength(300);
            e.Property(p => p.State).HasMaxLength(16);
            e.HasIndex(p => new { p.Year, p.UnitCode });
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
