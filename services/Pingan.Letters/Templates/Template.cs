using System.Globalization;
using Pingan.Persistence;

namespace Pingan.Letters.Templates;

public enum TemplateStatus { Draft, Issued }

/// <summary>A year's letter of one issuing level (Art. 13): key tasks, and targets that are concrete, measurable and checkable.</summary>
public sealed class Template : IVersioned
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string IssuerCode { get; set; }
    public required string Title { get; set; }
    public string[] KeyTasks { get; set; } = [];
    public TemplateStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public List<TemplateTarget> Targets { get; set; } = [];
    public uint Version { get; set; }
}

public sealed class TemplateTarget
{
    public Guid Id { get; set; }
    public Guid TemplateId { get; set; }
    public int Position { get; set; }
    public required string Code { get; set; }
    public required string Indicator { get; set; }
    public decimal TargetValue { get; set; }
    public required string UnitOfMeasure { get; set; }
    public required string EvidenceRequired { get; set; }
    public decimal Weight { get; set; }

    /// <summary>The target of the issuer's own letter (from the level above, same year) that this one decomposes.</summary>
    public Guid? ParentTargetId { get; set; }
}

/// <summary>Decimal text as the API carries it: invariant, no exponent, no grouping.</summary>
public static class Decimals
{
    public static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    public static string Write(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
