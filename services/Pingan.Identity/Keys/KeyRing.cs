using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
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
/// <see cref="RotateAfter"/>, the service creates a new one (at start, or at its next check while running:
/// <see cref="KeyRotation"/>), signs with it, and keeps publishing the older ones for <see cref="PublishFor"/>
/// so tokens they signed still validate. Key material is sealed at rest (<see cref="SecretSealer"/>).
/// </summary>
public sealed class KeyRing(IServiceScopeFactory scopes, TimeProvider time, SecretSealer sealer) : IConfigureOptions<OpenIddictServerOptions>
{
    /// <summary>The newest signing key this replica loaded: when the database has another, it reloads.</summary>
    public Guid LoadedSigningKey { get; private set; }

    public static readonly TimeSpan RotateAfter = TimeSpan.FromDays(90);
    public static readonly TimeSpan PublishFor = TimeSpan.FromDays(180);
    private const string Signing = "signing", Encryption = "encryption";

    public void Configure(OpenIddictServerOptions options)
    {
        // Options are built once, before the first request: loading the keys synchronously here is the simplest safe place.
        var (signing, encryption) = LoadAsync().GetAwaiter().GetResult();
        LoadedSigningKey = signing[0].Id;
        foreach (var key in signing)
        {
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(sealer.Open(key.Material)), out _);
            options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") }, SecurityAlgorithms.RsaSha256));
        }
        foreach (var key in encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(sealer.Open(key.Material))) { KeyId = key.Id.ToString("N") },
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
        var result = (await KeysAsync(db, Signing, now, sealer), await KeysAsync(db, Encryption, now, sealer));
        await tx.CommitAsync();
        return result;
    }

    /// <summary>The keys to use, newest (the one that signs) first; a new one when the newest is due for rotation.</summary>
    private static async Task<List<ServerKey>> KeysAsync(IdentityDb db, string purpose, DateTimeOffset now, SecretSealer sealer)
    {
        var keys = await db.ServerKeys.Where(k => k.Purpose == purpose).OrderByDescending(k => k.CreatedAt).ToListAsync();
        if (keys.Count == 0 || now - keys[0].CreatedAt >= RotateAfter)
        {
            var fresh = new ServerKey
            {
                Id = Guid.CreateVersion7(now),
                Purpose = purpose,
                Material = sealer.Seal(purpose == Signing
                    ? Convert.ToBase64String(RSA.Create(2048).ExportPkcs8PrivateKey())
                    : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
                CreatedAt = now,
            };
            db.ServerKeys.Add(fresh);
            await db.SaveChangesAsync();
            keys.Insert(0, fresh);
        }
        return [.. keys.Where(k => now - k.CreatedAt < PublishFor)];
    }
}

/// <summary>
/// Rotation while running: every few hours a replica checks whether its signing key is due (or another replica
/// has rotated already) and, if so, has OpenIddict's options rebuilt, which runs <see cref="KeyRing"/> again.
/// Services pick the new key up by its key id (an unknown kid makes them re-read the published keys).
/// </summary>
public sealed class KeyRotation(IServiceScopeFactory scopes, TimeProvider time, KeyRing ring, ILogger<KeyRotation> logger)
    : BackgroundService, IOptionsChangeTokenSource<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddict.Validation.OpenIddictValidationOptions>
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromHours(6);
    private CancellationTokenSource _change = new();

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_change.Token);

    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>
    /// True when the keys were reloaded. One check at a time, and the new ring is loaded before the next: the timer's
    /// check and an explicit one (or a test's) never both reload.
    /// </summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var newest = await db.ServerKeys.Where(k => k.Purpose == "signing").OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(ct);
            if (newest is not null && newest.Id == ring.LoadedSigningKey && time.GetUtcNow() - newest.CreatedAt < KeyRing.RotateAfter) return false;
            logger.LogInformation("Signing key {Key} is due for rotation or superseded: reloading the key ring", ring.LoadedSigningKey);
            var previous = Interlocked.Exchange(ref _change, new CancellationTokenSource());
            await previous.CancelAsync();
            previous.Dispose();
            // Build the new options (and so the ring) now, while the next check waits.
            _ = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
            return true;
        }
        finally
        {
            _one.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Key rotation check failed; the current keys stay in use");
            }
        }
    }
}
