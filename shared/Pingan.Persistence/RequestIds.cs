namespace Pingan.Persistence;

/// <summary>
/// Client request ids (AIP-155). Create calls take them through the request ledger
/// (<c>Pingan.ServiceDefaults.RequestLedger</c>); a call whose id also names what it makes (the yearly listing batch,
/// whose id follows from it) reads it here.
/// </summary>
public static class RequestIds
{
    /// <summary>The id as given, or null when the caller sent none.</summary>
    public static string? Given(string requestId) => requestId.Trim() is { Length: > 0 } given ? given : null;
}
