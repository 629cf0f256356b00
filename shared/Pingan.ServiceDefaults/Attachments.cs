using Google.Api;
using Google.Protobuf;
using Grpc.Core;

namespace Pingan.ServiceDefaults;

/// <summary>A file a method returns: over REST (JSON transcoding) the raw bytes as an attachment with its name; over gRPC an HttpBody.</summary>
public static class Attachments
{
    public static HttpBody Attachment(this ServerCallContext context, string contentType, byte[] data, string fileName)
    {
        var http = context.GetHttpContext();
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
            http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
        return new HttpBody { ContentType = contentType, Data = ByteString.CopyFrom(data) };
    }
}
