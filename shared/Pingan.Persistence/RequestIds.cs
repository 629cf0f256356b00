namespace Pingan.Persistence;

/// <summary>
/// Client request ids (AIP-155) on the calls that create: a retry of a request that went through returns what the
/// first one made. The id is stored on the created row under a unique index, so two copies arriving at once make one
/// row; the loser of that race meets <see cref="UniqueIndex.Violated"/> and reads the winner's row.
/// </summary>
public static class RequestIds
{
    /// <summary>The id as given, or null when the caller sent none.</summary>
    public static string? Given(string requestId) => requestId.Trim() is { Length: > 0 } given ? given : null;
}
