using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Archives.Persistence;
using Pingan.Assessments.Contracts;
using Pingan.Inspections.Contracts;
using Pingan.Letters.Contracts;
using Pingan.Messaging;
using Pingan.Sanctions.Contracts;
using Pingan.Time;

namespace Pingan.Archives.Feed;

/// <summary>The categories of Art. 22's contents.</summary>
public static class Category
{
    public const string Duty = "Duty", Reward = "Reward", Sanction = "Sanction", Assessment = "Assessment";
}

/// <summary>
/// Writes a fact once per key: a copy of the same event, or a later event about the same fact (an assessment
/// republished) replaces it only when its sequence is not older (ADR 0012).
/// </summary>
internal static class Records
{
    public static Task UnitAsync(ConsumeContext context, ArchivesDb db, string key, string unit, DateOnly on, int year, bool spansYear, string category,
        string kind, string summary, string reference, decimal? value = null)
    {
        var seq = EventSequence.Of(context) ?? 0;
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO unit_records (key, unit_code, "on", year, spans_year, category, kind, summary, reference, value, sequence)
            VALUES ({key}, {unit}, {on}, {year}, {spansYear}, {category}, {kind}, {summary}, {reference}, {value}, {seq})
            ON CONFLICT (key) DO UPDATE SET unit_code = excluded.unit_code, "on" = excluded."on", year = excluded.year, spans_year = excluded.spans_year,
                category = excluded.category, kind = excluded.kind, summary = excluded.summary, reference = excluded.reference, value = excluded.value,
                sequence = excluded.sequence
            WHERE unit_records.sequence <= excluded.sequence
            """, context.CancellationToken);
    }

    public static Task PersonAsync(ConsumeContext context, ArchivesDb db, Guid leader, string unit, DateOnly on, string category, string kind,
        string summary, string reference) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO person_records (key, leader_id, unit_code, "on", year, category, kind, summary, reference)
            VALUES ({reference + "/" + leader}, {leader}, {unit}, {on}, {on.Year}, {category}, {kind}, {summary}, {reference})
            ON CONFLICT (key) DO UPDATE SET unit_code = excluded.unit_code, "on" = excluded."on", year = excluded.year, category = excluded.category,
                kind = excluded.kind, summary = excluded.summary
            """, context.CancellationToken);

    /// <summary>A year's fact dated on the day it became known, but no later than the year's last day.</summary>
    public static DateOnly InYear(DateTimeOffset at, int year)
    {
        var day = ChinaTime.DateOf(at);
        var last = new DateOnly(year, 12, 31);
        return day > last ? last : day;
    }
}

// ---- letters (Art. 9-13): the responsibility letters signed and their year-end completion ----

public sealed class LetterSignedFeed(ArchivesDb db) : IdempotentBatchConsumer<LetterSigned, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<LetterSigned> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"letter/{m.LetterId}/signed", m.ReceiverCode, m.SignedOn, m.Year, false, Category.Duty, "LETTER_SIGNED",
            $"签订{m.Year}年度平安建设目标管理责任书(第{m.Version}版,下达单位 {m.IssuerCode})", $"letters/letter/{m.LetterId}");
    }
}

public sealed class LetterCompletedFeed(ArchivesDb db) : IdempotentBatchConsumer<LetterCompleted, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<LetterCompleted> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"letter/{m.LetterId}/completed", m.ReceiverCode, Records.InYear(m.CompletedAt, m.Year), m.Year, true,
            Category.Duty, "LETTER_COMPLETED", $"{m.Year}年度责任书目标完成度 {m.Completion:P0}{(m.Signed ? "" : "(责任书未签订)")}", $"letters/letter/{m.LetterId}",
            m.Completion);
    }
}

// ---- inspections (Art. 14-18): findings, their rectification, the reporting duties ----

public sealed class FindingRecordedFeed(ArchivesDb db) : IdempotentBatchConsumer<FindingRecorded, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<FindingRecorded> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"finding/{m.FindingId}", m.TargetCode, m.ObservedOn, m.ObservedOn.Year, false, Category.Duty, "INSPECTION_FINDING",
            $"{m.InspectingCode} {m.Form} 督导检查发现问题({m.Severity}{(m.Clause is { } c ? $",第三十一条第({c})项情形" : "")}{(m.RectificationDemanded ? ",限期整改" : "")})",
            $"inspections/inspection/{m.InspectionId}/finding/{m.FindingId}");
    }
}

public sealed class RectificationOverdueFeed(ArchivesDb db) : IdempotentBatchConsumer<RectificationOverdue, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<RectificationOverdue> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"finding/{m.FindingId}/overdue", m.TargetCode, m.DueOn, m.DueOn.Year, false, Category.Duty, "RECTIFICATION_OVERDUE",
            $"督导检查问题逾期未整改(期限 {m.DueOn:yyyy-MM-dd})", $"inspections/inspection/{m.InspectionId}/finding/{m.FindingId}");
    }
}

