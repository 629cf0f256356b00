using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Audit;
using Pingan.Persistence;
using Pingan.Security;
using Pingan.ServiceDefaults;

namespace Pingan.Assessments.Schemes;

/// <summary>
/// The year's scheme of each assessing level (Art. 19, 20): set by the level's office until the year's assessment
/// opens, read by the level and by every unit it assesses (published standards, like organisation facts).
/// </summary>
public sealed class SchemesService(AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard) : Api.Schemes.SchemesBase
{
    public override async Task<Scheme> GetScheme(GetSchemeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadOrganisationFactsAsync(request.AssessingCode, ct);
        var stored = await db.Schemes.AsNoTracking().FirstOrDefaultAsync(s => s.Year == request.Year && s.AssessingCode == request.AssessingCode, ct);
        return stored is null ? Default(request.Year, request.AssessingCode) : ToApi(stored);
    }

    public override async Task<Scheme> SetScheme(SetSchemeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // The level's own office (or one above it) sets the scheme it assesses by.
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        var indicators = request.Indicators.Select(i => new IndicatorDefinition(i.Code, i.Title.Trim(), i.Part, Points.Tenths(i.Weight), i.Source,
            new SortedDictionary<string, decimal>(i.Parameters.ToDictionary(p => p.Key, p => Points.Tenths(p.Value)), StringComparer.Ordinal))).ToList();
        var now = time.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await LockAsync(db, request.AssessingCode, request.Year, ct);
        if (scheme?.FrozenAt is { } frozen)
            throw new DomainRuleException(Say.T($"{request.AssessingCode} 的 {request.Year} 年度考核方案已在 {frozen:yyyy-MM-dd} 开始年度考核时固定；以往年度按其当时的考核方案评分。",
                $"The {request.Year} scheme of {request.AssessingCode} froze when the year's assessment opened on {frozen:yyyy-MM-dd}; a past year is scored under the scheme it had."));
        if (scheme is null)
        {
            scheme = new AssessmentScheme { Year = request.Year, AssessingCode = request.AssessingCode, IndicatorsJson = "[]", Reason = "", SetBy = "" };
            db.Schemes.Add(scheme);
        }
        scheme.IndicatorsJson = AssessmentScheme.Serialize(indicators);
        scheme.ExcellentFrom = Points.Tenths(request.ExcellentFrom);
        scheme.PassFrom = Points.Tenths(request.PassFrom);
        scheme.TargetsMetFrom = request.HasTargetsMetFrom ? Points.Tenths(request.TargetsMetFrom) : DefaultScheme.TargetsMetFrom;
        scheme.VetoEffect = request.VetoEffect == VetoEffect.Unspecified ? VetoEffect.NotExcellent : request.VetoEffect;
        scheme.Reason = request.Reason.Trim();
        scheme.SetAt = now;
        scheme.SetBy = guard.Caller.Subject;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"scheme/{request.AssessingCode}/{request.Year}", Detail: JsonSerializer.Serialize(new
        {
            indicators = indicators.Select(i => new { i.Code, part = i.Part.ToString(), i.Weight, source = i.Source.ToString() }),
            excellentFrom = scheme.ExcellentFrom, passFrom = scheme.PassFrom, targetsMetFrom = scheme.TargetsMetFrom, veto = scheme.VetoEffect.ToString(), scheme.Reason,
        })), ct);
        await tx.CommitAsync(ct);
        return ToApi(scheme);
    }

    /// <summary>
    /// The level's scheme for the year, locked for the transaction: one writer per level and year at a time (the first
    /// setting inserts the row, so it is the key that is locked). Null when none was set.
    /// </summary>
    public static async Task<AssessmentScheme?> LockAsync(AssessmentsDb db, string assessingCode, int year, CancellationToken ct)
    {
        await db.LockKeyAsync($"scheme/{assessingCode}/{year}", ct);
        return await db.Schemes.FirstOrDefaultAsync(s => s.Year == year && s.AssessingCode == assessingCode, ct);
    }

    /// <summary>The default scheme as a stored row, for a year that opens without one set.</summary>
    public static AssessmentScheme StoredDefault(int year, string assessingCode, DateTimeOffset now) => new()
    {
        Year = year, AssessingCode = assessingCode, IndicatorsJson = AssessmentScheme.Serialize(DefaultScheme.Indicators),
        ExcellentFrom = DefaultScheme.ExcellentFrom, PassFrom = DefaultScheme.PassFrom, VetoEffect = VetoEffect.NotExcellent,
        Reason = DefaultReason, SetAt = now, SetBy = "platform default",
    };

    private const string DefaultReason = "the platform's default (reading 12): no scheme was set for this level and year";


    /// <summary>The default as a level that set none reads it: not stored, so neither set when nor by whom.</summary>
    private static Scheme Default(int year, string assessingCode)
    {
        var api = ToApi(StoredDefault(year, assessingCode, default));
        (api.IsDefault, api.SetAt, api.SetBy) = (true, "", "");
        return api;
    }

    public static Scheme ToApi(AssessmentScheme s)
    {
        var api = new Scheme
        {
            Year = s.Year, AssessingCode = s.AssessingCode, ExcellentFrom = (double)s.ExcellentFrom, PassFrom = (double)s.PassFrom, VetoEffect = s.VetoEffect,
            Reason = s.Reason, SetAt = s.SetAt.ToString("O", CultureInfo.InvariantCulture), SetBy = s.SetBy,
            FrozenAt = s.FrozenAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", TargetsMetFrom = (double)s.TargetsMetFrom,
        };
        api.Indicators.AddRange(s.Indicators().Select(ToApi));
        return api;
    }

    private static Indicator ToApi(IndicatorDefinition i)
    {
        var api = new Indicator { Code = i.Code, Title = i.Title, Part = i.Part, Weight = (double)i.Weight, Source = i.Source };
        foreach (var (key, value) in i.Parameters) api.Parameters[key] = (double)value;
        return api;
    }
}
