using System.Globalization;
using Microsoft.EntityFrameworkCore;
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

/// <summary>What a target says, in a template or in a letter: one mapping and one set of column rules serve both.</summary>
public interface ITargetContent
{
    Guid Id { get; }
    string Code { get; }
    string Indicator { get; }
    decimal TargetValue { get; }
    string UnitOfMeasure { get; }
    string EvidenceRequired { get; }
    decimal Weight { get; }
    Guid? ParentTargetId { get; }
}

public sealed class TemplateTarget : ITargetContent
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

public static class TargetMapping
{
    public static Api.Target ToApi(this ITargetContent t) => new()
    {
        TargetId = t.Id.ToString(),
        Code = t.Code,
        Indicator = t.Indicator,
        TargetValue = Decimals.Write(t.TargetValue),
        UnitOfMeasure = t.UnitOfMeasure,
        EvidenceRequired = t.EvidenceRequired,
        Weight = Decimals.Write(t.Weight),
        ParentTargetId = t.ParentTargetId?.ToString() ?? "",
        LineageId = t is Letters.LetterTarget lt ? lt.LineageId.ToString() : "",
    };

    /// <summary>The columns of a target, alike in templates and letters.</summary>
    public static void Configure<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : class, ITargetContent
    {
        e.Property(t => t.Code).HasMaxLength(20);
        e.Property(t => t.Indicator).HasMaxLength(500);
        e.Property(t => t.UnitOfMeasure).HasMaxLength(50);
        e.Property(t => t.EvidenceRequired).HasMaxLength(500);
        e.Property(t => t.TargetValue).HasPrecision(18, 4);
        e.Property(t => t.Weight).HasPrecision(7, 4);
    }
}

/// <summary>Decimal text as the API carries it: invariant, no exponent, no grouping.</summary>
public static class Decimals
{
    public static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    /// <summary>For text a validator has already accepted.</summary>
    public static decimal Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal number");

    public static string Write(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
