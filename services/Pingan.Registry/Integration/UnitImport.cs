using System.Text.RegularExpressions;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Api;
using Pingan.Registry.Persistence;
using Pingan.Registry.Units;
using Pingan.Time;
using Pingan.Registry.Contracts;
using UnitKind = Pingan.Registry.Contracts.UnitKind;

namespace Pingan.Registry.Integration;

/// <summary>A unit row of an import, with where it came from.</summary>
public sealed record UnitRow(int Row, UnitRecord Record);

/// <summary>
/// Brings the registry's units to what a batch says: new codes are registered, known ones renamed, moved or
/// re-flagged, identical ones left alone, so the same batch applied twice changes nothing the second time.
/// Units missing from a batch are not dissolved: a partial file must not dissolve half the province.
/// </summary>
public sealed partial class UnitImport(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit)
{
    /// <param name="action">What the audit trail calls it: the gRPC method, or the step.</param>
    public async Task<ImportReport> RunAsync(string action, IReadOnlyList<UnitRow> rows, ImportMode mode, bool dryRun, CancellationToken ct,
        IEnumerable<(int Row, string Field, string Error)>? unreadable = null)
    {
        var report = new ImportReportBuilder(dryRun);
        foreach (var (row, field, error) in unreadable ?? []) report.Fail(row, "", field, error);
        var today = time.Today();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var writer = new UnitWriter(db, outbox, time);
        await writer.LockAsync(ct);
        var units = await UnitSet.LoadAllAsync(db, ct);
        var planner = new UnitPlanner(units, today);
        var changes = new List<UnitChange>();
        var batch = rows.GroupBy(r => r.Record.Code).ToDictionary(g => g.Key, g => g.First().Record);
        var firstRow = rows.GroupBy(r => r.Record.Code).ToDictionary(g => g.Key, g => g.First().Row);

        foreach (var (row, record) in InTreeOrder(rows, batch))
        {
            if (firstRow[record.Code] != row)
            {
                report.Fail(row, record.Code, "code", ServiceDefaults.Say.T($"{record.Code} 已在第 {firstRow[record.Code]} 行出现；同一批次中每个单位只填写一次",
                    $"{record.Code} appears already at row {firstRow[record.Code]}; a unit is described once per batch"));
                continue;
            }
            try
            {
                var draft = ToDraft(record, batch, units, today);
                UnitChange change;
                if (units.Find(draft.Code) is { } existing)
                {
                    if (existing.Kind != draft.Kind)
                        throw new ServiceDefaults.RequestValidationException("kind",
                            ServiceDefaults.Say.T($"{existing.Code}（{existing.Name}）的类别是 {existing.Kind}；单位类别不能变更", $"{existing.Code} ({existing.Name}) is a {existing.Kind}; a unit's kind does not change"));
                    change = planner.Update(new UnitPatch(draft.Code, draft.Name, draft.ParentCode, draft.ProvinceDirect,
                        draft.VerticalSuperiorCode ?? "", draft.EffectiveOn));
                }
                else
                {
                    change = planner.Register(draft);
                }
                changes.Add(change);
                report.Add(row, record.Code, change.Created ? RowOutcome.Created : change.Changed ? RowOutcome.Updated : RowOutcome.Unchanged,
                    change.Changes);
            }
            catch (Exception e) when (ImportReportBuilder.IsRowError(e) || e is FormatException)
            {
                report.Fail(row, record.Code, e);
            }
        }

        // A row's path was built from its parent's path at the time; a later row may have moved that parent.
        foreach (var change in changes.Where(c => c.Created || c.OldPath is not null)) change.Unit.Path = units.PathOf(change.Unit);

        var apply = !dryRun && (mode == ImportMode.PerRow || !report.HasFailures);
        if (apply)
        {
            await writer.SaveAsync(changes, ct);
            await audit.RecordAsync(new AuditRecord(action, "units", Detail: AuditDetail.Of(report.Build(true))), ct);
            await tx.CommitAsync(ct);
        }
        return report.Build(apply);
    }

