using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Pingan.Audit;
using Pingan.Identity.Accounts;
using Pingan.Identity.Persistence;
using Pingan.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Endpoints;

/// <summary>
/// Disabling an account (issue 11), by the platform's operators with their access token: the account can no
/// longer sign in or renew, every refresh token and authorization of it is revoked, and the access tokens it
/// already holds are refused by every service within their revocation poll (10 s), through the revocation list
/// published at <c>/connect/revoked-subjects</c>. Enabling it again lets the person sign in anew; tokens from
/// before the disablement stay refused.
/// </summary>
public static class AccountAdminEndpoints
{
    /// <summary>An entry stays on the list for the longest life of an access token, and a margin for clocks.</summary>
    public static readonly TimeSpan ListWindow = IdentityApplication.AccessTokenLifetime + TimeSpan.FromMinutes(5);

    public sealed record AdminRequest(string? Reason);

    public static IEndpointRouteBuilder MapAccountAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/accounts").RequireAuthorization(new AuthorizeAttribute
        {
            AuthenticationSchemes = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme,
            Roles = PinganRoles.Operator,
        });
        admin.MapPost("/{userName}:disable", (string userName, AdminRequest body, HttpContext context, IdentityDb db, TimeProvider time, IAuditTrail audit,
            IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations) =>
            ChangeAsync(userName, body, disable: true, context, db, time, audit, tokens, authorizations));
        admin.MapPost("/{userName}:enable", (string userName, AdminRequest body, HttpContext context, IdentityDb db, TimeProvider time, IAuditTrail audit,
            IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations) =>
            ChangeAsync(userName, body, disable: false, context, db, time, audit, tokens, authorizations));
        // Public, like a certificate revocation list: opaque subject ids and instants only.
        app.MapGet("/" + RevokedSubjects.Path, async (IdentityDb db, TimeProvider time, CancellationToken ct) =>
        {
            var since = time.GetUtcNow() - ListWindow;
            var subjects = await db.Accounts.AsNoTracking().Where(a => a.TokensRevokedAt >= since)
                .Select(a => new { a.Id, a.TokensRevokedAt }).ToListAsync(ct);
            return Results.Ok(new RevocationList([.. subjects.Select(s => new RevokedSubject(s.Id.ToString(), s.TokensRevokedAt!.Value))], (int)ListWindow.TotalSeconds));
        }).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ChangeAsync(string userName, AdminRequest body, bool disable, HttpContext context, IdentityDb db, TimeProvider time,
        IAuditTrail audit, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
    {
        var ct = context.RequestAborted;
        var reason = body.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > 500)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["is required (up to 500 characters): why the account is " + (disable ? "disabled" : "enabled")] });
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var account = await db.Accounts.FromSql($"SELECT * FROM accounts WHERE user_name = {userName} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (account is null) return Results.Problem($"No account {userName}.", statusCode: StatusCodes.Status404NotFound);
        var operatorName = context.User.FindFirstValue(Claims.Subject) ?? "unknown";
        if (account.Id.ToString() == operatorName) return Results.Problem("An operator does not disable or enable their own account.", statusCode: StatusCodes.Status403Forbidden);
        var now = time.GetUtcNow();
        account.Disabled = disable;
        account.DisabledReason = $"{(disable ? "disabled" : "enabled")} {now:yyyy-MM-dd HH:mm}Z by {operatorName}: {reason}";
        if (disable) account.TokensRevokedAt = now;
        await db.SaveChangesAsync(ct);
        var revoked = disable ? await Sessions.RevokeAllAsync(account.Id.ToString(), tokens, authorizations, ct) : 0;
        await audit.RecordAsync(new AuditRecord(disable ? "account/disable" : "account/enable", $"account/{account.Id}",
            Detail: System.Text.Json.JsonSerializer.Serialize(new { account.UserName, reason, tokensRevoked = revoked })), ct);
        await tx.CommitAsync(ct);
        return Results.Ok(new { userName = account.UserName, disabled = account.Disabled, tokensRevokedAt = account.TokensRevokedAt });
    }
}
