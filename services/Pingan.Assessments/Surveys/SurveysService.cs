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
using Pingan.Time;
using RegistryApi = Pingan.Registry.Api;

namespace Pingan.Assessments.Surveys;

/// <summary>
/// The public's sense of security (Art. 7(4) "确保公众安全感达到90%以上"), one survey per unit and year, recorded by
/// the office of a level above the unit (the level that assesses it), never by the unit's own level.
/// </summary>
public sealed class SurveysService(
    AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard, IAccountabilityChain chains,
    RegistryApi.Units.UnitsClient units, RequestLedger<AssessmentsDb> ledger) : Api.Surveys.SurveysBase
{
    /// <summary>Art. 7(4): at least 90%.</summary>
    public const double Target = 90;

    public override Task<Survey> RecordSurvey(RecordSurveyRequest request, ServerCallContext context) =>
        ledger.OnceAsync(request.RequestId, request, context, () => RecordAsync(request, context));

    private async Task<Survey> RecordAsync(RecordSurveyRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.UnitCode, ct);
        if (request.UnitCode == guard.Caller.Jurisdiction)
            throw JurisdictionGuard.Refused("record a survey", "a level's own survey is recorded by the level that assesses it, not by itself",
                "登记群众安全感调查", "本级的群众安全感调查由考核本级的上一级登记，不由本级自行登记");
        var conducted = DateOnly.ParseExact(request.ConductedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (conducted > time.Today()) throw new RequestValidationException("conducted_on", Say.T("不得晚于今天", "is in the future"));
        if (conducted.Year != request.Year) throw new RequestValidationException("conducted_on", Say.T($"不在调查所属的 {request.Year} 年度内", $"is not in {request.Year}, the year the survey is for"));
        // Remote facts first: the unit's chain (lists within a unit) and name.
        var chain = await chains.ChainAsync(request.UnitCode, ct) ?? throw new RequestValidationException("unit_code", Say.T($"单位 {request.UnitCode} 不存在", $"no unit {request.UnitCode}"));
        var unit = await units.GetUnitAsync(new RegistryApi.GetUnitRequest { Code = request.UnitCode }, cancellationToken: ct);
        var now = time.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One survey per unit and year: the first recording inserts the row, so it is the key that is locked.
        await db.LockKeyAsync($"survey/{request.UnitCode}/{request.Year}", ct);
        if (await db.Surveys.AsNoTracking().FirstOrDefaultAsync(s => s.Year == request.Year && s.UnitCode == request.UnitCode, ct) is { } earlier)
            throw new DomainRuleException(Say.T($"{unit.Name} {request.Year} 年度的群众安全感调查已于 {ChinaTime.DateOf(earlier.RecordedAt):yyyy-MM-dd} 登记（样本 {earlier.SampleSize} 人，其中 {earlier.Satisfied} 人感到安全）；每年度只登记一次。",
                $"{unit.Name}'s {request.Year} survey was recorded on {ChinaTime.DateOf(earlier.RecordedAt):yyyy-MM-dd} ({earlier.Satisfied} of {earlier.SampleSize}); a year has one."));
        var survey = new SecuritySurvey
        {
            Id = Guid.CreateVersion7(now), Year = request.Year, UnitCode = unit.Code, UnitName = unit.Name, ScopeChain = [.. chain],
            SampleSize = request.SampleSize, Satisfied = request.Satisfied, ConductedBy = request.ConductedBy.Trim(), ConductedOn = conducted,
            RecordedBy = guard.Caller.Subject, RecordedAt = now,
        };
        db.Surveys.Add(survey);
        await db.SaveChangesAsync(ct);
        var view = ToApi(survey);
        await audit.RecordAsync(new AuditRecord(context.Method, $"survey/{survey.Id}", Detail: JsonSerializer.Serialize(new
        {
            survey.UnitCode, survey.Year, survey.SampleSize, survey.Satisfied, view.Rate, view.Lower, verdict = view.Verdict.ToString(), article = "Art. 7(4)",
        })), ct);
        await tx.CommitAsync(ct);
        return view;
    }

    public override async Task<SurveyList> ListSurveys(ListSurveysRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Every row lies within request.UnitCode, itself within the caller's jurisdiction: the rule of a get.
        await guard.ReadBelowAsync(request.UnitCode, ct);
        var (year, unit) = (request.Year, request.UnitCode);
        var rows = await db.Surveys.AsNoTracking().Where(s => s.Year == year && s.ScopeChain.Contains(unit)).OrderBy(s => s.UnitCode).ToListAsync(ct);
        var list = new SurveyList();
        list.Surveys.AddRange(rows.Select(ToApi));
        return list;
    }

    public static Survey ToApi(SecuritySurvey s)
    {
        var rate = SurveyRate.Of(s.SampleSize, s.Satisfied, Target);
        return new Survey
        {
            SurveyId = s.Id.ToString(), Year = s.Year, UnitCode = s.UnitCode, UnitName = s.UnitName, SampleSize = s.SampleSize, Satisfied = s.Satisfied,
            Rate = rate.Rate, Lower = rate.Lower, Upper = rate.Upper, Target = rate.Target, Margin = Math.Round(rate.Margin, 2), Verdict = rate.Verdict,
            ConductedBy = s.ConductedBy, ConductedOn = s.ConductedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), RecordedBy = s.RecordedBy,
            RecordedAt = s.RecordedAt.ToString("O", CultureInfo.InvariantCulture), Source = $"survey/{s.Id}",
        };
    }
}
