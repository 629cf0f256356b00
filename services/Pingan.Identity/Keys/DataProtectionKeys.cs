using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pingan.Identity.Persistence;

namespace Pingan.Identity.Keys;

/// <summary>An ASP.NET Data Protection key (sign-in cookie, antiforgery token) as XML, its secret part sealed.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}

/// <summary>
/// Issue 16: the keys that protect the sign-in cookie and the form's antiforgery token live in the identity database,
/// so every replica reads what another wrote: a person signs in on one pod and is still signed in on the next.
/// Each key's secret is sealed at rest under <c>Identity:KeyEncryptionKey</c> (<see cref="SecretSealer"/>), as the
/// token signing keys are.
/// </summary>
public static class DataProtectionKeys
{
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("pingan-identity");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>());
            o.XmlEncryptor = new SealingXmlEncryptor(sp.GetRequiredService<SecretSealer>());
        }));
        return services;
    }

    private sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var scope = scopes.CreateScope();
            return scope.ServiceProvider.GetRequiredService<IdentityDb>().DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id)
                .Select(k => k.Xml).ToList().Select(XElement.Parse).ToList();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            db.SaveChanges();
        }
    }

    private sealed class SealingXmlEncryptor(SecretSealer sealer) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
            new(new XElement("sealed", sealer.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting))), typeof(SealedXmlDecryptor));
    }

    /// <summary>Created by Data Protection itself when it reads a key (a public type with a service-provider constructor).</summary>
    public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement) => XElement.Parse(services.GetRequiredService<SecretSealer>().Open(encryptedElement.Value));
    }
}
