using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pingan.Archives.Persistence;
using Pingan.Messaging;
using Pingan.Registry.Contracts;

namespace Pingan.Archives.Feed;

// The registry's units and terms of office, in any order (ADR 0012): a unit's name and its standing each keep the
// sequence of the event that set them, so an older event arriving late changes nothing; a term's end, known first,
// survives its appointment arriving after it.

public sealed class UnitRegisteredFeed(ArchivesDb db) : IdempotentBatchConsumer<UnitRegistered, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<UnitRegistered> context)
    {
        var m = context.Message;
        var seq = EventSequence.Of(context) ?? 0;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO units (code, name, kind, parent_code, answers_to_code, name_sequence, standing_sequence)
            VALUES ({m.Code}, {m.Name}, {m.Kind.ToString()}, {m.ParentCode}, {m.AnswersToCode}, {seq}, {seq})
            ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,
                name = CASE WHEN units.name_sequence <= excluded.name_sequence THEN excluded.name ELSE units.name END,
                name_sequence = GREATEST(units.name_sequence, excluded.name_sequence),
                parent_code = CASE WHEN units.standing_sequence <= excluded.standing_sequence THEN excluded.parent_code ELSE units.parent_code END,
                answers_to_code = CASE WHEN units.standing_sequence <= excluded.standing_sequence THEN excluded.answers_to_code ELSE units.answers_to_code END,
                standing_sequence = GREATEST(units.standing_sequence, excluded.standing_sequence)
            """, context.CancellationToken);
    }
}

public sealed class UnitRenamedFeed(ArchivesDb db) : IdempotentBatchConsumer<UnitRenamed, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<UnitRenamed> context)
    {
        var m = context.Message;
        var seq = EventSequence.Of(context) ?? 0;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO units (code, name, kind, name_sequence, standing_sequence) VALUES ({m.Code}, {m.NewName}, '', {seq}, 0)
            ON CONFLICT (code) DO UPDATE SET
                name = CASE WHEN units.name_sequence <= excluded.name_sequence THEN excluded.name ELSE units.name END,
                name_sequence = GREATEST(units.name_sequence, excluded.name_sequence)
            """, context.CancellationToken);
    }
}

public sealed class UnitMovedFeed(ArchivesDb db) : IdempotentBatchConsumer<UnitMoved, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<UnitMoved> context)
    {
        var m = context.Message;
        var seq = EventSequence.Of(context) ?? 0;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO units (code, name, kind, parent_code, answers_to_code, name_sequence, standing_sequence)
            VALUES ({m.Code}, '', '', {m.NewParentCode}, {m.NewAnswersToCode}, 0, {seq})
            ON CONFLICT (code) DO UPDATE SET
                parent_code = CASE WHEN units.standing_sequence <= excluded.standing_sequence THEN excluded.parent_code ELSE units.parent_code END,
                answers_to_code = CASE WHEN units.standing_sequence <= excluded.standing_sequence THEN excluded.answers_to_code ELSE units.answers_to_code END,
                standing_sequence = GREATEST(units.standing_sequence, excluded.standing_sequence)
            """, context.CancellationToken);
    }
}

public sealed class UnitDissolvedFeed(ArchivesDb db) : IdempotentBatchConsumer<UnitDissolved, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<UnitDissolved> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO units (code, name, kind, dissolved_on, name_sequence, standing_sequence) VALUES ({m.Code}, '', '', {m.DissolvedOn}, 0, 0)
            ON CONFLICT (code) DO UPDATE SET dissolved_on = excluded.dissolved_on
            """, context.CancellationToken);
    }
}

public sealed class LeaderAppointedFeed(ArchivesDb db) : IdempotentBatchConsumer<LeaderAppointed, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<LeaderAppointed> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO terms (term_id, leader_id, leader_name, unit_code, role, portfolio, title, starts_on, ends_on, cadre_authority_code, comprehensive_management)
            VALUES ({m.TermId}, {m.LeaderId}, {m.LeaderName}, {m.UnitCode}, {m.Role.ToString()}, {m.Portfolio}, {m.Title}, {m.StartsOn}, {m.EndsOn},
                    {m.CadreAuthorityCode}, {m.ComprehensiveManagement})
            ON CONFLICT (term_id) DO UPDATE SET leader_id = excluded.leader_id, leader_name = excluded.leader_name, unit_code = excluded.unit_code,
                role = excluded.role, portfolio = excluded.portfolio, title = excluded.title, starts_on = excluded.starts_on,
                cadre_authority_code = excluded.cadre_authority_code, comprehensive_management = excluded.comprehensive_management,
                ends_on = COALESCE(terms.ends_on, excluded.ends_on)
            """, context.CancellationToken);
    }
}

public sealed class LeaderLeftFeed(ArchivesDb db) : IdempotentBatchConsumer<LeaderLeft, ArchivesDb>(db)
{
    protected override Task HandleAsync(ConsumeContext<LeaderLeft> context)
    {
        var m = context.Message;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO terms (term_id, leader_id, unit_code, role, portfolio, ends_on, comprehensive_management)
            VALUES ({m.TermId}, {m.LeaderId}, {m.UnitCode}, {m.Role.ToString()}, {m.Portfolio}, {m.EndsOn}, false)
            ON CONFLICT (term_id) DO UPDATE SET ends_on = excluded.ends_on
            """, context.CancellationToken);
    }
}

/// <summary>A role change ends the previous term the day before and starts a new one, which keeps its cadre authority.</summary>
public sealed class LeaderRoleChangedFeed(ArchivesDb db) : IdempotentBatchConsumer<LeaderRoleChanged, ArchivesDb>(db)
{
    protected override async Task HandleAsync(ConsumeContext<LeaderRoleChanged> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var endsOn = m.EffectiveOn.AddDays(-1);
        await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO terms (term_id, leader_id, unit_code, role, ends_on, comprehensive_management)
            VALUES ({m.PreviousTermId}, {m.LeaderId}, {m.UnitCode}, {m.PreviousRole.ToString()}, {endsOn}, false)
            ON CONFLICT (term_id) DO UPDATE SET ends_on = excluded.ends_on
            """, ct);
        await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO terms (term_id, leader_id, unit_code, role, portfolio, title, starts_on, comprehensive_management, previous_term_id)
            VALUES ({m.TermId}, {m.LeaderId}, {m.UnitCode}, {m.Role.ToString()}, {m.Portfolio}, {m.Title}, {m.EffectiveOn}, {m.ComprehensiveManagement}, {m.PreviousTermId})
            ON CONFLICT (term_id) DO UPDATE SET leader_id = excluded.leader_id, unit_code = excluded.unit_code, role = excluded.role, title = excluded.title,
                portfolio = excluded.portfolio, starts_on = excluded.starts_on, comprehensive_management = excluded.comprehensive_management,
                previous_term_id = excluded.previous_term_id
            """, ct);
    }
}
