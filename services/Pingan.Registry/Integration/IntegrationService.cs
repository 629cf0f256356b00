using System.Text;
using Grpc.Core;
using Pingan.Audit;
using Pingan.Messaging;
using Pingan.Registry.Access;
using Pingan.Registry.Api;
using Pingan.Registry.Persistence;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Integration;

/// <summary>Batch import and the personnel feed, for the organisation and personnel departments' systems.</summary>
public sealed class IntegrationService(RegistryDb db, IOutbox outbox, TimeProvider time, IAuditTrail audit, RegistryAccess access) : Api.Integration.IntegrationBase
{
    public override async Task<ImportReport> ImportUnits(ImportUnitsRequest request, ServerCallContext context)
    {
        await access.ImportAsync(RegistryAccess.UnitImporters, context.CancellationToken);
        var report = await new UnitImport(db, outbox, time, audit).RunAsync(context.Method,
            [.. request.Units.Select((u, i) => new UnitRow(i + 1, u))], request.Mode, request.DryRun, context.CancellationToken);
        access.UnitsChanged();
        return report;
    }

    public override async Task<ImportReport> ImportUnitsCsv(CsvImportRequest request, ServerCallContext context)
    {
        await access.ImportAsync(RegistryAccess.UnitImporters, context.CancellationToken);
        var (rows, unreadable) = CsvRecords.Units(ReadCsv(request), request.Mode);
        var report = await new UnitImport(db, outbox, time, audit).RunAsync(context.Method, rows, request.Mode, request.DryRun, context.CancellationToken, unreadable);
        access.UnitsChanged();
        return report;
    }

    public override async Task<ImportReport> ImportTerms(ImportTermsRequest request, ServerCallContext context)
    {
        await access.ImportAsync(RegistryAccess.TermImporters, context.CancellationToken);
        return await new TermImport(db, outbox, time, audit).RunAsync(context.Method,
            [.. request.Terms.Select((t, i) => new TermRow(i + 1, t))], request.Mode, request.DryRun, context.CancellationToken);
    }

    public override async Task<ImportReport> ImportTermsCsv(CsvImportRequest request, ServerCallContext context)
    {
        await access.ImportAsync(RegistryAccess.TermImporters, context.CancellationToken);
        var (rows, unreadable) = CsvRecords.Terms(ReadCsv(request), request.Mode);
        return await new TermImport(db, outbox, time, audit).RunAsync(context.Method, rows, request.Mode, request.DryRun, context.CancellationToken, unreadable);
    }

    public override async Task<ImportReport> SubmitPersonnelChanges(PersonnelChangesRequest request, ServerCallContext context)
    {
        await access.ImportAsync(RegistryAccess.TermImporters, context.CancellationToken);
        return await new TermImport(db, outbox, time, audit).ApplyChangesAsync(context.Method, request.Source.Trim(), request.Changes, request.DryRun, context.CancellationToken);
    }

    private static CsvTable ReadCsv(CsvImportRequest request)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(request.File is { } file ? file.Data.Span : ReadOnlySpan<byte>.Empty);
        }
        catch (DecoderFallbackException)
        {
            throw new RequestValidationException("file", Say.T("不是 UTF-8 编码的文本", "is not UTF-8 text"));
        }
        return CsvTable.Parse(text);
    }
}

/// <summary>The CSV formats of the imports, row by row into the records the JSON imports take.</summary>
public static class CsvRecords
{
    public static readonly string[] UnitColumns = ["code", "name", "parent_code"];
    public static readonly string[] TermColumns = ["appointment_id", "person_id", "person_name", "unit_code", "role", "starts_on"];

