using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pingan.Rules;

/// <summary>A province's choice of reading for a rule, from a day on. Rows are only ever added.</summary>
public sealed class RuleChoice
{
    public long Id { get; set; }
    public required string Rule { get; set; }
    public required string Reading { get; set; }
    public DateOnly EffectiveFrom { get; set; }
    public required string Reason { get; set; }
    public required string SetBy { get; set; }
    public DateTimeOffset SetAt { get; set; }
}

public static class RulesModel
{
    /// <summary>The <c>regulation_rules</c> table in the service's own database.</summary>
    public static ModelBuilder AddRegulationRules(this ModelBuilder modelBuilder) => modelBuilder.Entity<RuleChoice>(e =>
    {
        e.ToTable("regulation_rules");
        e.Property(x => x.Rule).HasMaxLength(64);
        e.Property(x => x.Reading).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(500);
        e.Property(x => x.SetBy).HasMaxLength(200);
        e.HasIndex(x => new { x.Rule, x.EffectiveFrom });
    });

    /// <summary>For the migration that creates the table: a choice once made is never changed or removed, only followed by another.</summary>
    public static void AddRegulationRulesGuards(this MigrationBuilder migrationBuilder) => migrationBuilder.Sql(
        """
        CREATE OR REPLACE FUNCTION pingan_rules_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'regulation_rules is append-only: % refused; make a new choice instead', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER regulation_rules_append_only BEFORE UPDATE OR DELETE ON regulation_rules
            FOR EACH ROW EXECUTE FUNCTION pingan_rules_append_only();
        CREATE TRIGGER regulation_rules_no_truncate BEFORE TRUNCATE ON regulation_rules
            FOR EACH STATEMENT EXECUTE FUNCTION pingan_rules_append_only();
        """);
}

/// <summary>The rules a service applies, as registered at start.</summary>
public sealed class RuleCatalogue(IEnumerable<RuleDefinition> rules)
{
    public IReadOnlyList<RuleDefinition> All { get; } = [.. rules.OrderBy(r => r.Name, StringComparer.Ordinal)];

    public RuleDefinition? Find(string name) => All.FirstOrDefault(r => r.Name == name);

    public RuleDefinition Get(string name) => Find(name) ?? throw new InvalidOperationException($"No rule {name} is registered in this service.");
}

/// <summary>What handlers ask: the reading of a rule in force on the day of an act.</summary>
public interface IRuleBook
{
    Task<string> ReadingAsync(string rule, DateOnly on, CancellationToken ct);

    Task<int> WorkingDaysAsync(string rule, DateOnly on, CancellationToken ct);
}

internal sealed class RuleBook<TDb>(TDb db, RuleCatalogue catalogue) : IRuleBook where TDb : DbContext
{
    public async Task<string> ReadingAsync(string rule, DateOnly on, CancellationToken ct)
    {
        var definition = catalogue.Get(rule);
        // The latest choice whose day has come; of two for one day, the one made last.
        return await db.Set<RuleChoice>().AsNoTracking()
            .Where(c => c.Rule == rule && c.EffectiveFrom <= on)
            .OrderByDescending(c => c.EffectiveFrom).ThenByDescending(c => c.Id)
            .Select(c => c.Reading).FirstOrDefaultAsync(ct) ?? definition.Default;
    }

    public async Task<int> WorkingDaysAsync(string rule, DateOnly on, CancellationToken ct)
    {
        if (catalogue.Get(rule).Range is null) throw new InvalidOperationException($"Rule {rule} is a choice of readings, not a count of days.");
        return int.Parse(await ReadingAsync(rule, on, ct), CultureInfo.InvariantCulture);
    }
}
