using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OtpNet;
using Pingan.Identity.Seed;
using Pingan.ServiceDefaults;
using Pingan.Testing;

namespace Pingan.Identity.Tests;

/// <summary>The identity service on real ports and PostgreSQL, seeded with the demo accounts, driven over HTTP as a browser and a department system would.</summary>
public abstract partial class IdentityTest : InfrastructureTest
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 15, 2, 0, 0, TimeSpan.Zero));
    protected ServiceHost Host { get; set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Host = await StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await base.DisposeAsync();
    }

    protected async Task<ServiceHost> StartAsync(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identity"] = Database.ConnectionString,
            ["Identity:AllowHttp"] = "true",
            ["Identity:KeyEncryptionKey"] = TestSecrets.IdentityKeyEncryptionKey,
            ["Identity:DemoAccounts"] = "true",
            // The tests' own address stands for the ingress, so X-Forwarded-For names the person's (issue 11).
            ["Network:TrustedProxies"] = "127.0.0.1",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        var host = await ServiceHost.StartAsync(IdentityApplication.Create, settings, services => services.AddSingleton<TimeProvider>(Clock));
        await host.Services.GetServices<IServiceStep>().Single(s => s.Name == "seed-demo").RunAsync(CancellationToken.None);
        return host;
    }

    /// <summary>The code the person's authenticator shows now (the service's clock is the test's).</summary>
    protected string Totp(string userName) =>
        new Totp(Base32Encoding.ToBytes(DemoAccounts.People.Single(p => p.UserName == userName).Totp!)).ComputeTotp(Clock.GetUtcNow().UtcDateTime);

    protected async Task<JsonElement> ClientCredentialsAsync(string secret = DemoAccounts.ClientSecret)
    {
        var response = await Host.Rest.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "hn-organisation-system", ["client_secret"] = secret, ["scope"] = "pingan",
        }));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Validates a token the way a service does: signature against the published keys, issuer, audience, lifetime.</summary>
    /// <remarks>A host restarted in a test listens on another port, so is another issuer: pass the one that issued the token.</remarks>
    protected async Task<TokenValidationResult> ValidateAsync(string token, Uri? issuer = null)
    {
        var jwks = new JsonWebKeySet(await Host.Rest.GetStringAsync("/.well-known/jwks"));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = (issuer ?? Host.Rest.BaseAddress!).ToString(),
            ValidAudiences = Pingan.Security.Audiences.ForScopes(["pingan"]),
            IssuerSigningKeys = jwks.GetSigningKeys(),
            LifetimeValidator = (_, _, _, _) => true,
        });
    }

    /// <summary>A browser: keeps cookies, does not follow redirects, so each step of the flow can be checked.</summary>
    /// <remarks>Two browsers given one <paramref name="cookies"/> jar are one person's browser reaching two replicas (cookies ignore the port).</remarks>
    protected sealed partial class Browser(Uri baseAddress, CookieContainer? cookies = null) : IDisposable
    {
        private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = baseAddress };
        public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));

        public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

        /// <summary>The client address the (trusted) ingress forwards for this browser.</summary>
        public string ForwardedFor { set => _http.DefaultRequestHeaders.Add("X-Forwarded-For", value); }

        /// <summary>Signs out with the sign-in page's antiforgery token, as its form would.</summary>
        public async Task<HttpResponseMessage> SignOutAsync()
        {
            var page = await _http.GetStringAsync("/account/login");
            var token = HiddenToken().Match(page).Groups[1].Value;
            return await _http.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }));
        }

        public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string code, string returnUrl = "/") =>
            await PostSignInAsync(await SignInFormAsync(returnUrl), userName, password, code, returnUrl);

        /// <summary>The sign-in page's antiforgery token (its cookie goes to the jar).</summary>
        public async Task<string> SignInFormAsync(string returnUrl = "/") =>
            WebUtility.HtmlDecode(HiddenToken().Match(await _http.GetStringAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl))).Groups[1].Value);

        /// <summary>The sign-in form sent with <paramref name="formToken"/>, from whichever page (replica) gave it.</summary>
        public Task<HttpResponseMessage> PostSignInAsync(string formToken, string userName, string password, string code, string returnUrl = "/") =>
            _http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = formToken, ["userName"] = userName, ["password"] = password, ["code"] = code, ["returnUrl"] = returnUrl,
            }));

        public string AuthorizeUrl() =>
            "/connect/authorize?response_type=code&client_id=pingan-cli&scope=" + Uri.EscapeDataString("openid pingan offline_access") +
            "&redirect_uri=" + Uri.EscapeDataString(DemoAccounts.CliRedirect) + "&state=s1&code_challenge_method=S256&code_challenge=" +
            Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

        /// <summary>Authorization code + PKCE: sign in, follow the authorize redirect, exchange the code.</summary>
        public async Task<JsonElement> LogInAsync(string userName, string password, string code)
        {
            var first = await GetAsync(AuthorizeUrl());
            var login = first.Headers.Location!.ToString();
            var returnUrl = Uri.UnescapeDataString(login[(login.IndexOf("ReturnUrl=", StringComparison.OrdinalIgnoreCase) + "ReturnUrl=".Length)..]);
            var signedIn = await SignInAsync(userName, password, code, returnUrl);
            if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {(int)signedIn.StatusCode}");
            var authorized = await GetAsync(signedIn.Headers.Location!.ToString());
            var callback = authorized.Headers.Location!;
            var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
            return await TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["client_id"] = "pingan-cli", ["code"] = query["code"]!,
                ["redirect_uri"] = DemoAccounts.CliRedirect, ["code_verifier"] = Verifier,
            });
        }

        public async Task<JsonElement> TokenAsync(Dictionary<string, string> form) =>
            await (await _http.PostAsync("/connect/token", new FormUrlEncodedContent(form))).Content.ReadFromJsonAsync<JsonElement>();

        public Task<HttpResponseMessage> PostAsync(string url, Dictionary<string, string> form) => _http.PostAsync(url, new FormUrlEncodedContent(form));

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
        private static partial Regex HiddenToken();

        public void Dispose() => _http.Dispose();
    }
}
