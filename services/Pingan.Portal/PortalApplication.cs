using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Pingan.Portal.Components;
using Pingan.Portal.Sessions;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Portal;

/// <summary>
/// The web portal (issue 17): a Blazor Web App rendered on the server, Chinese first with English. People sign in at
/// the identity service (authorization code + PKCE, as a confidential client); each page calls the services over
/// gRPC on the person's own access token, so every jurisdiction rule holds here exactly as in the API.
/// </summary>
public static class PortalApplication
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Named after the portal also when a test process hosts it: the static assets' manifests carry its name.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(PortalApplication).Assembly.GetName().Name });
        configure?.Invoke(builder);
        // From the build output (./platform up, tests), the component library's files are found through the build's
        // manifest; a published image has them in wwwroot and no manifest, and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.AddServiceDefaults("Pingan portal");
        var options = builder.Configuration.GetSection("Portal").Get<PortalOptions>() ?? new PortalOptions();
        if (options.Problems().ToList() is { Count: > 0 } problems)
            throw new InvalidOperationException("The portal is not configured: " + string.Join("; ", problems));
        builder.Services.Configure<PortalOptions>(builder.Configuration.GetSection("Portal"));

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntDesign();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpClient(nameof(PortalSessions));
        builder.Services.AddSingleton<PortalSessions>();
        builder.Services.AddScoped<UserSession>();
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            // The person's choice (the switch in the header) first, then the browser's languages.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });

        // The services, each over gRPC with the person's token on every call (UserSession.HeadersAsync).
        AddClient<Pingan.Registry.Api.Units.UnitsClient>(builder, options.Services.Registry);
        AddClient<Pingan.Registry.Api.Leadership.LeadershipClient>(builder, options.Services.Registry);
        AddClient<Pingan.Letters.Api.Letters.LettersClient>(builder, options.Services.Letters);
        AddClient<Pingan.Letters.Api.SigningKeys.SigningKeysClient>(builder, options.Services.Letters);
        AddClient<Pingan.Letters.Api.Templates.TemplatesClient>(builder, options.Services.Letters);
        AddClient<Pingan.Letters.Api.Progress.ProgressClient>(builder, options.Services.Letters);
        AddClient<Pingan.Sanctions.Api.Cases.CasesClient>(builder, options.Services.Sanctions);
        AddClient<Pingan.Inspections.Api.Inspections.InspectionsClient>(builder, options.Services.Inspections);
        AddClient<Pingan.Inspections.Api.Incidents.IncidentsClient>(builder, options.Services.Inspections);
        AddClient<Pingan.Inspections.Api.ReportingDuties.ReportingDutiesClient>(builder, options.Services.Inspections);
        AddClient<Pingan.Assessments.Api.Assessments.AssessmentsClient>(builder, options.Services.Assessments);
        AddClient<Pingan.Assessments.Api.Commendations.CommendationsClient>(builder, options.Services.Assessments);
        AddClient<Pingan.Assessments.Api.Surveys.SurveysClient>(builder, options.Services.Assessments);
        AddClient<Pingan.Archives.Api.Archives.ArchivesClient>(builder, options.Services.Archives);
        AddClient<Pingan.Archives.Api.Consultations.ConsultationsClient>(builder, options.Services.Archives);
        // Each service's own audit trail, for the province's auditors (the services refuse anyone else).
        foreach (var (code, _, _) in AuditedServices.All)
        {
            var address = new Uri(AuditedServices.AddressOf(options.Services, code));
            builder.Services.AddGrpcClient<Pingan.Audit.Api.AuditLog.AuditLogClient>(AuditedServices.ClientName(code), o => o.Address = address)
                .ConfigurePrimaryHttpMessageHandler(GrpcClientHandler.Create)
                .BalancedOver(address);
        }

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "pingan.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // A cookie whose session this replica no longer holds (a restart, a sign-out elsewhere) signs in again.
                o.Events.OnValidatePrincipal = context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessions>();
                    if (!sessions.IsActive(context.Principal?.FindFirstValue(PortalSessions.SessionClaim))) context.RejectPrincipal();
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = options.Authority;
                o.RequireHttpsMetadata = options.RequireHttpsMetadata;
                o.ClientId = options.ClientId;
                o.ClientSecret = options.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "pingan", "offline_access" }) o.Scope.Add(scope);
                // Tokens stay on the server (PortalSessions), not in the cookie.
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = PortalClaims.Name;
                o.TokenValidationParameters.RoleClaimType = PortalClaims.Role;
                o.Events.OnTokenValidated = context =>
                {
                    var response = context.TokenEndpointResponse
                        ?? throw new InvalidOperationException("the code was not redeemed at the token endpoint");
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessions>();
                    var id = sessions.Begin(response.AccessToken, response.RefreshToken, int.TryParse(response.ExpiresIn, out var s) ? s : 0);
                    ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim(PortalSessions.SessionClaim, id));
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();

        // The language switch in the header: kept a year in a cookie.
        app.MapGet("/culture", (string name, string? back, HttpContext context) =>
        {
            if (!Cultures.Any(c => c.Name == name)) return Results.BadRequest();
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(name)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.LocalRedirect(Local(back));
        }).AllowAnonymous();
        // Sign-out: a form with the page's antiforgery token; the refresh token is revoked.
        app.MapPost("/signout", async (HttpContext context, PortalSessions sessions, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(context);
            await sessions.EndAsync(context.User.FindFirstValue(PortalSessions.SessionClaim), context.RequestAborted);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(options.Authority.TrimEnd('/') + "/account/logout");
        });
        // The services' documents (case file, consultation opinion, inspection evidence), on the person's token.
        app.MapDocuments();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
        return app;
    }

    private static string Local(string? back) => back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/";

    private static void AddClient<TClient>(WebApplicationBuilder builder, string address) where TClient : class =>
        builder.Services.AddGrpcClient<TClient>(o => o.Address = new Uri(address))
            .ConfigurePrimaryHttpMessageHandler(GrpcClientHandler.Create)
            .BalancedOver(new Uri(address));
}
