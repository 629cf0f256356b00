using OpenIddict.Validation.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using Pingan.Audit;
using Pingan.Identity.Accounts;
using Pingan.Identity.Endpoints;
using Pingan.Identity.Keys;
using Pingan.Identity.Persistence;
using Pingan.Identity.Seed;
using Pingan.Persistence;
using Pingan.ServiceDefaults;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity;

/// <summary>
/// The identity service (OpenIddict 7): authorization code + PKCE for people, client credentials for
/// department systems, refresh tokens, revocation, discovery, rotating keys; accounts tied to registry units.
/// </summary>
public static class IdentityApplication
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromHours(8);

    private static bool IsAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.StartsWithSegments("/account/login") || request.Path.StartsWithSegments("/connect/token")
            || request.Path.StartsWithSegments("/connect/revoke")); // issue 11: revocation is limited like sign-in

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults("Pingan identity");
        builder.AddPinganDbContext<IdentityDb>("identity");
        builder.AddPinganAudit<IdentityDb>();
        // After the migration (migrators run in order): the platform's own services as clients (ADR 0012).
        builder.Services.AddSingleton<IDatabaseMigrator, ServiceClients>();
        builder.Services.AddSingleton<IDatabaseMigrator, PortalClient>();
        // Cookie and antiforgery keys in the database, sealed: every replica signs people in alike (issue 16).
        builder.Services.AddSharedDataProtection();
        builder.Services.AddAntiforgery();
        // Brute force across accounts (one password tried on many names) or against client secrets: at most
        // Identity:AttemptsPerMinute sign-in and token requests a minute from one address, then 429.
        var perMinute = builder.Configuration.GetValue("Identity:AttemptsPerMinute", 30);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Global, and ahead of authentication: OpenIddict answers a wrong client secret before any endpoint runs.
            o.GlobalLimiter = System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsAttempt(context.Request)
                    ? System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) })
                    : System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = async (context, ct) =>
            {
                if (context.HttpContext.RequestServices.GetService<IAuditTrail>() is { } audit)
                    await audit.RecordSeparatelyAsync(new AuditRecord(context.HttpContext.Request.Path, null, Outcomes.Denied, "too many attempts from this address"), CancellationToken.None);
            };
        });
        builder.Services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.ExpireTimeSpan = LoginEndpoints.IdleTimeout;
            o.SlidingExpiration = true;
            o.Cookie.Name = "pingan.identity";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure everywhere but on loopback (./platform up, tests), where there is no TLS.
            o.Cookie.SecurePolicy = builder.Configuration.GetValue("Identity:AllowHttp", false) ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // A gRPC caller (the audit log) gets 401 / 403, which it reads as Unauthenticated / PermissionDenied, not a login page.
            o.Events.OnRedirectToLogin = context => GrpcOr(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => GrpcOr(context, StatusCodes.Status403Forbidden);
            o.Events.OnValidatePrincipal = LoginEndpoints.EnforceSessionLimitAsync;
        });
        builder.Services.AddAuthorization();

        var issuer = builder.Configuration["Identity:Issuer"];
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(o =>
            {
                if (!string.IsNullOrEmpty(issuer)) o.SetIssuer(new Uri(issuer));
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetRevocationEndpointUris("connect/revoke");
                o.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                o.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, .. Pingan.Security.Audiences.Scopes]);
                o.SetAccessTokenLifetime(AccessTokenLifetime).SetRefreshTokenLifetime(RefreshTokenLifetime);
                // Issue 11: a refresh token renewed keeps its first expiry, so a stolen one lives a working day at most.
                o.DisableSlidingRefreshTokenExpiration();
                // Services validate access tokens themselves with the published keys: signed, not encrypted.
                o.DisableAccessTokenEncryption();
                // Requests OpenIddict refuses itself (a wrong client secret, a replayed code or refresh token, a PKCE
                // mismatch) never reach the endpoint: audit them where the error response is written.
                o.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(h => h.UseInlineHandler(async context =>
                {
                    if (context.Response.Error is null) return;
                    var services = context.Transaction.GetHttpRequest()?.HttpContext.RequestServices;
                    if (services?.GetService<IAuditTrail>() is not { } audit) return;
                    try
                    {
                        var client = context.Request?.ClientId is { Length: > 0 and <= 100 } id ? id : "unknown";
                        await audit.RecordSeparatelyAsync(new AuditRecord($"token/{context.Request?.GrantType ?? "unknown"}", $"client/{client}",
                            Outcomes.Denied, $"{context.Response.Error}: {context.Response.ErrorDescription}"), CancellationToken.None);
                    }
                    catch (Exception ex)
                    {
                        services.GetRequiredService<ILoggerFactory>().CreateLogger("Pingan.Identity").LogError(ex, "Could not audit a refused token request");
                    }
                }));
                // Issue 11: every revocation request is audited, granted or refused.
                o.AddEventHandler<OpenIddictServerEvents.ApplyRevocationResponseContext>(h => h.UseInlineHandler(async context =>
                {
                    var services = context.Transaction.GetHttpRequest()?.HttpContext.RequestServices;
                    if (services?.GetService<IAuditTrail>() is not { } audit) return;
                    try
                    {
                        var client = context.Request?.ClientId is { Length: > 0 and <= 100 } id ? id : "unknown";
                        await audit.RecordSeparatelyAsync(new AuditRecord("token/revoke", $"client/{client}",
                            context.Response.Error is null ? Outcomes.Succeeded : Outcomes.Denied,
                            context.Response.Error is null ? context.Request?.TokenTypeHint : $"{context.Response.Error}: {context.Response.ErrorDescription}"), CancellationToken.None);
                    }
                    catch (Exception ex)
                    {
                        services.GetRequiredService<ILoggerFactory>().CreateLogger("Pingan.Identity").LogError(ex, "Could not audit a revocation");
                    }
                }));
                var aspnet = o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough();
                // Behind the cluster's TLS-terminating ingress, or on loopback for ./platform up and tests.
                if (builder.Configuration.GetValue("Identity:AllowHttp", false)) aspnet.DisableTransportSecurityRequirement();
            })
            // Machine auditors read the identity service's own audit log with an access token, as at every service.
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.AddAudiences(PinganClaims.Audience);
                o.UseAspNetCore();
            });
        builder.Services.AddSingleton<SecretSealer>();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(s => s.GetRequiredService<KeyRing>());
        builder.Services.AddSingleton<KeyRotation>();
        builder.Services.AddHostedService(s => s.GetRequiredService<KeyRotation>());
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(s => s.GetRequiredService<KeyRotation>());
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddict.Validation.OpenIddictValidationOptions>>(s => s.GetRequiredService<KeyRotation>());
        builder.Services.AddScoped<DemoAccounts>();
        builder.Services.AddSingleton<IServiceStep, DemoAccountsStep>();
        // Issue 16: a production installation's first operator accounts and department systems, from a Secret.
        builder.Services.AddSingleton<IServiceStep, BootstrapStep>();
        builder.Services.AddHostedService<DemoCredentialGuard>();
        builder.Services.AddSingleton<IServiceStep, DemoTotpStep>();

        static Task GrpcOr(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true) context.Response.StatusCode = status;
            else context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        var app = builder.Build();
        app.MapServiceDefaults();
        Accounts.SignInMetrics.Publish();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapConnect();
        app.MapLogin();
        app.MapAccountAdmin();
        app.MapAuditLog<IdentityDb>().RequireAuthorization(new AuthorizeAttribute
        {
            AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme + "," + OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme,
        });
        return app;
    }
}
