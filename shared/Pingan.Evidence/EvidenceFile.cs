using System.Security.Cryptography;
using Google.Api;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pingan.ServiceDefaults;

namespace Pingan.Evidence;

/// <summary>
/// What every stored evidence file holds, in the owning service's own database (ADR 0010): the bytes, their SHA-256,
/// the recognised type and who uploaded it when. A service's entity adds what the file belongs to (a letter's target,
/// an inspection's finding).
/// </summary>
public abstract class StoredEvidence
{
    public Guid Id { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }

    /// <summary>Copies an accepted upload into the row.</summary>
    public void Take(AcceptedFile file)
    {
        FileName = file.FileName;
        ContentType = file.ContentType;
        SizeBytes = file.Content.Length;
        Sha256 = file.Sha256;
        Content = file.Content;
    }
}

/// <summary>An upload that passed <see cref="EvidenceIntake.Accept"/>: its type normalised, its name trimmed, its digest taken.</summary>
public sealed record AcceptedFile(string FileName, string ContentType, string Sha256, byte[] Content);

/// <summary>
/// The one gate every evidence upload passes (issue 13: one building block for letters and inspections): not empty, within
/// the size limit, an accepted type recognised from its bytes, a name that does not claim another type. Each refusal
/// names the request field.
/// </summary>
public sealed class EvidenceIntake(long maxBytes)
{
    public const long DefaultMaxBytes = 20L * 1024 * 1024;

    public long MaxBytes { get; } = maxBytes;

    /// <param name="file">The upload (field <c>file</c>).</param>
    /// <param name="fileName">Its name (field <c>file_name</c>).</param>
    public AcceptedFile Accept(HttpBody? file, string fileName)
    {
        var data = file?.Data.ToByteArray() ?? [];
        if (data.Length == 0) throw new RequestValidationException("file", "is empty");
        if (data.Length > MaxBytes)
            throw new RequestValidationException("file", $"is {Size(data.Length)}; the limit is {Size(MaxBytes)}");
        var contentType = file!.ContentType;
        if (EvidenceFormats.Problem(contentType, data) is { } problem) throw new RequestValidationException("file.content_type", problem);
        if (EvidenceFormats.NameProblem(contentType, fileName) is { } misnamed) throw new RequestValidationException("file_name", misnamed);
        return new AcceptedFile(fileName.Trim(), EvidenceFormats.Normalise(contentType), Convert.ToHexStringLower(SHA256.HashData(data)), data);
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}

public static class EvidenceExtensions
{
    /// <summary>
    /// The service's evidence gate: <c>{service}:Evidence:MaxBytes</c>, else <c>Evidence:MaxBytes</c>, else 20 MiB (below
    /// Kestrel's 30 MB request limit, so a too-large file gets this service's clear error, not a reset connection).
    /// </summary>
    public static IHostApplicationBuilder AddEvidence(this IHostApplicationBuilder builder, string service)
    {
        var max = builder.Configuration.GetValue<long?>($"{service}:Evidence:MaxBytes")
            ?? builder.Configuration.GetValue("Evidence:MaxBytes", EvidenceIntake.DefaultMaxBytes);
        builder.Services.AddSingleton(new EvidenceIntake(max));
        return builder;
    }

    /// <summary>The columns of <see cref="StoredEvidence"/>, the same in every service.</summary>
    public static EntityTypeBuilder<T> IsEvidence<T>(this EntityTypeBuilder<T> e) where T : StoredEvidence
    {
        e.Property(x => x.FileName).HasMaxLength(200);
        e.Property(x => x.ContentType).HasMaxLength(100);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.UploadedBy).HasMaxLength(200);
        return e;
    }

    /// <summary>The file as a download: over REST the bytes as an attachment named safely with its recognised type's extension.</summary>
    public static HttpBody Download(this ServerCallContext context, StoredEvidence file) =>
        context.Attachment(file.ContentType, file.Content, file.FileName, EvidenceFormats.ExtensionOf(file.ContentType));
}
