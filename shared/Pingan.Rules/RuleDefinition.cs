using System.Globalization;

namespace Pingan.Rules;

/// <summary>One reading of an ambiguous article: the value a choice names and what it means.</summary>
public sealed record RuleReading(string Value, string Description);

/// <summary>
/// A place where the regulation reads more than one way (docs/regulation/): the articles, the open question, the
/// readings a province may choose, and the default that applies until it chooses. A rule is either a choice among
/// named readings or a count of working days within a range.
/// </summary>
public sealed class RuleDefinition
{
    private RuleDefinition(string name, string articles, string question, string defaultReading, IReadOnlyList<RuleReading> readings, (int Min, int Max)? range)
    {
        Name = name; Articles = articles; Question = question; Default = defaultReading; Readings = readings; Range = range;
        if (Problem(defaultReading) is { } problem) throw new ArgumentException($"Rule {name}: the default {problem}");
    }

    public string Name { get; }
    public string Articles { get; }
    public string Question { get; }
    public string Default { get; }
    public IReadOnlyList<RuleReading> Readings { get; }
    public (int Min, int Max)? Range { get; }

    public static RuleDefinition Choice(string name, string articles, string question, string defaultReading, params RuleReading[] readings) =>
        new(name, articles, question, defaultReading, readings, null);

    public static RuleDefinition WorkingDays(string name, string articles, string question, int defaultDays, int min, int max) =>
        new(name, articles, $"{question} (a count of working days, {min}-{max})", defaultDays.ToString(CultureInfo.InvariantCulture), [], (min, max));

    /// <summary>Why <paramref name="reading"/> is not one this rule allows, or null when it is.</summary>
    public string? Problem(string reading)
    {
        if (Range is var (min, max))
            return int.TryParse(reading, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days >= min && days <= max
                ? null : $"must be a whole number of working days, {min}-{max}";
        return Readings.Any(r => r.Value == reading) ? null : $"must be one of {string.Join(", ", Readings.Select(r => r.Value))}";
    }
}
