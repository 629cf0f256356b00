using Pingan.Identity.Keys;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using Pingan.Audit;
using Pingan.Identity.Accounts;
using Pingan.Identity.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Endpoints;

/// <summary>
/// The sign-in page: user name, password and a TOTP code (等保 level 3: two factors, for every person). Five
/// failures from one address lock the account for that address for fifteen minutes (nobody locks a person out
/// from elsewhere); from the tenth failure since the last sign-in the person is told at their next one. Every
/// attempt is audited.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>A session idle this long is over (the cookie slides while it is used).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);

    /// <summary>However active, a session ends this long after its sign-in (a working day); then the person signs in again.</summary>
    public static readonly TimeSpan SessionLimit = TimeSpan.FromHours(8);

    /// <summary>When the person signed in, in Unix seconds: sliding renewals move the cookie's own issue time, not this.</summary>
    public const string SignedInAt = "signed_in_at";

    /// <summary>Ends a session past <see cref="SessionLimit"/> (the cookie's OnValidatePrincipal).</summary>
    public static async Task EnforceSessionLimitAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var at = context.Principal?.FindFirst(SignedInAt)?.Value;
        if (at is not null && long.TryParse(at, out var seconds) && now - DateTimeOffset.FromUnixTimeSeconds(seconds) < SessionLimit) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    public static WebApplication MapLogin(this WebApplication app)
    {
        app.MapGet("/account/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Page(context, antiforgery, returnUrl, null, HttpStatusCode.OK));
        app.MapPost("/account/login", LoginAsync).DisableAntiforgery();
        app.MapPost("/account/logout", LogoutAsync).DisableAntiforgery();
        // Issue 17: where the portal sends a person who signed out of it, to end the session here too.
        app.MapGet("/account/logout", (HttpContext context, IAntiforgery antiforgery) => LogoutPage(context, antiforgery));
        return app;
    }

    /// <summary>
    /// Sign-out (issue 11): the session ends, and every refresh token and authorization of the person is revoked,
    /// so no client of theirs renews an access token afterwards (one already issued lives out its 15 minutes).
    /// The form carries the page's antiforgery token, like sign-in.
    /// </summary>
    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery, OpenIddict.Abstractions.IOpenIddictTokenManager tokens,
        OpenIddict.Abstractions.IOpenIddictAuthorizationManager authorizations, IAuditTrail audit)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem("The sign-out form has expired; open it again.", statusCode: 400);
        }
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var subject = session.Principal?.FindFirstValue(Claims.Subject);
        if (!session.Succeeded || subject is null) return Results.Redirect("/account/login");
        var revoked = await Sessions.RevokeAllAsync(subject, tokens, authorizations, context.RequestAborted);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await audit.RecordSeparatelyAsync(new AuditRecord("logout", $"account/{subject}", Detail: $"{{\"tokensRevoked\":{revoked}}}"), context.RequestAborted);
        return Results.Redirect("/account/login");
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, IAntiforgery antiforgery, IdentityDb db, IPasswordHasher<Account> hasher, IAuditTrail audit, TimeProvider time, SecretSealer sealer)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem("The sign-in form has expired; open it again.", statusCode: 400);
        }
        var form = await context.Request.ReadFormAsync();
        var (userName, password, code, returnUrl) = (form["userName"].ToString().Trim(), form["password"].ToString(), form["code"].ToString().Trim(), form["returnUrl"].ToString());
        var now = time.GetUtcNow();
        // One answer for every failure (unknown name, wrong password or code, locked), so the page tells an
        // attacker nothing; the audit trail says which it was.
        const string Refused = "The user name, password or code is wrong, or the account is locked for 15 minutes after repeated failures.";

        await using var tx = await db.Database.BeginTransactionAsync(context.RequestAborted);
        // Row lock: parallel guesses are counted one after the other, and a TOTP code is spent once.
        var account = await db.Accounts.FromSqlInterpolated($"SELECT * FROM accounts WHERE user_name = {userName} FOR UPDATE")
            .FirstOrDefaultAsync(context.RequestAborted);
        if (account is null || account.Disabled)
        {
            hasher.VerifyHashedPassword(Decoy, Decoy.PasswordHash, password);   // the same work as for a real account
            await audit.RecordAsync(new AuditRecord("login", $"account/{Short(userName)}", Outcomes.Denied, "unknown or disabled account"), context.RequestAborted);
            await tx.CommitAsync(context.RequestAborted);
            SignInMetrics.Attempt(SignInMetrics.UnknownAccount);
            return Page(context, antiforgery, returnUrl, Refused, HttpStatusCode.Unauthorized);
        }
        var passwordOk = hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
        // Issue 11: locks are per account and client address (the forwarded one only behind Network:TrustedProxies).
        var address = Short(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var pair = await db.SignInLocks.FirstOrDefaultAsync(l => l.AccountId == account.Id && l.Address == address, context.RequestAborted);
        if (account.LockedUntil > now || pair?.LockedUntil > now)
        {
            await audit.RecordAsync(new AuditRecord("login", $"account/{userName}", Outcomes.Denied, account.LockedUntil > now ? "locked" : $"locked for {address}"), context.RequestAborted);
            await tx.CommitAsync(context.RequestAborted);
            SignInMetrics.Attempt(SignInMetrics.Locked);
            return Page(context, antiforgery, returnUrl, Refused, HttpStatusCode.Unauthorized);
        }
        var secondOk = !Roles.NeedsSecondFactor(account.Roles) || VerifyTotp(account, code, now, sealer);
        if (!passwordOk || !secondOk)
        {
            if (pair is null) db.SignInLocks.Add(pair = new SignInLock { AccountId = account.Id, Address = address });
            pair.Failures++;
            var locked = pair.Failures >= Lockout.MaxFailures;
            if (locked)
            {
                pair.LockedUntil = now + Lockout.Duration;
                pair.Failures = 0;
            }
            account.FailedAttempts++;
            var notice = account.FailedAttempts >= Lockout.NoticeAfter;
            if (notice)
                account.Notice = $"{account.FailedAttempts} failed sign-ins to your account since your last sign-in, the latest at {now:yyyy-MM-dd HH:mm} UTC from {address}. " +
                    "If they were not yours, tell your security officer.";
            await db.SaveChangesAsync(context.RequestAborted);
            await audit.RecordAsync(new AuditRecord("login", $"account/{userName}", Outcomes.Denied,
                (passwordOk ? "wrong second factor" : "wrong password") + (locked ? $"; account locked for {address}" : "") +
                (notice ? $"; {account.FailedAttempts} failures since the last sign-in: the holder is told" : "")), context.RequestAborted);
            await tx.CommitAsync(context.RequestAborted);
            SignInMetrics.Attempt(passwordOk ? SignInMetrics.WrongSecondFactor : SignInMetrics.WrongPassword);
            if (locked) SignInMetrics.Lockout();
            return Page(context, antiforgery, returnUrl, Refused, HttpStatusCode.Unauthorized);
        }

        var told = account.Notice;
        account.FailedAttempts = 0;
        account.Notice = null;
        if (pair is not null) db.SignInLocks.Remove(pair);
        await db.SaveChangesAsync(context.RequestAborted);
        await audit.RecordAsync(new AuditRecord("login", $"account/{userName}", Detail: told is null ? null : System.Text.Json.JsonSerializer.Serialize(new { told })), context.RequestAborted);
        await tx.CommitAsync(context.RequestAborted);
        SignInMetrics.Attempt(SignInMetrics.Succeeded);
        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(Claims.Name, account.DisplayName));
        identity.AddClaim(new Claim(PinganClaims.Jurisdiction, account.JurisdictionCode));
        identity.AddClaim(new Claim(SignedInAt, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var role in account.Roles) identity.AddClaim(new Claim(Claims.Role, role));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        if (told is null) return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
        // Told once, before going on: the page says what happened and links where the person was going.
        return Results.Content($"""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>登录提示 Notice</title></head><body>
            <p role="alert">{WebUtility.HtmlEncode(told)}</p><p><a href="{WebUtility.HtmlEncode(IsLocal(returnUrl) ? returnUrl : "/")}">继续 Continue</a></p></body></html>
            """, "text/html; charset=utf-8");
    }

    private static readonly Account Decoy = new()
    {
        UserName = "", DisplayName = "", UnitCode = "", JurisdictionCode = "",
        PasswordHash = new PasswordHasher<Account>().HashPassword(null!, "decoy-password-never-used"),
    };

    private static string Short(string s) => s.Length <= 64 ? s : s[..64];

    /// <summary>RFC 6238, 30-second steps, one step of clock drift either way; a code is good once.</summary>
    private static bool VerifyTotp(Account account, string code, DateTimeOffset now, SecretSealer sealer)
    {
        if (account.TotpSecret is null || code.Length != 6) return false;
        var totp = new Totp(Base32Encoding.ToBytes(sealer.Open(account.TotpSecret)));
        if (!totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(1, 1))) return false;
        if (step <= account.LastTotpStep) return false;
        account.LastTotpStep = step;
        return true;
    }

    /// <summary>A path on this site only: printable ASCII, one leading slash (no "//host", "/\\host" or "/\t/host").</summary>
    private static bool IsLocal(string url) =>
        url.Length > 0 && url[0] == '/' && url.All(c => c is > ' ' and < (char)127)
        && !(url.Length > 1 && (url[1] == '/' || url[1] == '\\'));

    private static IResult LogoutPage(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>平安建设领导责任制平台 · 退出</title></head>
            <body>
            <h1>平安建设领导责任制平台</h1>
            <p>您已退出门户。在此结束登录会话，其他应用也将需要重新登录。 You have left the portal; end your session here too.</p>
            <form method="post" action="/account/logout">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <button type="submit">退出登录 Sign out</button>
            </form>
            </body></html>
            """;
        context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        context.Response.Headers.XFrameOptions = "DENY";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, HttpStatusCode status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>平安建设领导责任制平台 · 登录</title></head>
            <body>
            <h1>平安建设领导责任制平台</h1>
            {(error is null ? "" : $"<p role=\"alert\">{E(error)}</p>")}
            <form method="post" action="/account/login">
              <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{E(returnUrl)}">
              <label>用户名 User name <input name="userName" autocomplete="username" required></label>
              <label>密码 Password <input name="password" type="password" autocomplete="current-password" required></label>
              <label>动态口令 Code (TOTP) <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label>
              <button type="submit">登录 Sign in</button>
            </form>
            </body></html>
            """;
        // Not to be framed by another site (clickjacking).
        context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        context.Response.Headers.XFrameOptions = "DENY";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: (int)status);
    }
}
