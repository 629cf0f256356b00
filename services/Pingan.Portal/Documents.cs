using System.Security.Claims;
using Google.Api;
using Grpc.Core;
using Pingan.Portal.Sessions;

namespace Pingan.Portal;

/// <summary>
/// The services' documents (a case file, a consultation's written opinion, an inspection's photo), fetched on the
/// person's own token and handed to the browser as the service answered them; a refusal is problem details.
/// </summary>
internal static class Documents
{
    public static void MapDocuments(this WebApplication app)
    {
        // Art. 41: the case file's printable export.
        app.MapGet("/cases/{caseId}/file", (string caseId, HttpContext context, PortalSessions sessions, Sanctions.Api.Cases.CasesClient cases) =>
            SendAsync(context, sessions, (headers, ct) => cases.GetCaseFileDocumentAsync(new Sanctions.Api.GetCaseFileRequest { CaseId = caseId }, headers, cancellationToken: ct).ResponseAsync))
            .RequireAuthorization();
        // Art. 23: the consultation's written opinion (征求意见回复) with its digest and the platform's signature.
        app.MapGet("/consultations/{consultationId}/opinion", (string consultationId, HttpContext context, PortalSessions sessions, Archives.Api.Consultations.ConsultationsClient consultations) =>
            SendAsync(context, sessions, (headers, ct) => consultations.GetConsultationOpinionAsync(new Archives.Api.GetConsultationRequest { ConsultationId = consultationId }, headers, cancellationToken: ct).ResponseAsync))
            .RequireAuthorization();
        // Art. 13: the evidence a receiver filed with its progress on a letter's target.
        app.MapGet("/letters/evidence/{evidenceId}", (string evidenceId, HttpContext context, PortalSessions sessions, Letters.Api.Progress.ProgressClient progress) =>
            SendAsync(context, sessions, (headers, ct) => progress.GetEvidenceAsync(new Letters.Api.GetEvidenceRequest { EvidenceId = evidenceId }, headers, cancellationToken: ct).ResponseAsync))
            .RequireAuthorization();
        // Art. 20: the excellent units' extra month, as the workbook the salary channel takes.
        app.MapGet("/assessments/{assessingCode}/{year:int}/extra-salary-list", (string assessingCode, int year, HttpContext context, PortalSessions sessions, Assessments.Api.Assessments.AssessmentsClient assessments) =>
            SendAsync(context, sessions, (headers, ct) => assessments.GetExtraSalaryListAsync(new Assessments.Api.GetExtraSalaryListRequest { AssessingCode = assessingCode, Year = year }, headers, cancellationToken: ct).ResponseAsync))
            .RequireAuthorization();
        // Art. 18: a photo or document of an inspection, for whoever may read it.
        app.MapGet("/evidence/{evidenceId}", (string evidenceId, HttpContext context, PortalSessions sessions, Inspections.Api.Inspections.InspectionsClient inspections) =>
            SendAsync(context, sessions, (headers, ct) => inspections.GetEvidenceAsync(new Inspections.Api.GetEvidenceRequest { EvidenceId = evidenceId }, headers, cancellationToken: ct).ResponseAsync))
            .RequireAuthorization();
    }

    private static async Task<IResult> SendAsync(HttpContext context, PortalSessions sessions, Func<Metadata, CancellationToken, Task<HttpBody>> read)
    {
        string token;
        try
        {
            token = await sessions.AccessTokenAsync(context.User.FindFirstValue(PortalSessions.SessionClaim), context.RequestAborted);
        }
        catch (SessionExpiredException)
        {
            return Results.Challenge();
        }
        try
        {
            var body = await read(new Metadata { { "authorization", "Bearer " + token } }, context.RequestAborted);
            // Shown, never run: a document's own scripts stay inert (the opinion is HTML).
            context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(body.Data.ToByteArray(), string.IsNullOrEmpty(body.ContentType) ? "application/octet-stream" : body.ContentType);
        }
        catch (RpcException e)
        {
            return Results.Problem(e.Status.Detail, statusCode: Problems.HttpStatusOf(e.StatusCode), title: Problems.Title(e.StatusCode));
        }
    }
}
