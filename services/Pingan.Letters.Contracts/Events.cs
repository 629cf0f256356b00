namespace Pingan.Letters.Contracts;

/// <summary>A commission issued a year's target responsibility letter to a unit below it (Art. 13).</summary>
public sealed record LetterIssued(
    Guid LetterId, int Year, Guid TemplateId, string IssuerCode, string ReceiverCode, int Version, int TargetCount, DateTimeOffset IssuedAt);

/// <summary>Both sides' principal leaders have signed the letter: from now on it only changes by amendment.</summary>
public sealed record LetterSigned(Guid LetterId, int Year, string IssuerCode, string ReceiverCode, int Version, DateOnly SignedOn, DateTimeOffset RecordedAt);

/// <summary>A letter was amended: a new version, to be signed again, replaces the earlier one.</summary>
public sealed record LetterAmended(Guid LetterId, Guid AmendsLetterId, int Year, string IssuerCode, string ReceiverCode, int Version, string Reason, DateTimeOffset AmendedAt);

/// <summary>
/// A reminder that a letter is not signed by both sides: a week before the first-quarter deadline (BeforeDeadline),
/// then the day after it and weekly until signed (Overdue). For whoever notifies the two offices.
/// </summary>
public sealed record LetterSigningReminder(Guid LetterId, int Year, string IssuerCode, string ReceiverCode, string Kind, DateOnly Deadline, DateOnly DueOn);

/// <summary>The receiver reported what it has achieved on a target as of a day, citing evidence (Art. 13).</summary>
public sealed record TargetProgressReported(
    Guid ReportId, Guid LetterId, int Year, string IssuerCode, string ReceiverCode, string TargetCode,
    decimal AchievedValue, decimal TargetValue, string UnitOfMeasure, DateOnly AsOf, int EvidenceCount, DateTimeOffset ReportedAt);

/// <summary>
/// The issuer's commission set the letter's year-end completion figure (Art. 20): the weighted sum of its targets'
/// percentages, 0 to 100. For the assessments service; Signed says whether both sides had signed the letter.
/// </summary>
public sealed record LetterCompleted(
    Guid LetterId, int Year, string IssuerCode, string ReceiverCode, int Version, decimal Completion, bool Signed, DateTimeOffset CompletedAt);
