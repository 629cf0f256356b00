using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Pingan.Persistence;
using Pingan.Registry.Persistence;
using Pingan.Security;

namespace Pingan.Registry.Access;

/// <summary>
/// The registry answers the accountability chain from its own table: the unit, whom it answers to, and so on up
/// (answers_to, so a province-direct county's chain skips its city: 省直管县: the province's administrative arrangement, not Art. 42). The statistical grouping row answers
/// to nobody; it is in the chain of its parent, the province, so that only the province sees it.
/// </summary>
public sealed class RegistryChain(RegistryDb db, ChainCache cache) : IAccountabilityChain
{
    private const string Sql = UnitChainSql.FromUnit;

    /// <summary>On every caller's path (each call checks a target): read with Npgsql on the request's connection.</summary>
    public async Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct)
    {
        if (cache.TryGet(unitCode, out var known)) return known;
        var chain = new List<string>(6);
        await db.ReadAsync(Sql, [unitCode], reader => chain.Add(reader.GetString(0)), ct);
        if (chain.Count == 0) return null; // unknown codes are not remembered: the unit may be registered next
        cache.Remember(unitCode, chain);
        return chain;
    }
}

/// <summary>
/// Chains for a minute: every call asks for two (the caller's jurisdiction and the target). This replica forgets
/// them all when it changes a unit; another replica's change shows here within the minute.
/// </summary>
public sealed class ChainCache(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Chain, long Expires)> _chains = new(StringComparer.Ordinal);

    public bool TryGet(string code, out IReadOnlyList<string> chain)
    {
        if (_chains.TryGetValue(code, out var entry) && entry.Expires > time.GetTimestamp())
        {
            chain = entry.Chain;
            return true;
        }
        chain = [];
        return false;
    }

    public void Remember(string code, IReadOnlyList<string> chain)
    {
        if (_chains.Count > 200_000) _chains.Clear();
        _chains[code] = (chain, time.GetTimestamp() + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
    }

    public void Forget() => _chains.Clear();
}
