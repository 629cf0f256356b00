namespace Pingan.Assessments.Schemes;

/// <summary>
/// A level's assessment of a year (Art. 20): opened (its scheme frozen), scored, approved by the commission's leader,
/// then published and circulated. Every step of it is taken under the level-and-year lock of its scheme.
/// </summary>
public sealed class YearAssessment
{
    public int Year { get; set; }
    public required string AssessingCode { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public required string OpenedBy { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public string ApprovedBy { get; set; } = "";
    public DateTimeOffset? PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public string[] Distribution { get; set; } = [];
    /// <summary>The decision on the 优秀 units' extra month (Art. 20 "可"): the units, the document, the day.</summary>
    public string[] ExtraSalaryUnits { get; set; } = [];
    public string ExtraSalaryDocument { get; set; } = "";
    public DateOnly? ExtraSalaryDecidedOn { get; set; }
    public string ExtraSalaryRecordedBy { get; set; } = "";
}
