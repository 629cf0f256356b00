using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Api;
using Pingan.Registry.Commissions;
using Pingan.Registry.Integration;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;
using Commission = Pingan.Registry.Commissions.Commission;
using CommissionMember = Pingan.Registry.Commissions.CommissionMember;

namespace Pingan.Registry.Seed;

/// <summary>`dotnet Pingan.Registry.dll seed-demo`: the demo data `./platform up` starts with. Safe to run again.</summary>
internal sealed class DemoSeedStep(IServiceScopeFactory scopes) : IServiceStep
{
    public string Name => "seed-demo";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync(cancellationToken);
    }
}

/// <summary>
/// Henan's divisions down to townships (Data/henan-divisions.csv); the organs of the province, every city and
/// some counties; the commission of each with member units; fictional leadership teams with some history.
/// Everything goes through the same imports an organisation department's system uses, so running it twice
/// changes nothing.
/// </summary>
public sealed class DemoSeed(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, ILogger<DemoSeed> logger)
{
    public const string Province = "410000000000";
    private static readonly DateOnly UnitsFrom = new(2023, 1, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        var divisions = CsvTable.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "henan-divisions.csv"), ct));
        var (rows, unreadable) = CsvRecords.Units(divisions, ImportMode.AllOrNothing);
        foreach (var r in rows) r.Record.EffectiveOn = Dates.Write(UnitsFrom);
        await Expect("divisions", new UnitImport(db, outbox, time, audit).RunAsync("seed-demo/divisions", rows, ImportMode.AllOrNothing, false, ct, unreadable));

        var plan = DemoOrganisation.Plan(rows.Select(r => r.Record).ToList());
        await Expect("organs", new UnitImport(db, outbox, time, audit).RunAsync("seed-demo/organs",
            [.. plan.Organs.Select((o, i) => new UnitRow(i + 1, o))], ImportMode.AllOrNothing, false, ct));
        db.ChangeTracker.Clear();
        await Expect("leaders", new TermImport(db, outbox, time, audit).RunAsync("seed-demo/leaders",
            [.. plan.Terms.Select((t, i) => new TermRow(i + 1, t))], ImportMode.AllOrNothing, false, ct));
        db.ChangeTracker.Clear();
        await SeedCommissionsAsync(plan, ct);
    }

    private async Task SeedCommissionsAsync(DemoOrganisation plan, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Commissions.Select(c => c.JurisdictionCode).Distinct().ToListAsync(ct);
        var leaders = await db.Leaders.Where(l => l.ExternalId != null && l.ExternalId.StartsWith("demo-"))
            .ToDictionaryAsync(l => l.ExternalId!, l => l.Id, ct);
        foreach (var c in plan.Commissions.Where(c => !existing.Contains(c.JurisdictionCode)))
        {
            var commission = new Commission
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                JurisdictionCode = c.JurisdictionCode,
                Name = c.Name,
                OfficeUnitCode = c.OfficeUnitCode,
                EstablishedOn = c.EstablishedOn,
                DissolvedOn = c.DissolvedOn,
            };
            commission.MemberUnits.AddRange(c.MemberUnits.Select(u => new CommissionMemberUnit { UnitCode = u, JoinedOn = c.EstablishedOn }));
            commission.Members.AddRange(c.Members.Where(m => leaders.ContainsKey(m.PersonId)).Select(m => new CommissionMember
            {
                LeaderId = leaders[m.PersonId],
                Position = m.Position,
                MemberUnitCode = m.MemberUnitCode,
                StartsOn = m.StartsOn,
            }));
            db.Commissions.Add(commission);
        }
        var added = db.ChangeTracker.Entries<Commission>().Count();
        await db.SaveChangesAsync(ct);
        if (added > 0) await audit.RecordAsync(new AuditRecord("seed-demo/commissions", "commissions", Detail: AuditDetail.Of(new { added })), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Demo commissions: {Count} recorded", await db.Commissions.CountAsync(ct));
    }

    private async Task Expect(string what, Task<ImportReport> import)
    {
        var report = await import;
        if (report.Failed > 0)
            throw new InvalidOperationException($"Demo {what} did not load: " +
                string.Join("; ", report.Rows.Where(r => r.Outcome == RowOutcome.Failed).Take(5).Select(r => $"row {r.Row} {r.Key} {r.Field}: {r.Error}")));
        logger.LogInformation("Demo {What}: {Created} created, {Updated} updated, {Unchanged} unchanged", what, report.Created, report.Updated, report.Unchanged);
    }
}
