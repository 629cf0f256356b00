using MassTransit;
using Microsoft.EntityFrameworkCore;
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

/// <summary>
/// Issue 13: an inspection finding the inspecting office referred as an Art. 31 situation opens a case (source
/// INSPECTION_FINDING) for the competent office to verify, carrying the finding's reference and its evidence links. Once
/// per message id (inbox) and once per finding (the unique source reference), in whatever order events arrive.
/// </summary>
public sealed class InspectionFindingReferral(SanctionsDb db, IOutbox outbox, IRuleBook rules, TimeProvider time) : IdempotentConsumer<FindingReferred, SanctionsDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<FindingReferred> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (await Db.Cases.AnyAsync(c => c.SourceReference == m.Reference, ct)) return;
        var now = time.GetUtcNow();
        var competence = await rules.ReadingAsync(SanctionsRules.Competence, time.Today(), ct);
        var severity = Enum.Parse<Severity>(m.Severity.Replace("_", ""), ignoreCase: true);
        var (c, detail) = CaseIntake.Register(m.TargetCode, m.TargetName, m.TargetChain, m.Clause, "InspectionFinding", severity, m.ObservedOn, m.Summary,
            m.ReferredBy, competence, now);
        c.SourceReference = m.Reference;
        c.EvidenceLinks = [.. m.EvidenceLinks];
        Db.Cases.Add(c);
        Db.Steps.Add(CaseStep.Next(c, now, $"{m.ReferredBy}, by the inspections service", "Opened", "Art. 18, 31, 38",
            new { referral = m.Reference, inspection = m.InspectionId, evidence = m.EvidenceLinks, opened = detail }));
        outbox.Enqueue(CaseIntake.Opened(c));
    }
}
