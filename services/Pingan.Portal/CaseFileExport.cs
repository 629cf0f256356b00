using System.Security.Claims;
using Grpc.Core;
using Pingan.Portal.Sessions;
using Pingan.Sanctions.Api;

namespace Pingan.Portal;

/// <summary>The case file's printable export (Art. 41 record), fetched on the person's own token and handed to the browser.</summary>
internal static class CaseFileExport
{
    public static async Task<IResult> GetAsync(string caseId, HttpContext context, PortalSessions sessions, Cases.CasesClient cases)
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
            var body = await cases.GetCaseFileDocumentAsync(new GetCaseFileRequest { CaseId = caseId },
                new Metadata { { "authorization", "Bearer " + token } }, cancellationToken: context.RequestAborted);
            return Results.File(body.Data.ToByteArray(), string.IsNullOrEmpty(body.ContentType) ? "application/octet-stream" : body.ContentType);
        }
        catch (RpcException e)
        {
            return Results.Problem(e.Status.Detail, statusCode: Problems.HttpStatusOf(e.StatusCode), title: Problems.Title(e.StatusCode));
        }
    }
}
