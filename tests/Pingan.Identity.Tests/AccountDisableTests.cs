using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Pingan.Identity.Seed;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pingan.Identity.Tests;

/// <summary>
/// Issue 11: an account disabled by an operator loses its tokens everywhere: it cannot sign in or renew, and the
/// access token it already holds (valid for minutes more by its signature and expiry) is refused by a service
/// within the service's poll of the identity service's revocation list.
/// </summary>
public sealed class AccountDisableTests : IdentityTest
{
    [Fact]
    public async Task A_token_of_an_account_disabled_since_it_was_issued_is_refused_by_the_services_Issue11()
    {
        // The registry checks expiry on the wall clock: the identity service's runs a little behind it, and only forward.
        Clock.SetUtcNow(DateTimeOffset.UtcNow - TimeSpan.FromSeconds(40));
        // The organisation registry, as deployed: it takes the identity service's tokens and polls its revocation list.
        var registryDb = await Database.CreateSiblingAsync("registry");
        await using var registry = await ServiceHost.StartAsync(Pingan.Registry.RegistryApplication.Create, new Dictionary<string, string?>
        {
            ["ConnectionStrings:registry"] = registryDb,
            ["ConnectionStrings:rabbitmq"] = VirtualHost.AmqpUri,
            ["Security:Authority"] = Host.Rest.BaseAddress!.ToString(),
            ["Security:RequireHttpsMetadata"] = "false",
            ["Security:RevocationPollSeconds"] = "1",
        });
        await registry.Services.GetServices<IServiceStep>().Single(s => s.Name == "seed-demo").RunAsync(CancellationToken.None);

        using var browser = new Browser(Host.Rest.BaseAddress!);
        var tokens = await browser.LogInAsync("zhongyuan.office", DemoAccounts.Password, Totp("zhongyuan.office"));
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await ReadUnitAsync(registry, access)).StatusCode);

        // Only an operator disables an account, and says why.
        var office = await ClientTokenAsync("province-office-system", PinganRoles.CommissionOffice);
        Assert.Equal(HttpStatusCode.Forbidden, (await DisableAsync(office, "zhongyuan.office", "离职")).StatusCode);
        var operatorToken = await ClientTokenAsync("operations-console", PinganRoles.Operator);
        var noReason = await DisableAsync(operatorToken, "zhongyuan.office", "");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await ReadUnitAsync(registry, access)).StatusCode);

        // The disablement comes within the second the token was issued in (the identity service's clock stands still): still refused.
        var disabled = await DisableAsync(operatorToken, "zhongyuan.office", "调离平安办岗位");
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        var list = await Host.Rest.GetFromJsonAsync<JsonElement>("/connect/revoked-subjects");
        Assert.Equal(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(access).Subject, list.GetProperty("subjects")[0].GetProperty("subject").GetString());
        // The token still has its signature and minutes to live; the registry refuses it once it has read the list.
        await Eventually.HoldsAsync(async () => (await ReadUnitAsync(registry, access)).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30), "the registry refuses the disabled account's token");
        var renewed = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "pingan-cli", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        });
        Assert.Equal("invalid_grant", renewed.GetProperty("error").GetString());

        // Enabled again, the person signs in anew and the new token is taken; the old one stays refused.
        using var enable = new HttpRequestMessage(HttpMethod.Post, "/admin/accounts/zhongyuan.office:enable") { Content = JsonContent.Create(new { reason = "复岗" }) };
        enable.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        Assert.Equal(HttpStatusCode.OK, (await Host.Rest.SendAsync(enable)).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(31)); // the next TOTP step (a code counts once), still behind the wall clock
        using var back = new Browser(Host.Rest.BaseAddress!);
        var fresh = (await back.LogInAsync("zhongyuan.office", DemoAccounts.Password, Totp("zhongyuan.office"))).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await ReadUnitAsync(registry, fresh)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReadUnitAsync(registry, access)).StatusCode);
    }

    private static Task<HttpResponseMessage> ReadUnitAsync(ServiceHost registry, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/units/410102000000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return registry.Rest.SendAsync(request);
    }

    private Task<HttpResponseMessage> DisableAsync(string token, string userName, string reason)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/accounts/{userName}:disable") { Content = JsonContent.Create(new { reason }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Host.Rest.SendAsync(request);
    }

    /// <summary>A system of the province with <paramref name="role"/>, by client credentials.</summary>
    private async Task<string> ClientTokenAsync(string clientId, string role)
    {
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var client = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId, ClientSecret = "secret-" + clientId, ClientType = ClientTypes.Confidential, DisplayName = clientId,
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + "pingan" },
            };
            client.Properties["unit"] = JsonSerializer.SerializeToElement("410000000000-PLC");
            client.Properties["jurisdiction"] = JsonSerializer.SerializeToElement("410000000000");
            client.Properties["roles"] = JsonSerializer.SerializeToElement(new[] { role });
            await applications.CreateAsync(client);
        }
        var response = await Host.Rest.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = "secret-" + clientId, ["scope"] = "pingan",
        }));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
