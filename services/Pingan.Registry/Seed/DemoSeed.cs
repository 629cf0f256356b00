using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Api;
using Pingan.Registry.Commissions;
using Pingan.Registry.Integration;
using Pingan.Persistence;
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
/// Everything goes through the same imports an organisation department's system uses. Each of the four sets is
/// recorded in the demo data ledger with its version and loaded once (issue 19): a later start skips it, a newer
/// version adds only what is missing, and no start fails because the user changed the data since.
/// </summary>
public sealed class DemoSeed(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, ILogger<DemoSeed> logger)
{
    public const string Province = "410000000000";
    private static readonly DateOnly UnitsFrom = new(2023, 1, 1);

    /// <summary>The versions of the demo data sets; raise one when its content changes.</summary>
    public const int DivisionsVersion = 1, OrgansVersion = 1, LeadersVersion = 1, CommissionsVersion = 1;

    public async Task RunAsync(CancellationToken ct)
    {
        var divisions = CsvTable.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "henan-divisions.csv"), ct));
        var (rows, unreadable) = CsvRecords.Units(divisions, ImportMode.AllOrNothing);
        if (unreadable.Any()) throw new InvalidOperationException("Demo divisions are unreadable: " + string.Join("; ", unreadable.Take(5)));
        foreach (var r in rows) r.Record.EffectiveOn = Dates.Write(UnitsFrom);
        var plan = DemoOrganisation.Plan(rows.Select(r => r.Record).ToList());
        var ledger = new DemoDataLedger(db, time, logger);

        await ledger.LoadOnceAsync("registry/divisions", DivisionsVersion, (how, c) => LoadUnitsAsync("divisions", rows, how, c), ct);
        await ledger.LoadOnceAsync("registry/organs", OrgansVersion,
            (how, c) => LoadUnitsAsync("organs", [.. plan.Organs.Select((o, i) => new UnitRow(i + 1, o))], how, c), ct);
        await ledger.LoadOnceAsync("registry/leaders", LeadersVersion, (how, c) => LoadTermsAsync(plan, how, c), ct);
        await ledger.LoadOnceAsync("registry/commissions", CommissionsVersion, (how, c) => SeedCommissionsAsync(plan, c), ct);
    }

    /// <summary>Registers the units whose codes the registry does not know; a known code is the user's to change, never overwritten.</summary>
    private async Task<string> LoadUnitsAsync(string what, IReadOnlyList<UnitRow> rows, DemoLoad how, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var codes = rows.Select(r => r.Record.Code).ToList();
        var known = (await db.Units.Where(u => codes.Contains(u.Code)).Select(u => u.Code).ToListAsync(ct)).ToHashSet();
        var missing = rows.Where(r => !known.Contains(r.Record.Code)).ToList();
        return await Expect(what, known.Count, how, missing.Count == 0 ? Task.FromResult(new ImportReport()) :
            new UnitImport(db, outbox, time, audit).RunAsync($"seed-demo/{what}", missing, Mode(known.Count, how), false, ct));
    }

    /// <summary>Appoints the demo people the registry does not know yet; a known person's terms are the user's to change.</summary>
    private async Task<string> LoadTermsAsync(DemoOrganisation plan, DemoLoad how, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var known = (await db.Leaders.Where(l => l.ExternalId != null && l.ExternalId.StartsWith("demo-")).Select(l => l.ExternalId!).ToListAsync(ct)).ToHashSet();
        var missing = plan.Terms.Where(t => !known.Contains(t.PersonId)).Select((t, i) => new TermRow(i + 1, t)).ToList();
        return await Expect("leaders", known.Count, how, missing.Count == 0 ? Task.FromResult(new ImportReport()) :
            new TermImport(db, outbox, time, audit).RunAsync("seed-demo/leaders", missing, Mode(known.Count, how), false, ct));
    }

    /// <summary>Into an empty registry the set goes whole or not at all; over data that moved on, row by row.</summary>
    private static ImportMode Mode(int known, DemoLoad how) => known == 0 && how == DemoLoad.First ? ImportMode.AllOrNothing : ImportMode.PerRow;

    private async Task<string> SeedCommissionsAsync(DemoOrganisation plan, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Commissions.Select(c => c.JurisdictionCode).Distinct().ToListAsync(ct);
        var leaders = await db.Leaders.Where(l => l.ExternalId != null && l.ExternalId.StartsWith("demo-"))
            .ToDictionaryAsync(l => l.ExternalId!, l => l.Id, ct);
        var units = (await db.Units.Select(u => u.Code).ToListAsync(ct)).ToHashSet();
        var skipped = 0;
        foreach (var c in plan.Commissions.Where(c => !existing.Contains(c.JurisdictionCode)))
        {
            // A commission of a unit the user has removed since, or whose office is gone, is not recreated.
            if (!units.Contains(c.JurisdictionCode) || (c.OfficeUnitCode is not null && !units.Contains(c.OfficeUnitCode))) { skipped++; continue; }
            var commission = new Commission
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                JurisdictionCode = c.JurisdictionCode,
                Name = c.Name,
                OfficeUnitCode = c.OfficeUnitCode,
                EstablishedOn = c.EstablishedOn,
                DissolvedOn = c.DissolvedOn,
            };
            commission.MemberUnits.AddRange(c.MemberUnits.Where(units.Contains).Select(u => new CommissionMemberUnit { UnitCode = u, JoinedOn = c.EstablishedOn }));
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
        return $"{added} commissions added, {existing.Count} there already" + (skipped > 0 ? $", {skipped} skipped (their unit or office is gone)" : "");
    }

    private async Task<string> Expect(string what, int known, DemoLoad how, Task<ImportReport> import)
    {
        var report = await import;
        var failed = report.Rows.Where(r => r.Outcome == RowOutcome.Failed).ToList();
        var lines = failed.Take(5).Select(r => $"row {r.Row} {r.Key} {r.Field}: {r.Error}").ToList();
        if (failed.Count > 0 && known == 0 && how == DemoLoad.First)
            throw new InvalidOperationException($"Demo {what} did not load: " + string.Join("; ", lines));
        // Over data the user has changed since, a row that no longer fits is left out, said once, and never fails the start.
        foreach (var line in lines) logger.LogWarning("Demo {What}: left out because the data moved on: {Row}", what, line);
        return $"{report.Created} created, {known} there already" + (failed.Count > 0 ? $", {failed.Count} left out because the data moved on" : "");
    }
}
