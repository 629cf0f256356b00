using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Pingan.Assessments.Api;
using Pingan.Assessments.Persistence;
using Pingan.Audit;
using Pingan.Security;
using Pingan.ServiceDefaults;
using Pingan.Time;

namespace Pingan.Assessments.Schemes;

/// <summary>The year's assessment of an assessing level (Art. 20, 21). Opening it freezes the scheme (Art. 19).</summary>
public sealed class AssessmentsService(AssessmentsDb db, TimeProvider time, IAuditTrail audit, JurisdictionGuard guard) : Api.Assessments.AssessmentsBase
{
    public override async Task<AssessmentRound> OpenAssessment(OpenAssessmentRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await guard.ActOnUnitAsync([PinganRoles.CommissionOffice], request.AssessingCode, ct);
        var today = time.Today();
        // Art. 20 "每年年底之前": the year's own, or last year's if it was not opened before the year turned.
        if (request.Year > today.Year || request.Year < today.Year - 1)
            throw new RequestValidationException("year", $"must be {today.Year} or {today.Year - 1}: an assessment is of the year ending");
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var scheme = await SchemesService.LockAsync(db, request.AssessingCode, request.Year, ct);
        if (scheme?.FrozenAt is { } opened)
            throw new DomainRuleException($"The {request.Year} assessment of {request.AssessingCode} opened on {ChinaTime.DateOf(opened):yyyy-MM-dd}.");
        if (scheme is null) db.Schemes.Add(scheme = SchemesService.StoredDefault(request.Year, request.AssessingCode, now));
        scheme.FrozenAt = now;
        scheme.FrozenBy = guard.Caller.Subject;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(context.Method, $"assessment/{request.AssessingCode}/{request.Year}",
            Detail: JsonSerializer.Serialize(new { scheme = scheme.SetBy == "platform default" ? "default" : "set", scheme.ExcellentFrom, scheme.PassFrom, article = "Art. 19, 20" })), ct);
        await tx.CommitAsync(ct);
        return new AssessmentRound
        {
            Year = request.Year, AssessingCode = request.AssessingCode, OpenedAt = now.ToString("O", CultureInfo.InvariantCulture), OpenedBy = scheme.FrozenBy,
            Scheme = SchemesService.ToApi(scheme),
        };
    }
}
