using System.Net;
using Pingan.Identity.Seed;
using Pingan.Testing;

namespace Pingan.Identity.Tests;

/// <summary>Issue 16: the identity service at two replicas (the chart's default) behind one address.</summary>
public sealed class ReplicaTests : IdentityTest
{
    [Fact]
    public async Task A_person_signs_in_across_two_replicas_whose_cookie_keys_are_sealed_in_the_database_Issue16()
    {
        // Both replicas answer as the one public issuer (the first's address stands for the ingress's).
        await using var second = await StartAsync(new Dictionary<string, string?> { ["Identity:Issuer"] = Host.Rest.BaseAddress!.ToString() });
        var jar = new CookieContainer();
        using var onFirst = new Browser(Host.Rest.BaseAddress!, jar);
        using var onSecond = new Browser(second.Rest.BaseAddress!, jar);

        // The form from the first replica, posted to the second: the antiforgery token is the second's to check.
        var form = await onFirst.SignInFormAsync();
        var signedIn = await onSecond.PostSignInAsync(form, "zhongyuan.office", DemoAccounts.Password, Totp("zhongyuan.office"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("/account/login", signedIn.Headers.Location!.ToString());

        // The cookie the second replica issued opens the first's authorize endpoint; the code is exchanged on the second.
        var authorized = await onFirst.GetAsync(onFirst.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        Assert.StartsWith(DemoAccounts.CliRedirect, authorized.Headers.Location!.ToString());
        var code = System.Web.HttpUtility.ParseQueryString(authorized.Headers.Location.Query)["code"]!;
        var tokens = await onSecond.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "pingan-cli", ["code"] = code, ["redirect_uri"] = DemoAccounts.CliRedirect,
            ["code_verifier"] = onFirst.Verifier,
        });
        Assert.True(tokens.TryGetProperty("access_token", out _), tokens.ToString());

        // The keys are in the identity database, each secret sealed: none in the clear.
        Assert.True(await Sql.ScalarAsync(Database.ConnectionString, "SELECT count(*) FROM data_protection_keys") >= 1);
        Assert.Equal(0, await Sql.ScalarAsync(Database.ConnectionString,
            "SELECT count(*) FROM data_protection_keys WHERE xml NOT LIKE '%sealed:v1:%' OR xml LIKE '%<masterKey%'"));

        // Not a shared directory on this machine: a replica of another installation (its own database) does not know the cookie.
        await using var stranger = await StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:identity"] = await Database.CreateSiblingAsync("other") });
        using var onStranger = new Browser(stranger.Rest.BaseAddress!, jar);
        var refused = await onStranger.GetAsync(onStranger.AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/login", refused.Headers.Location!.ToString());
    }
}
