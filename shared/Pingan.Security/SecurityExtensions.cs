using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pingan.Audit;

namespace Pingan.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Every call needs an access token of the identity service (<c>Security:Authority</c>, its discovery document
    /// and keys) whose audiences include this service's own, <c>pingan-{service}</c> (issue 11: each service is its
    /// own audience; <c>Security:Audience</c> overrides it); health, metrics and the OpenAPI document stay open.
    /// A refused token (missing, expired, forged, wrong audience) is answered 401 / Unauthenticated, counted and
    /// sampled into the audit trail.
    /// </summary>
    public static IHostApplicationBuilder AddPinganSecurity(this IHostApplicationBuilder builder, string service)
    {
        var audience = builder.Configuration["Security:Audience"] is { Length: > 0 } configured ? configured : Audiences.Of(service);
        var authority = builder.Configuration["Security:Authority"]
            ?? throw new InvalidOperationException("Set Security:Authority to the identity service's address (its issuer).");
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CallerAccessor>();
        builder.Services.AddScoped<JurisdictionGuard>();
        builder.Services.AddSingleton<AnonymousRefusals>();
        builder.Services.AddSingleton<RevokedSubjects>();
        builder.Services.AddHostedService<RevokedSubjectsPoller>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.Authority = authority;
            o.Audience = audience;
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = builder.Configuration.GetValue("Security:RequireHttpsMetadata", true);
            o.TokenValidationParameters.NameClaimType = "name";
            o.TokenValidationParameters.RoleClaimType = "role";
            o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
            o.Events = new JwtBearerEvents
            {
                // A token of an account disabled since it was issued (issue 11): the identity service's revocation list.
                OnTokenValidated = context =>
                {
                    if (context.SecurityToken is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken { Subject: { Length: > 0 } subject } token
                        && context.HttpContext.RequestServices.GetRequiredService<RevokedSubjects>().IsRevoked(subject, token.IssuedAt, out var revokedAt))
                        context.Fail(new TokenRevokedException($"The token's account was disabled at {revokedAt:yyyy-MM-dd HH:mm:ss}Z, after the token was issued."));
                    return Task.CompletedTask;
                },
                // A valid token without the role an endpoint requires (the audit log's auditor role, say).
                OnForbidden = context => AuditRefusalAsync(context.HttpContext, null, "the token lacks the role or the jurisdiction this needs"),
                OnChallenge = context =>
                {
                    // Whose token it claimed to be, unvalidated: worth knowing for a forged or expired one.
                    var claimed = ClaimedSubject(context.Request.Headers.Authorization.ToString());
                    var why = context.AuthenticateFailure?.Message ?? context.ErrorDescription ?? "no access token";
                    // Counted always, recorded as a sample (issue 11): an anonymous flood must not queue on the audit chain.
                    var kind = AnonymousRefusals.KindOf(context.AuthenticateFailure);
                    if (context.HttpContext.RequestServices.GetRequiredService<AnonymousRefusals>().Count(kind) is not { } unrecorded) return Task.CompletedTask;
                    if (unrecorded > 0) why = $"{why} [sampled: {unrecorded} more '{kind}' refusal(s) since the last recorded one went unrecorded]";
                    return AuditRefusalAsync(context.HttpContext, claimed is null ? null : $"claimed-subject/{claimed}", why);
                },
            };
        });
        builder.Services.AddAuthorization(o => o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.ConfigureSwaggerGen(o => DescribeSecurity(o, service, authority));
        return builder;
    }

    /// <summary>
    /// The OpenAPI document's security (issue 18): the identity service's OAuth2 flows, client credentials for a
    /// department's system and authorization code (with PKCE) for a person's tool, and the scopes whose tokens this
    /// service accepts: <c>pingan</c>, or <c>pingan.{service}</c> (<see cref="Audiences.ForScopes"/>).
    /// </summary>
    private static void DescribeSecurity(Swashbuckle.AspNetCore.SwaggerGen.SwaggerGenOptions o, string service, string authority)
    {
        var issuer = authority.TrimEnd('/') + "/";
        var scopes = Audiences.Scopes.Where(s => Audiences.ForScopes([s]).Contains(Audiences.Of(service)))
            .ToDictionary(s => s, s => s == "pingan" ? "The whole platform." : $"The {s["pingan.".Length..]} service and those it calls on the caller's token.");
        o.AddSecurityDefinition("oauth2", new Microsoft.OpenApi.Models.OpenApiSecurityScheme
        {
            Type = Microsoft.OpenApi.Models.SecuritySchemeType.OAuth2,
            Description = "Access tokens of the Pingan identity service. A department's system holds a client registered by the operators "
                + "(client credentials); a person signs in with the authorization code flow and PKCE. The token carries the caller's role and jurisdiction.",
            Flows = new Microsoft.OpenApi.Models.OpenApiOAuthFlows
            {
                ClientCredentials = new() { TokenUrl = new Uri(issuer + "connect/token"), Scopes = scopes },
                AuthorizationCode = new() { AuthorizationUrl = new Uri(issuer + "connect/authorize"), TokenUrl = new Uri(issuer + "connect/token"), Scopes = scopes },
            },
        });
        // Alternatives: a token of any one of the scopes will do.
        foreach (var scope in scopes.Keys)
        {
            o.AddSecurityRequirement(new Microsoft.OpenApi.Models.OpenApiSecurityRequirement
            {
                [new Microsoft.OpenApi.Models.OpenApiSecurityScheme { Reference = new() { Type = Microsoft.OpenApi.Models.ReferenceType.SecurityScheme, Id = "oauth2" } }] = [scope],
            });
        }
    }

    /// <summary>
    /// Records a refused call in the service's audit trail. The caller still gets its 401 or 403 if that fails:
    /// a lost entry is an operator's alarm, logged.
    /// </summary>
    private static async Task AuditRefusalAsync(Microsoft.AspNetCore.Http.HttpContext http, string? target, string why)
    {
        if (http.RequestServices.GetService<IAuditTrail>() is not { } audit) return;
        try
        {
            await audit.RecordSeparatelyAsync(new AuditRecord(http.Request.Path, target, Outcomes.Denied, why.Length > 700 ? why[..700] : why),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Pingan.Security").LogError(ex, "Could not audit a refused call");
        }
    }

    private static string? ClaimedSubject(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var sub = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(authorization["Bearer ".Length..].Trim()).Subject;
            return sub is { Length: > 0 and <= 100 } ? sub : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>After MapServiceDefaults: authentication and authorization for every endpoint mapped afterwards.</summary>
    public static WebApplication UsePinganSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<Pingan.ServiceDefaults.UnknownJsonFieldsMiddleware>(); // issue 18: after authorization
        return app;
    }
}