public sealed class RectificationVerifiedFeed(ArchivesDb db) : IdempotentBatchConsumer<RectificationVerified, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<RectificationVerified> context)
    {
        var m = context.Message;
        var on = ChinaTime.DateOf(m.VerifiedAt);
        return Records.UnitAsync(context, Db, $"finding/{m.FindingId}/verified", m.TargetCode, on, on.Year, false, Category.Duty, "RECTIFICATION_VERIFIED",
            $"督导检查问题整改{(m.Accepted ? "验收通过" : "未通过验收")}{(m.OnTime ? "" : "(逾期)")}", $"inspections/inspection/{m.InspectionId}/finding/{m.FindingId}");
    }
}

public sealed class ReportingDutySubmittedFeed(ArchivesDb db) : IdempotentBatchConsumer<ReportingDutySubmitted, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<ReportingDutySubmitted> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"duty/{m.DutyId}/submitted", m.UnitCode, m.SubmittedOn, m.Year, false, Category.Duty, "REPORTING_DUTY_SUBMITTED",
            $"{m.Kind}({m.Article})按{(m.DaysLate > 0 ? $"期后 {m.DaysLate} 天" : "时")}报送", $"inspections/duty/{m.DutyId}", m.DaysLate);
    }
}

public sealed class ReportingDutyMissedFeed(ArchivesDb db) : IdempotentBatchConsumer<ReportingDutyMissed, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<ReportingDutyMissed> context)
    {
        var m = context.Message;
        return Records.UnitAsync(context, Db, $"duty/{m.DutyId}/missed", m.UnitCode, m.DueOn, m.Year, false, Category.Duty, "REPORTING_DUTY_MISSED",
            $"{m.Kind}({m.Article})逾期未报送(期限 {m.DueOn:yyyy-MM-dd})", $"inspections/duty/{m.DutyId}");
    }
}

// ---- sanctions (Art. 31-41): measures, interviews, listings, referrals, the cases themselves ----

public sealed class CaseOpenedFeed(ArchivesDb db) : IdempotentBatchConsumer<CaseOpened, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        var opened = ChinaTime.DateOf(m.OpenedAt);
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO cases (case_id, subject_code, clause, opened_on) VALUES ({m.CaseId}, {m.SubjectCode}, {m.Clause}, {opened})
            ON CONFLICT (case_id) DO UPDATE SET subject_code = excluded.subject_code, clause = excluded.clause, opened_on = excluded.opened_on
            """, context.CancellationToken);
    }
}

public sealed class CaseClosedFeed(ArchivesDb db) : IdempotentBatchConsumer<CaseClosed, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<CaseClosed> context)
    {
        var m = context.Message;
        var closed = ChinaTime.DateOf(m.ClosedAt);
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO cases (case_id, subject_code, clause, closed_on, outcome) VALUES ({m.CaseId}, {m.SubjectCode}, 0, {closed}, {m.Outcome})
            ON CONFLICT (case_id) DO UPDATE SET closed_on = excluded.closed_on, outcome = excluded.outcome
            """, context.CancellationToken);
    }
}

/// <summary>Notice (Art. 33), admonishment (Art. 34), listing (Art. 35), veto (Art. 37), as decided.</summary>
public sealed class MeasureDecidedFeed(ArchivesDb db) : IdempotentBatchConsumer<MeasureDecided, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<MeasureDecided> context)
    {
        var m = context.Message;
        var (kind, name) = m.Stage switch
        {
            "Notice" => ("NOTICE", "通报批评(第三十三条)"),
            "Admonishment" => ("ADMONISHMENT", "约谈(第三十四条)"),
            "Listing" => ("LISTING", "挂牌督办(第三十五条)"),
            "Veto" => ("VETO", "一票否决(第三十七条)"),
            _ => (m.Stage.ToUpperInvariant(), m.Stage),
        };
        return Records.UnitAsync(context, Db, $"case/{m.CaseId}/{kind.ToLowerInvariant()}", m.SubjectCode, m.DecidedOn, m.DecidedOn.Year, false, Category.Sanction, kind,
            $"{m.BodyCode} 决定{name}{(m.RectificationEndsOn is { } end ? $",整改期限至 {end:yyyy-MM-dd}" : "")}", $"sanctions/case/{m.CaseId}/{kind.ToLowerInvariant()}");
    }
}

public sealed class LeadersInterviewedFeed(ArchivesDb db) : IdempotentBatchConsumer<LeadersInterviewed, ArchivesDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<LeadersInterviewed> context)
    {
        var m = context.Message;
        foreach (var leader in m.LeaderIds.Distinct())
            await Records.PersonAsync(context, Db, leader, m.SubjectCode, m.HeldOn, Category.Sanction, "INTERVIEWED",
                $"因 {m.SubjectCode} {(m.Stage == "Listing" ? "挂牌督办" : "约谈")}被约谈(第三十四条)", $"sanctions/case/{m.CaseId}/interview");
    }
}

