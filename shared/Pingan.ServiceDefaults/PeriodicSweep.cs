using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pingan.ServiceDefaults;

/// <summary>
/// Work over stored rows that runs in every replica on a timer of the injected <see cref="TimeProvider"/> (deadline
/// and reminder sweeps). The rows, not the timer, hold the state: a sweep claims them with FOR UPDATE SKIP LOCKED,
/// so replicas sweeping together, or a restart in between, neither lose nor repeat one. A failed run is logged
/// and the next tick tries again.
/// </summary>
public abstract class PeriodicSweep(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Every { get; }

    /// <summary>What the sweep is called in the logs, e.g. "signing reminders".</summary>
    protected abstract string What { get; }

    /// <summary>Does everything due now; returns how many rows it fired.</summary>
    public abstract Task<int> SweepAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, Time);
        do
        {
            try
            {
                var fired = await SweepAsync(stoppingToken);
                if (fired > 0) logger.LogInformation("Fired {Count} {What}", fired, What);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The sweep of {What} failed; it runs again in {Every}", What, Every);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
