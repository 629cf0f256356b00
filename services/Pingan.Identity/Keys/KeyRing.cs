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
/// Signing and encryption keys that rotate, published before they are used (issue 16): when the newest key of a purpose
/// is <see cref="RotateAfter"/> less <see cref="PublishAhead"/> old, the service creates the next one (at start, or at
/// its next check while running: <see cref="KeyRotation"/>) and publishes it at once, but signs (or encrypts) with it
/// only once it is <see cref="PublishAhead"/> old: by then every replica has loaded it and every service has read it
/// from the published keys, so a rotation never turns a token away. Older keys stay published for
/// <see cref="PublishFor"/> so tokens they signed still validate. Key material is sealed at rest (<see cref="SecretSealer"/>).
/// </summary>
public sealed class KeyRing(IServiceScopeFactory scopes, TimeProvider time, SecretSealer sealer) : IConfigureOptions<OpenIddictServerOptions>
{
    /// <summary>The signing key this replica signs with.</summary>
    public Guid LoadedSigningKey { get; private set; }

    /// <summary>Every key this replica loaded, with the one in use of each purpose first: what it compares the database with.</summary>
    public IReadOnlyList<Guid> LoadedKeys { get; private set; } = [];

    public static readonly TimeSpan RotateAfter = TimeSpan.FromDays(90);
    public static readonly TimeSpan PublishAhead = TimeSpan.FromDays(7);
    public static readonly TimeSpan PublishFor = TimeSpan.FromDays(180);
    internal const string Signing = "signing", Encryption = "encryption";

    public void Configure(OpenIddictServerOptions options)
    {
        // Options are built once, before the first request: loading the keys synchronously here is the simplest safe place.
        var (signing, encryption) = LoadAsync().GetAwaiter().GetResult();
        LoadedSigningKey = signing[0].Id;
        LoadedKeys = [.. signing.Select(k => k.Id), .. encryption.Select(k => k.Id)];
        // The first credential of each kind is the one OpenIddict uses; the others are published (signing) or read (encryption).
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

    /// <summary>The next key is due: none yet, or the newest is within <see cref="PublishAhead"/> of its rotation.</summary>
    internal static bool NextDue(IReadOnlyList<ServerKey> newestFirst, DateTimeOffset now) =>
        newestFirst.Count == 0 || now - newestFirst[0].CreatedAt >= RotateAfter - PublishAhead;

    /// <summary>
    /// The keys to load, the one in use first: the newest published for <see cref="PublishAhead"/> (or, at the very first
    /// start, the only one), then the others still published, the next key among them.
    /// </summary>
    internal static List<ServerKey> InUseFirst(IReadOnlyList<ServerKey> newestFirst, DateTimeOffset now)
    {
        var inUse = newestFirst.FirstOrDefault(k => now - k.CreatedAt >= PublishAhead) ?? newestFirst[^1];
        return [inUse, .. newestFirst.Where(k => k != inUse && now - k.CreatedAt < PublishFor)];
    }

    /// <summary>The keys to use, the one in use first; the next one created when it is due.</summary>
    private static async Task<List<ServerKey>> KeysAsync(IdentityDb db, string purpose, DateTimeOffset now, SecretSealer sealer)
    {
        var keys = await db.ServerKeys.Where(k => k.Purpose == purpose).OrderByDescending(k => k.CreatedAt).ToListAsync();
        if (NextDue(keys, now))
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
        return InUseFirst(keys, now);
    }
}

/// <summary>
/// Rotation while running: every few hours a replica checks whether a next key is due, another replica made one, or
/// the next key's day has come and, if so, has OpenIddict's options rebuilt, which runs <see cref="KeyRing"/> again.
/// The next key is published <see cref="KeyRing.PublishAhead"/> before it is used, far longer than this check's period
/// and the services' refresh of the published keys.
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
            var keys = await db.ServerKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
            var now = time.GetUtcNow();
            // Reload when a next key is due here, when another replica made one (publish it too), or when the next key's
            // day to be used has come.
            var wanted = new List<Guid>();
            var due = false;
            foreach (var purpose in new[] { KeyRing.Signing, KeyRing.Encryption })
            {
                var ofPurpose = keys.Where(k => k.Purpose == purpose).ToList();
                due |= KeyRing.NextDue(ofPurpose, now);
                if (ofPurpose.Count > 0) wanted.AddRange(KeyRing.InUseFirst(ofPurpose, now).Select(k => k.Id));
            }
            if (!due && wanted.SequenceEqual(ring.LoadedKeys)) return false;
            logger.LogInformation("Keys changed (a next key due, made by another replica, or now in use): reloading the key ring (signing with {Key} so far)",
                ring.LoadedSigningKey);
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
