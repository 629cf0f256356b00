using MassTransit;

namespace Pingan.Messaging;

/// <summary>
/// The order of a producer's events for one aggregate (ADR 0012). Every event carries its outbox sequence in the
/// <see cref="Header"/> header, and the event log answers it too. Every producer writes an aggregate's events under
/// that aggregate's lock (lock, validate, commit), and the sequence is taken when the row is inserted inside that
/// transaction, so for one aggregate a higher sequence is a later state: a consumer keeps the last sequence it
/// applied per aggregate and drops an older one arriving late, whatever order the broker delivers them in.
/// </summary>
public static class EventSequence
{
    public const string Header = "Pingan-Sequence";

    /// <summary>The producer's sequence of the consumed event; null for a message that did not come through an outbox.</summary>
    public static long? Of(ConsumeContext context) =>
        context.Headers.TryGetHeader(Header, out var value) && value is not null
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
