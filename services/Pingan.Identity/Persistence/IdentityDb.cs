using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Pingan.Audit;
using Pingan.Identity.Accounts;
using Pingan.Identity.Keys;
using Pingan.Persistence;

namespace Pingan.Identity.Persistence;

public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : PinganDbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();
    public DbSet<SignInLock> SignInLocks => Set<SignInLock>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        // OpenIddict's applications, authorizations, scopes and tokens.
        b.UseOpenIddict();
        b.Entity<Account>(e =>
        {
            e.HasIndex(a => a.UserName).IsUnique();
            e.Property(a => a.UserName).HasMaxLength(64);
            e.Property(a => a.DisplayName).HasMaxLength(50);
            e.Property(a => a.UnitCode).HasMaxLength(64);
            e.Property(a => a.JurisdictionCode).HasMaxLength(64);
        });
        b.Entity<ServerKey>(e => e.HasIndex(k => new { k.Purpose, k.CreatedAt }));
        b.Entity<DataProtectionKey>(e => e.Property(k => k.FriendlyName).HasMaxLength(200));
        b.Entity<SignInLock>(e =>
        {
            e.HasKey(l => new { l.AccountId, l.Address });
            e.Property(l => l.Address).HasMaxLength(64);
        });
        b.Entity<Account>().Property(a => a.Notice).HasMaxLength(500);
        b.Entity<Account>().Property(a => a.DisabledReason).HasMaxLength(700);
        b.Entity<Account>().HasIndex(a => a.TokensRevokedAt).HasFilter("tokens_revoked_at IS NOT NULL");
        b.AddAuditTrail();
        b.AddDemoDataLedger();
        base.OnModelCreating(b);
    }
}

public sealed class IdentityDbDesignTimeFactory : IDesignTimeDbContextFactory<IdentityDb>
{
    public IdentityDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityDb>().UsePinganPostgres("Host=localhost").Options);
}
