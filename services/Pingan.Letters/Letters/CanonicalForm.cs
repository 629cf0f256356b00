using System.Text.Encodings.Web;
using System.Text.Json;
using Pingan.Letters.Templates;

namespace Pingan.Letters.Letters;

/// <summary>
/// The bytes both sides sign: the letter's content as UTF-8 JSON with a fixed field order, no whitespace,
/// Chinese as is, decimals as invariant text. Anyone can rebuild it from a letter read through the API
/// (docs/services/letters.md) and check a signature with the signer's public key.
/// </summary>
public static class CanonicalForm
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Of(Letter letter)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("format", "pingan.letter.v1");
            w.WriteString("letterId", letter.Id.ToString());
            w.WriteNumber("year", letter.Year);
            w.WriteNumber("version", letter.Version);
            w.WriteString("issuerCode", letter.IssuerCode);
            w.WriteString("receiverCode", letter.ReceiverCode);
            w.WriteString("receiverName", letter.ReceiverName);
            w.WriteString("title", letter.Title);
            w.WriteStartArray("keyTasks");
            foreach (var task in letter.KeyTasks) w.WriteStringValue(task);
            w.WriteEndArray();
            w.WriteStartArray("targets");
            foreach (var t in letter.Targets.OrderBy(t => t.Position))
            {
                w.WriteStartObject();
                w.WriteString("code", t.Code);
                w.WriteString("indicator", t.Indicator);
                w.WriteString("targetValue", Decimals.Write(t.TargetValue));
                w.WriteString("unitOfMeasure", t.UnitOfMeasure);
                w.WriteString("evidenceRequired", t.EvidenceRequired);
                w.WriteString("weight", Decimals.Write(t.Weight));
                w.WriteString("parentTargetId", t.ParentTargetId?.ToString() ?? "");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
