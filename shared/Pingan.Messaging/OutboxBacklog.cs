using Microsoft.EntityFrameworkCore;
using Pingan.ServiceDefaults;
using Prometheus;

namespace Pingan.Messaging;

/// <summary>
/// The outbox's backlog as gauges: how many events wait for the broker and how long the oldest has waited. A backlog
/// that ages means the dispatcher cannot publish (the broker is down or refuses): the OutboxBacklogAging alert.
/// </summary>
internal sealed class OutboxBacklog<TDb>(TDb db, TimeProvider time) : IScrapeProbe where TDb : DbContext
{
    private static readonly Gauge Pending = Metrics.CreateGauge("pingan_outbox_pending", "Events committed and not yet confirmed by the broker");
    private static readonly Gauge OldestAge = Metrics.CreateGauge("pingan_outbox_oldest_pending_age_seconds",
        "How long the oldest event not yet confirmed by the broker has waited (0 when none waits)");

    public string What => "outbox backlog";

    public async Task RefreshAsync(CancellationToken ct)
    {
        var pending = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.DispatchedAt == null);
        var backlog = await pending.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Oldest = g.Min(m => m.CreatedAt) }).SingleOrDefaultAsync(ct);
        Pending.Set(backlog?.Count ?? 0);
        OldestAge.Set(backlog is null ? 0 : Math.Max(0, (time.GetUtcNow() - backlog.Oldest).TotalSeconds));
    }
}
