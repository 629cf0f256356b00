using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pingan.Archives.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Archives.Keeping;

/// <summary>
/// <c>Pingan.Archives rebuild</c>, run with the service stopped: empties what the events built (units, terms, the
/// facts, cases, listings, referrals), the inbox and the event-log positions, so that the next start reads every
/// producer's event log from the beginning (ADR 0012) and builds the archives again from the sources. The office's
/// own records (yearly grades, consultations and their keys) and the audit trail stay.
/// </summary>
public sealed class RebuildStep(ArchivesDb db, ILogger<RebuildStep> logger) : IServiceStep
{
    public string Name => "rebuild";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
#pragma warning disable EF1002 // the table names are this service's own constants, not input
        await db.Database.ExecuteSqlRawAsync($"TRUNCATE {string.Join(", ", ArchivesDb.ReadModel)}, inbox_messages, event_log_positions", cancellationToken);
#pragma warning restore EF1002
        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Archives emptied ({Tables}); the next start rebuilds them from the producers' event logs", string.Join(", ", ArchivesDb.ReadModel));
    }
}
