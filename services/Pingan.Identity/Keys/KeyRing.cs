using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Pingan.Identity.Persistence;

namespace Pingan.Identity.Keys;

/// <summary>A key the server signs tokens with, or encrypts its codes and refresh tokens with; kept in the database so every replica shares it.</summary>
public sealed class ServerKey
{
    public Guid Id { get; set; }
    public required string Purpose { get; set; }
    public required string Material { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// Signing and encryption keys that rotate: when the newest key of a purpose is older than
/// <see cref="RotateAfter"/>, the service creates a new one as it starts, signs with it, and keeps publishing
/// the older ones for <see cref="PublishFor"/> so tokens they signed still validate.
/// </summary>
internal sealed class KeyRing(IServiceScopeFactory scopes, TimeProvider time) : IConfigureOptions<OpenIddictServerOptions>
{
    public static readonly TimeSpan RotateAfter = TimeSpan.FromDays(90);
    public static readonly TimeSpan PublishFor = TimeSpan.FromDays(180);
    private const string Signing = "signing", Encryption = "encryption";

    public void Configure(OpenIddictServerOptions options)
    {
        // Options are built once, before the first request: loading the keys synchronously here is the simplest safe place.
        var (signing, encryption) = LoadAsync().GetAwaiter().GetResult();
        foreach (var key in signing)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(key.Material), out _);
            options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") }, SecurityAlgorithms.RsaSha256));
        }
        foreach (var key in encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(key.Material)) { KeyId = key.Id.ToString("N") },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    private async Task<(List<ServerKey> Signing, List<ServerKey> Encryption)> LoadAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        await using var tx = await db.Database.BeginTransactionAsync();
        // Two replicas starting at once must not both rotate.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('pingan.identity.keys'))");
        var now = time.GetUtcNow();
        var result = (await KeysAsync(db, Signing, now), await KeysAsync(db, Encryption, now));
        await tx.CommitAsync();
        return result;
    }

    /// <summary>The keys to use, newest (the one that signs) first; a new one when the newest is due for rotation.</summary>
    private static async Task<List<ServerKey>> KeysAsync(IdentityDb db, string purpose, DateTimeOffset now)
    {
        var keys = await db.ServerKeys.Where(k => k.Purpose == purpose).OrderByDescending(k => k.CreatedAt).ToListAsync();
        if (keys.Count == 0 || now - keys[0].CreatedAt >= RotateAfter)
        {
            var fresh = new ServerKey
            {
                Id = Guid.CreateVersion7(now),
                Purpose = purpose,
                Material = purpose == Signing
                    ? Convert.ToBase64String(RSA.Create(2048).ExportPkcs8PrivateKey())
                    : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                CreatedAt = now,
            };
            db.ServerKeys.Add(fresh);
            await db.SaveChangesAsync();
            keys.Insert(0, fresh);
        }
        return [.. keys.Where(k => now - k.CreatedAt < PublishFor)];
    }
}
