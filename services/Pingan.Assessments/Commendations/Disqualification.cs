using Pingan.Assessments.Persistence;
using Pingan.Messaging;
using Pingan.Sanctions.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Pingan.Assessments.Commendations;

/// <summary>
/// A listing's disqualification (Art. 35 ¶4 "挂牌督办期间,取消…评选综合性荣誉称号的资格和…评先受奖、晋职晋级的资格"), as the
/// sanctions service announced it: the unit from <see cref="StartsOn"/> until <see cref="EndsOn"/> (open while null),
/// and the leaders known at the decision. One row per case, whatever order its two events arrive in.
/// </summary>
public sealed class Disqualification
{
    public Guid CaseId { get; set; }
    public required string UnitCode { get; set; }
    /// <summary>Null until the start is known (the end arrived first).</summary>
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public string Reason { get; set; } = "";
    public Guid[] LeaderIds { get; set; } = [];
}

public sealed class DisqualificationStartedInput(AssessmentsDb db) : IdempotentConsumer<DisqualificationStarted, AssessmentsDb>(db)
{
    protected override Task HandleAsync(MassTransit.ConsumeContext<DisqualificationStarted> context)
    {
        var m = context.Message;
        var leaders = m.LeaderIds.ToArray();
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO disqualifications (case_id, unit_code, starts_on, reason, leader_ids) VALUES ({m.CaseId}, {m.UnitCode}, {m.StartsOn}, {m.Reason}, {leaders})
            ON CONFLICT (case_id) DO UPDATE SET unit_code = excluded.unit_code, starts_on = excluded.starts_on, reason = excluded.reason, leader_ids = excluded.leader_ids
            """, context.CancellationToken);
    }
}

public sealed class DisqualificationEndedInput(AssessmentsDb db) : IdempotentConsumer<DisqualificationEnded, AssessmentsDb>(db)
{
    protected override Task HandleAsync(MassTransit.ConsumeContext<DisqualificationEnded> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO disqualifications (case_id, unit_code, ends_on, reason, leader_ids) VALUES ({m.CaseId}, {m.UnitCode}, {m.EndsOn}, '', {Array.Empty<Guid>()})
            ON CONFLICT (case_id) DO UPDATE SET ends_on = excluded.ends_on
            """, context.CancellationToken);
    }
}
