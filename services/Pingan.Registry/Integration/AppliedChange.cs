namespace Pingan.Registry.Integration;

/// <summary>A personnel change from a source system that has been applied: sent again, it is reported and skipped.</summary>
public sealed class AppliedChange
{
    public required string Source { get; set; }
    public required string ChangeId { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
