using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pingan.EventLog.Api;
using Pingan.Sanctions.Api;
using Pingan.Sanctions.Contracts;
using Pingan.Sanctions.Persistence;
using Pingan.Security;
using Pingan.Testing;

namespace Pingan.Sanctions.Tests;

/// <summary>
/// Issue 12, ADR 0012: a consumer that starts after the producer rebuilds what it needs from the producer's event
/// log, then follows the broker; the broker's copy and the log's copy of one event share its message id (so an inbox
/// applies it once) and its sequence, the order of a case's events whatever order they are delivered in.
/// </summary>
public sealed class EventLogTests : SanctionsTest
{
    [Fact]
    public async Task A_consumer_that_starts_later_rebuilds_from_the_event_log_and_then_follows_the_broker_Issue12()
    {
        // Two cases are opened while no consumer exists: their events reach no queue.
        var first = await OpenAgainstZhongyuanAsync();
        var second = await OpenAgainstZhongyuanAsync();
        await ImposeAsync(first.CaseId, Stage.Notice, Zhengzhou, "2026-05-12");
        await Eventually.HoldsAsync(async () =>
        {
            await using var scope = Host.Services.CreateAsyncScope();
            return !await scope.ServiceProvider.GetRequiredService<SanctionsDb>().Set<Pingan.Messaging.OutboxMessage>().AnyAsync(m => m.DispatchedAt == null);
        }, TimeSpan.FromSeconds(30), "the first events dispatched, to nobody");

        // The consumer starts: its queue is bound, then it reads the log from the start.
        await using var consumer = await EventTap.StartAsync(VirtualHost.AmqpUri, typeof(CaseOpened), typeof(MeasureDecided));
        var log = new Pingan.EventLog.Api.EventLog.EventLogClient(As(Province, PinganRoles.Auditor));
        var opened = await log.ListEventsAsync(new ListEventsRequest { MessageTypes = { typeof(CaseOpened).FullName } });
        Assert.False(opened.More);
        Assert.Equal([first.CaseId, second.CaseId], opened.Events.Select(e => System.Text.Json.JsonDocument.Parse(e.Body).RootElement.GetProperty("caseId").GetString()));
        Assert.All(opened.Events, e => Assert.Equal(typeof(CaseOpened).FullName, e.MessageType));
        var everything = await ReadAllAsync(log, 0, pageSize: 1); // a page at a time, as a consumer reads a long log
        Assert.Equal(["CaseOpened", "CaseOpened", "MeasureProposed", "MeasureDecided"], everything.Select(e => e.MessageType[(e.MessageType.LastIndexOf('.') + 1)..]));
        Assert.Equal(everything.Select(e => e.Sequence).Order(), everything.Select(e => e.Sequence));

        // Later events reach the consumer through the broker, with the message id and sequence the log gives them.
        var last = everything[^1].Sequence;
        await ImposeAsync(second.CaseId, Stage.Notice, Zhengzhou, "2026-05-12");
        var decided = await WaitForEnvelopeAsync<MeasureDecided>(consumer, e => e.CaseId == Guid.Parse(second.CaseId));
        var logged = (await ReadAllAsync(log, last)).Single(e => e.MessageType == typeof(MeasureDecided).FullName);
        Assert.Equal((logged.MessageId, logged.Sequence), (decided.MessageId.ToString(), decided.Sequence!.Value));
        // For one case, a later state has a higher sequence (its events are written under its lock).
        var firstDecided = everything.Single(e => e.MessageType == typeof(MeasureDecided).FullName);
        var firstOpened = everything.First(e => e.Body.Contains(first.CaseId, StringComparison.Ordinal));
        Assert.True(firstOpened.Sequence < firstDecided.Sequence);
        // Nothing opened before the consumer came arrives twice through the broker.
        Assert.Empty(consumer.Envelopes<CaseOpened>());
    }

    [Fact]
    public async Task The_event_log_is_the_provinces_auditors_and_refuses_bad_requests_naming_the_field_Issue12()
    {
        await OpenAgainstZhongyuanAsync();
        await Refused(() => new Pingan.EventLog.Api.EventLog.EventLogClient(As(Zhengzhou, PinganRoles.Auditor)).ListEventsAsync(new ListEventsRequest()).ResponseAsync,
            StatusCode.PermissionDenied);
        await Refused(() => new Pingan.EventLog.Api.EventLog.EventLogClient(As(Province, PinganRoles.CommissionOffice)).ListEventsAsync(new ListEventsRequest()).ResponseAsync,
            StatusCode.PermissionDenied);
        var log = new Pingan.EventLog.Api.EventLog.EventLogClient(As(Province, PinganRoles.Auditor));
        var error = await Refused(() => log.ListEventsAsync(new ListEventsRequest { AfterSequence = -1, PageSize = 5000, MessageTypes = { "CaseOpened, Pingan" } }).ResponseAsync,
            StatusCode.InvalidArgument);
        Assert.Equal(["after_sequence", "message_types[0]", "page_size"], Fields(error).Order(StringComparer.Ordinal));
        Assert.Single((await log.ListEventsAsync(new ListEventsRequest())).Events);
    }

    private static async Task<List<Event>> ReadAllAsync(Pingan.EventLog.Api.EventLog.EventLogClient log, long after, int pageSize = 0)
    {
        var events = new List<Event>();
        while (true)
        {
            var page = await log.ListEventsAsync(new ListEventsRequest { AfterSequence = after, PageSize = pageSize });
            events.AddRange(page.Events);
            after = page.LastSequence;
            if (!page.More) return events;
        }
    }

    private static async Task<(T Message, Guid MessageId, long? Sequence)> WaitForEnvelopeAsync<T>(EventTap tap, Func<T, bool> match)
    {
        await tap.WaitForAsync(match);
        return tap.Envelopes<T>().First(e => match(e.Message));
    }
}
