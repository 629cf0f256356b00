using Pingan.Archives.Persistence;
using Pingan.Persistence;
using Pingan.Security;

namespace Pingan.Archives.Keeping;

/// <summary>
/// The accountability chain from the units the registry announced (its events), the registry's own rule
/// (answers_to, else parent): the archives answer every jurisdiction question without calling the registry, so a
/// consultation needs no other service to be up. Remembered for the request (a call asks for the same few chains).
/// </summary>
public sealed class ArchivesChain(ArchivesDb db) : IAccountabilityChain
{
    private const string Sql = UnitChainSql.FromUnit;

    private readonly Dictionary<string, IReadOnlyList<string>> _known = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>?> ChainAsync(string unitCode, CancellationToken ct)
    {
        if (_known.TryGetValue(unitCode, out var known)) return known;
        var chain = new List<string>(6);
        await db.ReadAsync(Sql, [unitCode], reader => chain.Add(reader.GetString(0)), ct);
        if (chain.Count == 0) return null;
        _known[unitCode] = chain;
        return chain;
    }
}
