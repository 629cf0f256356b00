using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Contracts;
using Pingan.Inspections.Contracts;
using Pingan.Messaging;
using Pingan.Rules;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Time;

namespace Pingan.Sanctions.Cases;

/// <summary>How a case is registered (Art. 31, 38), whether an office opens it or another service refers it.</summary>
public static class CaseIntake
{
    /// <summary>
    /// A registered case against <paramref name="subjectCode"/>, whose accountability chain is <paramref name="chain"/>
    /// (the subject first, up to the province), with its competent commissions fixed by <paramref name="competence"/> (reading 1,
    /// as of the opening day) and its file's first entry.
    /// </summary>
    public static (SanctionCase Case, object Detail) Register(string subjectCode, string subjectName, IReadOnlyList<string> chain, int clause, string source,
        Severity severity, DateOnly incidentOn, string summary, string? reportedBy, string competence, DateTimeOffset now)
    {
        var c = new SanctionCase
        {
            Id = Guid.CreateVersion7(now), SubjectCode = subjectCode, SubjectName = subjectName, Clause = clause, Source = source, Severity = severity,
            IncidentOn = incidentOn, Summary = summary, ReportedBy = reportedBy,
            // Art. 33: the level the subject answers to notices. Art. 34-35 "相应的上一级": the same level (one above the
            // subject, the default) or the one above it (one above the notice), as the province reads it (reading 1).
            ResponsibleCode = chain[1], UpperCode = competence == SanctionsRules.NoticeRelative && chain.Count > 2 ? chain[2] : chain[1],
            SubjectChain = [.. chain], Status = CaseStatus.Registered, OpenedAt = now,
        };
        return (c, new
        {
            clause, source, severity = severity.ToString(), incidentOn = incidentOn.ToString("yyyy-MM-dd"), reportedBy,
            notices = c.ResponsibleCode, admonishesAndLists = c.UpperCode, rule = $"{SanctionsRules.Competence}: {competence}",
        });
    }

    public static CaseOpened Opened(SanctionCase c) => new(c.Id, c.SubjectCode, c.Clause, c.Source, c.Severity.ToString(), c.IncidentOn, c.OpenedAt);
}

/// <summary>What another service referred to accountability (Art. 31, 38): enough to register a case without calling back.</summary>
public sealed record ReferredMatter(string Reference, string SubjectCode, string SubjectName, IReadOnlyList<string> Chain, int Clause, string Source,
    string Severity, DateOnly IncidentOn, string Summary, string ReferredBy, IReadOnlyList<string> EvidenceLinks, string Articles, object Detail);

/// <summary>
/// Issue 13: a matter another service referred (an inspection finding, an incident report) opens a case registered for
/// the competent office to verify, with the source's reference and evidence links. Once per message id (inbox) and once
/// per source (the unique source reference), in whatever order events arrive.
/// </summary>
public abstract class ReferralConsumer<TMessage>(SanctionsDb db, IOutbox outbox, IRuleBook rules, TimeProvider time) : IdempotentConsumer<TMessage, SanctionsDb>(db)
    where TMessage : class
{
    protected abstract ReferredMatter Matter(TMessage message);

    protected override async Task HandleAsync(ConsumeContext<TMessage> context)
    {
        var m = Matter(context.Message);
        var ct = context.CancellationToken;
        if (await Db.Cases.AnyAsync(c => c.SourceReference == m.Reference, ct)) return;
        var now = time.GetUtcNow();
        var competence = await rules.ReadingAsync(SanctionsRules.Competence, time.Today(), ct);
        var severity = Enum.Parse<Severity>(m.Severity.Replace("_", ""), ignoreCase: true);
        var (c, detail) = CaseIntake.Register(m.SubjectCode, m.SubjectName, m.Chain, m.Clause, m.Source, severity, m.IncidentOn, m.Summary, m.ReferredBy, competence, now);
        c.SourceReference = m.Reference;
        c.EvidenceLinks = [.. m.EvidenceLinks];
        Db.Cases.Add(c);
        Db.Steps.Add(CaseStep.Next(c, now, m.ReferredBy, "Opened", m.Articles, new { referral = m.Reference, source = m.Detail, evidence = m.EvidenceLinks, opened = detail }));
        outbox.Enqueue(CaseIntake.Opened(c));
    }
}

/// <summary>An inspection finding referred as an Art. 31 situation (source INSPECTION_FINDING).</summary>
public sealed class InspectionFindingReferral(SanctionsDb db, IOutbox outbox, IRuleBook rules, TimeProvider time) : ReferralConsumer<FindingReferred>(db, outbox, rules, time)
{
    protected override ReferredMatter Matter(FindingReferred m) => new(m.Reference, m.TargetCode, m.TargetName, m.TargetChain, m.Clause, "InspectionFinding", m.Severity,
        m.ObservedOn, m.Summary, $"{m.ReferredBy}, by the inspections service", m.EvidenceLinks, "Art. 18, 31, 38", new { inspection = m.InspectionId, finding = m.FindingId });
}

/// <summary>An incident report referred by a commission office (source INCIDENT).</summary>
public sealed class IncidentReferral(SanctionsDb db, IOutbox outbox, IRuleBook rules, TimeProvider time) : ReferralConsumer<IncidentReferred>(db, outbox, rules, time)
{
    protected override ReferredMatter Matter(IncidentReferred m) => new(m.Reference, m.PlaceCode, m.PlaceName, m.PlaceChain, m.Clause, "Incident", m.Severity,
        m.OccurredOn, m.Summary, $"{m.ReferredBy}, by the inspections service", [], "Art. 31, 38", new { incident = m.IncidentId });
}

/// <summary>A unit graded 不合格 in an approved and published assessment (Art. 20, 31(8); source FAILED_ASSESSMENT, clause 8).</summary>
public sealed class FailedAssessmentReferral(SanctionsDb db, IOutbox outbox, IRuleBook rules, TimeProvider time) : ReferralConsumer<AssessmentFailed>(db, outbox, rules, time)
{
    protected override ReferredMatter Matter(AssessmentFailed m) => new($"assessment/{m.AssessingCode}/{m.Year}/{m.UnitCode}", m.UnitCode, m.UnitName, m.UnitChain, 8,
        "FailedAssessment", "Ordinary", m.PublishedOn, $"{m.Year}年度社会治安综合治理和平安建设考核评价不合格({m.Reasons})", $"{m.PublishedBy}, by the assessments service", [],
        "Art. 20, 31(8)", new { assessingCode = m.AssessingCode, m.Year, m.Total });
}
