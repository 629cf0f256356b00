using System.Globalization;
using System.Text;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Net.Http.Headers;

namespace Pingan.ServiceDefaults;

/// <summary>
/// A file a method returns: over REST (JSON transcoding) the raw bytes as an attachment with a safe name and
/// <c>X-Content-Type-Options: nosniff</c>, so a browser neither guesses another type nor renders it in the
/// platform's origin; over gRPC an HttpBody.
/// </summary>
public static class Attachments
{
    /// <param name="extension">The extension of the type the bytes were recognised as (".pdf"): the name always ends with it.</param>
    public static HttpBody Attachment(this ServerCallContext context, string contentType, byte[] data, string fileName, string extension)
    {
        var http = context.GetHttpContext();
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(SafeFileName(fileName, extension));
            http.Response.Headers.ContentDisposition = disposition.ToString();
            http.Response.Headers.XContentTypeOptions = "nosniff";
        }
        return new HttpBody { ContentType = contentType, Data = ByteString.CopyFrom(data) };
    }

    /// <summary>
    /// The name without control or bidirectional-override characters (which can make "evil‮fdp.exe" read as
    /// "evil.exe.pdf"), path separators or quotes, ending in <paramref name="extension"/> whatever it ended in.
    /// </summary>
    public static string SafeFileName(string fileName, string extension)
    {
        var kept = new StringBuilder(fileName.Length);
        foreach (var c in fileName.Normalize(NormalizationForm.FormC))
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned) continue;
            kept.Append(c is '/' or '\\' or '"' or ':' or '*' or '?' or '<' or '>' or '|' ? '_' : c);
        }
        var name = kept.ToString().Trim().Trim('.');
        var dot = name.LastIndexOf('.');
        if (dot > 0) name = name[..dot];
        if (name.Length == 0) name = "file";
        if (name.Length > 120) name = name[..120];
        return name + extension;
    }
}
