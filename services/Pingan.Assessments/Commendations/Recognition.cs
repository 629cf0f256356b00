namespace Pingan.Assessments.Commendations;

/// <summary>A written priority-promotion recommendation (Art. 29), as issued.</summary>
public sealed class PromotionRecommendationRecord
{
    public Guid Id { get; set; }
    public required string RecommendingCode { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public Api.NationalTitle Title { get; set; }
    public int CommendedYear { get; set; }
    public required string CommendationDocument { get; set; }
    public string[] Recipients { get; set; } = [];
    /// <summary>The leaders considered, as JSON: recommended, or left out with the reason.</summary>
    public required string LeadersJson { get; set; }
    public required string IssuedBy { get; set; }
    public required string IssuedByName { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
}

/// <summary>An award from the province's special fund (Art. 28 "以奖代补"), recorded as decided.</summary>
public sealed class FundAwardRecord
{
    public Guid Id { get; set; }
    public int Year { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public string[] ScopeChain { get; set; } = [];
    public decimal Amount { get; set; }
    public required string Purpose { get; set; }
    public required string Document { get; set; }
    public required string RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
