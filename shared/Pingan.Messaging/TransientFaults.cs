using System.Data.Common;
using System.Net.Sockets;

namespace Pingan.Messaging;

/// <summary>Which failures of a consumer are worth waiting out, and how long to wait before the next attempt.</summary>
public static class TransientFaults
{
    /// <summary>
    /// A database error its provider calls transient (Npgsql: a broken connection, a failover, a serialization
    /// failure, too many connections), a timeout, or a socket error, anywhere in the exception's chain.
    /// </summary>
    public static bool IsTransient(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or TimeoutException or SocketException) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient)) return true;
        }
        return false;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: <paramref name="min"/> doubling each time, at most <paramref name="max"/>.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 20))));
}
