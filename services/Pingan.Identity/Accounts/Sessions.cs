using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Accounts;

/// <summary>Ends every grant a person holds: sign-out and an operator's disablement both come here (issue 11).</summary>
public static class Sessions
{
    /// <summary>Revokes every valid token (refresh tokens, codes) and every authorization of <paramref name="subject"/>; answers how many tokens.</summary>
    public static async Task<int> RevokeAllAsync(string subject, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, CancellationToken ct)
    {
        var revoked = 0;
        await foreach (var token in tokens.FindBySubjectAsync(subject, ct))
            if (await tokens.GetStatusAsync(token, ct) == Statuses.Valid && await tokens.TryRevokeAsync(token, ct)) revoked++;
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, ct))
            await authorizations.TryRevokeAsync(authorization, ct);
        return revoked;
    }
}
