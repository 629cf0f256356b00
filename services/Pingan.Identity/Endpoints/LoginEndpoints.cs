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
/// The sign-in page: user name, password and, for office and leader roles, a TOTP code (等保 level 3: two
/// factors). Five failures in a row lock the account for fifteen minutes; every attempt is audited.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>A session idle this long is over (the cookie slides while it is used).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);

    public static WebApplication MapLogin(this WebApplication app)
    {
        app.MapGet("/account/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Page(context, antiforgery, returnUrl, null, HttpStatusCode.OK));
        app.MapPost("/account/login", LoginAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, IAntiforgery antiforgery, IdentityDb db, IPasswordHasher<Account> hasher, IAuditTrail audit, TimeProvider time)
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
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.UserName == userName);
        const string Wrong = "The user name, password or code is wrong.";

        if (account is null || account.Disabled)
        {
            await audit.RecordSeparatelyAsync(new AuditRecord("login", $"account/{userName}", Outcomes.Denied, "unknown or disabled account"), context.RequestAborted);
            return Page(context, antiforgery, returnUrl, Wrong, HttpStatusCode.Unauthorized);
        }
        if (account.LockedUntil > now)
        {
            await audit.RecordSeparatelyAsync(new AuditRecord("login", $"account/{userName}", Outcomes.Denied, "locked"), context.RequestAborted);
            return Page(context, antiforgery, returnUrl, $"The account is locked after repeated failures until {account.LockedUntil:HH:mm} UTC.", HttpStatusCode.Locked);
        }

        var passwordOk = hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
        var secondOk = !Roles.NeedsSecondFactor(account.Roles) || VerifyTotp(account, code, now);
        await using var tx = await db.Database.BeginTransactionAsync(context.RequestAborted);
        if (!passwordOk || !secondOk)
        {
            account.FailedAttempts++;
            var locked = account.FailedAttempts >= Lockout.MaxFailures;
            if (locked)
            {
                account.LockedUntil = now + Lockout.Duration;
                account.FailedAttempts = 0;
            }
            await db.SaveChangesAsync(context.RequestAborted);
            await audit.RecordAsync(new AuditRecord("login", $"account/{userName}", Outcomes.Denied,
                (passwordOk ? "wrong second factor" : "wrong password") + (locked ? "; account locked" : "")), context.RequestAborted);
            await tx.CommitAsync(context.RequestAborted);
            return locked
                ? Page(context, antiforgery, returnUrl, $"Too many failures: the account is locked until {account.LockedUntil:HH:mm} UTC.", HttpStatusCode.Locked)
                : Page(context, antiforgery, returnUrl, Wrong, HttpStatusCode.Unauthorized);
        }

        account.FailedAttempts = 0;
        account.LockedUntil = null;
        await db.SaveChangesAsync(context.RequestAborted);
        await audit.RecordAsync(new AuditRecord("login", $"account/{userName}"), context.RequestAborted);
        await tx.CommitAsync(context.RequestAborted);
        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(Claims.Name, account.DisplayName));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>RFC 6238, 30-second steps, one step of clock drift either way; a code is good once.</summary>
    private static bool VerifyTotp(Account account, string code, DateTimeOffset now)
    {
        if (account.TotpSecret is null || code.Length != 6) return false;
        var totp = new Totp(Base32Encoding.ToBytes(account.TotpSecret));
        if (!totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(1, 1))) return false;
        if (step <= account.LastTotpStep) return false;
        account.LastTotpStep = step;
        return true;
    }

    private static bool IsLocal(string url) => url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, HttpStatusCode status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>平安建设领导责任制平台 · 登录</title></head>
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
        return Results.Content(html, "text/html; charset=utf-8", statusCode: (int)status);
    }
}
