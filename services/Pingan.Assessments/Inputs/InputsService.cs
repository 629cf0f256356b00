using System.Globalization;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Security;

namespace Pingan.Assessments.Inputs;

/// <summary>The year's inputs of a unit with where each came from (issue 14), read as the unit's business records.</summary>
public sealed class InputsService(AssessmentsDb db, JurisdictionGuard guard) : Api.Inputs.InputsBase
{
    public override async Task<InputList> ListInputs(ListInputsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ReadBusinessRecordAsync(request.UnitCode, ct);
        var (year, unit) = (request.Year, request.UnitCode);
        var rows = await db.Inputs.AsNoTracking().Where(i => i.Year == year && i.UnitCode == unit).OrderBy(i => i.Source).ThenBy(i => i.On).ThenBy(i => i.Reference).ToListAsync(ct);
        var surveys = await db.Surveys.AsNoTracking().Where(s => s.Year == year && s.UnitCode == unit).ToListAsync(ct);
        var list = new InputList { UnitCode = unit, Year = year };
        list.Inputs.AddRange(rows.Select(i => new Input
        {
            Reference = i.Reference, Source = i.Source, Kind = i.Kind, Value = (double)i.Value, On = i.On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Producer = i.Producer, Sequence = i.Sequence, Detail = i.Detail,
        }));
        // The survey is recorded here, not consumed: it is an input like the others, its rate the figure.
        list.Inputs.AddRange(surveys.Select(Surveys.SurveysService.ToApi).Select(s => new Input
        {
            Reference = s.Source, Source = Source.SecuritySurvey, Kind = s.Verdict.ToString(), Value = s.Rate, On = s.ConductedOn, Producer = "assessments",
        }));
        return list;
    }
}
