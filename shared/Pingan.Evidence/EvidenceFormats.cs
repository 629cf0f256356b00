using System.IO.Compression;

namespace Pingan.Evidence;

/// <summary>
/// The kinds of evidence file accepted, each recognised from its bytes, not from the name or the declared type alone:
/// a file that says it is a PDF must start like one, an Office or OFD document must be a ZIP package with its main part.
/// </summary>
public static class EvidenceFormats
{
    private static readonly Dictionary<string, (string Name, string[] Extensions, Func<byte[], bool> Matches)> Known = new(StringComparer.Ordinal)
    {
        ["application/pdf"] = ("PDF", [".pdf"], b => b.AsSpan().StartsWith("%PDF-"u8)),
        ["image/jpeg"] = ("JPEG", [".jpg", ".jpeg"], b => b.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])),
        ["image/png"] = ("PNG", [".png"], b => b.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        // GB/T 33190: the Chinese fixed-layout format, a ZIP package whose entry point is OFD.xml.
        ["application/ofd"] = ("OFD", [".ofd"], b => PackageHolds(b, "OFD.xml")),
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = ("Word (.docx)", [".docx"], b => PackageHolds(b, "word/document.xml")),
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = ("Excel (.xlsx)", [".xlsx"], b => PackageHolds(b, "xl/workbook.xml")),
    };

    /// <summary>
    /// Why the file name does not fit the recognised type, or null: a name ending ".html" on PDF bytes is a polyglot
    /// meant to be opened as something else, and is refused (issue 11). A name without an extension takes the type's.
    /// </summary>
    public static string? NameProblem(string contentType, string fileName)
    {
        if (!Known.TryGetValue(Normalise(contentType), out var kind)) return null;
        var extension = Path.GetExtension(fileName.Trim()).ToLowerInvariant();
        return extension.Length == 0 || kind.Extensions.Contains(extension) ? null
            : $"ends in '{extension}', but the file is {kind.Name} ({string.Join(" or ", kind.Extensions)})";
    }

    /// <summary>The extension a download of this type carries, whatever its uploaded name said.</summary>
    public static string ExtensionOf(string contentType) =>
        Known.TryGetValue(Normalise(contentType), out var kind) ? kind.Extensions[0] : ".bin";

    public static string Accepted => string.Join(", ", Known.Values.Select(k => k.Name));

    /// <summary>The content type without parameters, lower case ("application/PDF; x=y" is "application/pdf").</summary>
    public static string Normalise(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>Why the bytes are not an accepted file of the declared type, or null when they are.</summary>
    public static string? Problem(string contentType, byte[] data)
    {
        if (!Known.TryGetValue(Normalise(contentType), out var kind))
            return $"{(contentType.Length == 0 ? "no content type" : $"'{contentType}'")} is not accepted; send one of: {Accepted}";
        return kind.Matches(data) ? null : $"the bytes are not a {kind.Name} file, as the content type '{Normalise(contentType)}' says";
    }

    /// <summary>Reads only the ZIP's central directory: nothing is decompressed.</summary>
    private static bool PackageHolds(byte[] data, string entry)
    {
        if (!data.AsSpan().StartsWith("PK\x03\x04"u8)) return false;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
            return zip.GetEntry(entry) is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