public sealed class DisqualificationStartedFeed(ArchivesDb db) : IdempotentBatchConsumer<DisqualificationStarted, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<DisqualificationStarted> context)
    {
        var m = context.Message;
        var leaders = m.LeaderIds.ToArray();
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO disqualifications (case_id, unit_code, starts_on, reason, leader_ids) VALUES ({m.CaseId}, {m.UnitCode}, {m.StartsOn}, {m.Reason}, {leaders})
            ON CONFLICT (case_id) DO UPDATE SET unit_code = excluded.unit_code, starts_on = excluded.starts_on, reason = excluded.reason, leader_ids = excluded.leader_ids
            """, context.CancellationToken);
    }
}

public sealed class DisqualificationEndedFeed(ArchivesDb db) : IdempotentBatchConsumer<DisqualificationEnded, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<DisqualificationEnded> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO disqualifications (case_id, unit_code, ends_on, reason, leader_ids) VALUES ({m.CaseId}, {m.UnitCode}, {m.EndsOn}, '', {Array.Empty<Guid>()})
            ON CONFLICT (case_id) DO UPDATE SET ends_on = excluded.ends_on
            """, context.CancellationToken);
    }
}

public sealed class CaseReferredFeed(ArchivesDb db) : IdempotentBatchConsumer<CaseReferred, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<CaseReferred> context)
    {
        var m = context.Message;
        var leaders = m.LeaderIds.ToArray();
        var on = ChinaTime.DateOf(m.ReferredAt);
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO referrals (referral_id, case_id, subject_code, measure, department, leader_ids, referred_on)
            VALUES ({m.ReferralId}, {m.CaseId}, {m.SubjectCode}, {m.Measure}, {m.Department}, {leaders}, {on})
            ON CONFLICT (referral_id) DO UPDATE SET case_id = excluded.case_id, subject_code = excluded.subject_code, measure = excluded.measure,
                department = excluded.department, leader_ids = excluded.leader_ids, referred_on = excluded.referred_on
            """, context.CancellationToken);
    }
}

public sealed class ReferralOutcomeFeed(ArchivesDb db) : IdempotentBatchConsumer<ReferralOutcomeRecorded, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<ReferralOutcomeRecorded> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO referrals (referral_id, case_id, subject_code, measure, department, leader_ids, outcome, decided_on)
            VALUES ({m.ReferralId}, {m.CaseId}, '', {m.Measure}, '', {Array.Empty<Guid>()}, {m.Outcome}, {m.DecidedOn})
            ON CONFLICT (referral_id) DO UPDATE SET outcome = excluded.outcome, decided_on = excluded.decided_on
            """, context.CancellationToken);
    }
}

// ---- assessments (Art. 19-21, 26-29): results, commendations, priority-promotion recommendations ----

public sealed class AssessmentPublishedFeed(ArchivesDb db) : IdempotentBatchConsumer<AssessmentPublished, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<AssessmentPublished> context)
    {
        var m = context.Message;
        var grade = m.Grade switch { "Excellent" => "优秀", "Pass" => "合格", "Fail" => "不合格", _ => m.Grade };
        return Records.UnitAsync(context, Db, $"assessment/{m.AssessingCode}/{m.Year}/{m.UnitCode}", m.UnitCode, Records.InYear(m.PublishedAt, m.Year), m.Year, true,
            Category.Assessment, "ASSESSMENT", $"{m.AssessingCode} {m.Year}年度平安建设考核:{grade},得分 {m.Total:0.##}{(m.Vetoed ? "(一票否决)" : "")}",
            $"assessments/assessment/{m.AssessingCode}/{m.Year}/{m.UnitCode}", m.Total);
    }
}

public sealed class CommendationConferredFeed(ArchivesDb db) : IdempotentBatchConsumer<CommendationConferred, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<CommendationConferred> context)
    {
        var m = context.Message;
        var reference = $"assessments/commendation/{m.CommendationId}";
        // An individual counts for them in person (Art. 22 "领导干部个人"), a unit for whoever led it that day.
        if (m.LeaderId is { } leader)
            return Records.PersonAsync(context, Db, leader, m.UnitCode, m.ConferredOn, Category.Reward, "COMMENDATION",
                $"{m.CommendingCode} 授予“{m.Title}”({m.Year}年度)", reference);
        if (m.Kind != "AdvancedUnit") return Task.CompletedTask; // an individual outside the registry has no archive here
        return Records.UnitAsync(context, Db, $"commendation/{m.CommendationId}", m.UnitCode, m.ConferredOn, m.ConferredOn.Year, false, Category.Reward, "COMMENDATION",
            $"{m.CommendingCode} 授予{m.UnitName}“{m.Title}”({m.Year}年度)", reference);
    }
}

public sealed class PromotionRecommendedFeed(ArchivesDb db) : IdempotentBatchConsumer<PromotionRecommended, ArchivesDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<PromotionRecommended> context)
    {
        var m = context.Message;
        foreach (var leader in m.LeaderIds.Distinct())
            await Records.PersonAsync(context, Db, leader, m.UnitCode, m.IssuedOn, Category.Reward, "PROMOTION_RECOMMENDED",
                $"{m.RecommendingCode} 书面建议同等条件下优先提拔使用({m.UnitName}获{m.Title},{m.CommendedYear}年度,第二十九条)",
                $"assessments/promotion-recommendation/{m.RecommendationId}");
    }
}
