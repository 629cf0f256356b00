using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Pingan.EventLog.Api;
using Pingan.Messaging;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.EventLog;

public static class EventLogEndpoints
{
    /// <summary>Serves the event log of <typeparamref name="TDb"/>'s outbox (ADR 0012).</summary>
    public static GrpcServiceEndpointConventionBuilder MapEventLog<TDb>(this WebApplication app) where TDb : DbContext =>
        app.MapGrpcService<EventLogService<TDb>>();
}

/// <summary>
/// The outbox rows, read as the producer's event log: committed rows only (a reader's snapshot never sees an open
/// transaction's), by sequence. A row committed after a page was read may carry a lower sequence than the page's
/// last; it was committed after the reader's queue was bound, so the broker brings it (ADR 0012).
/// </summary>
internal sealed class EventLogService<TDb>(TDb db, JurisdictionGuard guard) : Api.EventLog.EventLogBase where TDb : DbContext
{
    private const int DefaultPage = 500, MaxPage = 1000;

    public override async Task<EventPage> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The events carry business records of every unit: the province's auditors read them, consumer services among them.
        guard.EnsureRole(PinganRoles.Auditor);
        await guard.EnsureTopLevelAsync("read the event log", ct);
        var errors = new List<FieldError>();
        if (request.AfterSequence < 0) errors.Add(new FieldError("after_sequence", "must be 0 or a sequence read before"));
        if (request.PageSize is < 0 or > MaxPage) errors.Add(new FieldError("page_size", $"must be 1-{MaxPage}, or 0 for {DefaultPage}"));
        for (var i = 0; i < request.MessageTypes.Count; i++)
            if (request.MessageTypes[i].Trim() is { Length: 0 or > 400 } || request.MessageTypes[i].Contains(','))
                errors.Add(new FieldError($"message_types[{i}]", "must be a full type name such as Pingan.Sanctions.Contracts.CaseOpened"));
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var size = request.PageSize == 0 ? DefaultPage : request.PageSize;
        // Stored as "Full.Type.Name, Assembly": a wanted name matches what precedes the comma.
        var prefixes = request.MessageTypes.Select(t => t.Trim() + ",%").ToArray();
        var after = request.AfterSequence;
        var rows = await db.Set<OutboxMessage>()
            .FromSql($"""
                SELECT * FROM outbox_messages
                WHERE sequence > {after} AND (cardinality({prefixes}) = 0 OR message_type LIKE ANY ({prefixes}))
                ORDER BY sequence LIMIT {size + 1}
                """)
            .AsNoTracking().ToListAsync(ct);
        var page = new EventPage { More = rows.Count > size, LastSequence = after };
        foreach (var row in rows.Take(size))
        {
            page.Events.Add(new Event
            {
                Sequence = row.Sequence, MessageId = row.MessageId.ToString(), MessageType = row.MessageType[..row.MessageType.IndexOf(',')],
                Body = row.Body, CreatedAt = row.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            });
            page.LastSequence = row.Sequence;
        }
        return page;
    }
}