    /// <summary>Parents before children, whatever order the file has; otherwise the file's order.</summary>
    private static IEnumerable<UnitRow> InTreeOrder(IReadOnlyList<UnitRow> rows, Dictionary<string, UnitRecord> batch)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int DepthOf(string code, int guard)
        {
            if (depth.TryGetValue(code, out var d)) return d;
            if (guard > 64 || !batch.TryGetValue(code, out var r) || string.IsNullOrEmpty(r.ParentCode)) return depth[code] = 0;
            return depth[code] = DepthOf(r.ParentCode, guard + 1) + 1;
        }
        return rows.OrderBy(r => DepthOf(r.Record.Code, 0));
    }

    private static UnitDraft ToDraft(UnitRecord r, Dictionary<string, UnitRecord> batch, UnitSet units, DateOnly today)
    {
        var errors = new List<ServiceDefaults.FieldError>();
        if (!CodePattern().IsMatch(r.Code)) errors.Add(new("code", ServiceDefaults.Say.T("必须由 1-64 个字母、数字、“.”、“_”或“-”组成", "must be 1-64 letters, digits, '.', '_' or '-'")));
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > 100) errors.Add(new("name", ServiceDefaults.Say.T("必填，最多 100 个字", "must be 1-100 characters")));
        if (!UnitMapping.TryParseKind(r.Kind, out var kind)) errors.Add(new("kind", ServiceDefaults.Say.T($"“{r.Kind}”不是单位类别或层级", $"'{r.Kind}' is not a unit kind or level")));
        if (!Dates.IsEmptyOrValid(r.EffectiveOn)) errors.Add(new("effective_on", ServiceDefaults.Say.T("必须是日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD")));
        if (errors.Count > 0) throw new ServiceDefaults.RequestValidationException(errors);
        if (kind.IsJurisdiction() && !DivisionCode().IsMatch(r.Code))
            throw new ServiceDefaults.RequestValidationException("code", ServiceDefaults.Say.T("行政区域的代码须为其 12 位行政区划代码", "a jurisdiction's code is its 12-digit division code"));
        kind = DivisionsFormat.Interpret(r.Code, r.Name, kind, r.ParentCode, batch, units);
        return new UnitDraft(r.Code, r.Name.Trim(), kind, Text.OrNull(r.ParentCode), r.ProvinceDirect, Text.OrNull(r.VerticalSuperiorCode),
            Dates.ParseOr(r.EffectiveOn, today));
    }

    [GeneratedRegex("^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")]
    public static partial Regex CodePattern();

    [GeneratedRegex("^[0-9]{12}$")]
    public static partial Regex DivisionCode();
}

/// <summary>How the statistical division format (data/henan-divisions.csv) maps onto this system's units.</summary>
public static class DivisionsFormat
{
    /// <summary>
    /// A city-level row coded xx90 00000000 (省直辖县级行政区划) is a statistical grouping, not a city; a county-level
    /// row directly under it is administered by the province itself and counts here as city-level (Jiyuan).
    /// </summary>
    public static UnitKind Interpret(string code, string name, UnitKind kind, string? parentCode,
        Dictionary<string, UnitRecord> batch, UnitSet units)
    {
        if (kind == UnitKind.City && IsGroupingCode(code)) return UnitKind.StatisticalGrouping;
        if (kind == UnitKind.County && !string.IsNullOrEmpty(parentCode) && IsGrouping(parentCode, batch, units)) return UnitKind.City;
        return kind;
    }

    private static bool IsGroupingCode(string code) => code.Length == 12 && code[2..4] == "90" && code[4..] == "00000000";

    private static bool IsGrouping(string code, Dictionary<string, UnitRecord> batch, UnitSet units) =>
        units.Find(code) is { } u ? u.Kind == UnitKind.StatisticalGrouping : batch.ContainsKey(code) && IsGroupingCode(code);
}
