namespace Pingan.Assessments.Surveys;

/// <summary>A survey of the public's sense of security in a unit (Art. 7(4)): the sample and how many felt safe.</summary>
public sealed class SecuritySurvey
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    /// <summary>The unit's accountability chain, itself first: lists "within a unit" read it.</summary>
    public string[] ScopeChain { get; set; } = [];
    public int SampleSize { get; set; }
    public int Satisfied { get; set; }
    public required string ConductedBy { get; set; }
    public DateOnly ConductedOn { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// The rate with its 95% Wilson score interval, and the verdict on the target judged on the interval (issue 14): a
/// unit whose rate reaches 90% only by the luck of its sample is flagged, not passed silently. Wilson rather than the
/// normal approximation: it stays inside 0-100% and holds for small samples and rates near 100%.
/// </summary>
public readonly record struct SurveyRate(double Rate, double Lower, double Upper, double Target, Api.SurveyVerdict Verdict)
{
    /// <summary>The two-sided 95% normal quantile.</summary>
    public const double Z = 1.959963984540054;

    /// <summary>Percentage points between the lower bound and the target; negative below it.</summary>
    public double Margin => Lower - Target;

    public static SurveyRate Of(int sampleSize, int satisfied, double targetPercent = 90)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        ArgumentOutOfRangeException.ThrowIfNegative(satisfied);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(satisfied, sampleSize);
        double n = sampleSize, p = satisfied / n, z2 = Z * Z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        // Judged on the unrounded figures; shown with two decimals.
        var verdict = (centre - half) * 100 >= targetPercent ? Api.SurveyVerdict.Met
            : p * 100 >= targetPercent ? Api.SurveyVerdict.ByChance : Api.SurveyVerdict.NotMet;
        var (rate, lower, upper) = (Percent(p), Percent(centre - half), Percent(centre + half));
        return new SurveyRate(rate, lower, upper, targetPercent, verdict);
    }

    /// <summary>Percent with two decimals, rounded half away from zero: the same figure wherever it is shown.</summary>
    private static double Percent(double share) => Math.Round(Math.Clamp(share, 0, 1) * 100, 2, MidpointRounding.AwayFromZero);
}