    public static (List<UnitRow> Rows, List<(int, string, string)> Unreadable) Units(CsvTable csv, ImportMode mode)
    {
        RequireColumns(csv, UnitColumns);
        if (!csv.Has("level") && !csv.Has("kind")) throw new RequestValidationException("file", Say.T("标题行须有“level”或“kind”列", "the header needs a 'level' or a 'kind' column"));
        var rows = new List<UnitRow>();
        var unreadable = Unreadable(csv, mode);
        foreach (var row in csv.Rows)
        {
            var flag = csv.Get(row, "province_direct").ToLowerInvariant();
            if (flag is not ("" or "yes" or "no" or "true" or "false" or "1" or "0"))
            {
                unreadable.Add((row.Line, "province_direct", $"'{flag}' is not yes or no"));
                continue;
            }
            rows.Add(new UnitRow(row.Line, new UnitRecord
            {
                Code = csv.Get(row, "code"),
                Name = csv.Get(row, "name"),
                Kind = csv.Get(row, "kind") is { Length: > 0 } kind ? kind : csv.Get(row, "level"),
                ParentCode = csv.Get(row, "parent_code"),
                ProvinceDirect = flag is "yes" or "true" or "1",
                VerticalSuperiorCode = csv.Get(row, "vertical_superior_code"),
                EffectiveOn = csv.Get(row, "effective_on"),
            }));
        }
        return (rows, unreadable);
    }

    public static (List<TermRow> Rows, List<(int, string, string)> Unreadable) Terms(CsvTable csv, ImportMode mode)
    {
        RequireColumns(csv, TermColumns);
        var rows = new List<TermRow>();
        var unreadable = Unreadable(csv, mode);
        foreach (var row in csv.Rows)
        {
            var roleText = csv.Get(row, "role");
            if (!TryParseRole(roleText, out var role))
            {
                unreadable.Add((row.Line, "role", $"'{roleText}' is not Principal, InCharge or DualDuty"));
                continue;
            }
            var comprehensiveText = csv.Get(row, "comprehensive_management");
            bool? comprehensive = comprehensiveText.ToLowerInvariant() switch { "" => null, "true" or "yes" => true, "false" or "no" => false, _ => (bool?)null };
            if (comprehensiveText.Length > 0 && comprehensive is null)
            {
                unreadable.Add((row.Line, "comprehensive_management", $"'{comprehensiveText}' is not true, false (yes, no) or empty"));
                continue;
            }
            var record = new TermRecord
            {
                AppointmentId = csv.Get(row, "appointment_id"),
                PersonId = csv.Get(row, "person_id"),
                PersonName = csv.Get(row, "person_name"),
                UnitCode = csv.Get(row, "unit_code"),
                Role = role,
                Portfolio = csv.Get(row, "portfolio"),
                Title = csv.Get(row, "title"),
                StartsOn = csv.Get(row, "starts_on"),
                EndsOn = csv.Get(row, "ends_on"),
                EndReason = csv.Get(row, "end_reason"),
                CadreAuthorityCode = csv.Get(row, "cadre_authority_code"),
            };
            if (comprehensive is { } given) record.ComprehensiveManagement = given;
            rows.Add(new TermRow(row.Line, record));
        }
        return (rows, unreadable);
    }

    public static bool TryParseRole(string text, out LeadershipRole role)
    {
        role = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "principal" => LeadershipRole.Principal,
            "incharge" => LeadershipRole.InCharge,
            "dualduty" => LeadershipRole.DualDuty,
            _ => LeadershipRole.Unspecified,
        };
        return role != LeadershipRole.Unspecified;
    }

    private static void RequireColumns(CsvTable csv, string[] columns)
    {
        // CsvTable.Parse leaves the header empty only with its one error, that the file has no header row.
        if (csv.Header.Length == 0)
            throw new RequestValidationException("file", Say.T(csv.Errors.Count > 0 ? "文件没有标题行" : "文件为空", csv.Errors.FirstOrDefault().Error ?? "the file is empty"));
        var missing = columns.Where(c => !csv.Has(c)).ToList();
        if (missing.Count > 0) throw new RequestValidationException("file", Say.T($"标题行缺少列：{string.Join("、", missing)}", $"the header lacks the column(s) {string.Join(", ", missing)}"));
    }

    private static List<(int, string, string)> Unreadable(CsvTable csv, ImportMode mode) =>
        [.. csv.Errors.Select(e => (e.Line, "file", Say.T($"第 {e.Line} 行{e.Error}", $"line {e.Line} {e.Error}")))];
}
