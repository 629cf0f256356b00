namespace Pingan.Assessments.Scoring;

/// <summary>A unit's score in an assessing level's assessment of a year, as last scored: the result with its explanation.</summary>
public sealed class UnitScore
{
    public int Year { get; set; }
    public required string AssessingCode { get; set; }
    public required string UnitCode { get; set; }
    public decimal Total { get; set; }
    public Api.Grade ProposedGrade { get; set; }
    /// <summary>The <see cref="Api.UnitResult"/> (without its rank), as protobuf bytes: the explanation shown, as scored.</summary>
    public byte[] Result { get; set; } = [];
    public DateTimeOffset ScoredAt { get; set; }
    public required string ScoredBy { get; set; }
    /// <summary>The office's adjustment of the proposed grade, with its reasons (before approval).</summary>
    public Api.Grade? AdjustedGrade { get; set; }
    public string AdjustmentReasons { get; set; } = "";
    public string AdjustedBy { get; set; } = "";

    public Api.Grade Grade => AdjustedGrade ?? ProposedGrade;

    /// <summary>The result as scored, with the grade as it stands.</summary>
    public Api.UnitResult View()
    {
        var result = Api.UnitResult.Parser.ParseFrom(Result);
        (result.Grade, result.AdjustmentReasons) = (Grade, AdjustmentReasons);
        return result;
    }
}
