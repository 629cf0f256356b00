using Pingan.Rules;

namespace Pingan.Sanctions.Cases;

/// <summary>The dated rules the sanctions service applies (docs/regulation/): each read as of the day of the act it governs.</summary>
public static class SanctionsRules
{
    /// <summary>
    /// Reading 7 (Art. 34 "整改期满后可书面申请综治办检查验收"): the unit applies for acceptance after the period ends, so
    /// escalation is proposed only when no application arrived within this many working days after it (or a check failed).
    /// Read as of the day the period ends.
    /// </summary>
    public const string AcceptanceGrace = "escalation.acceptance-grace";

    /// <summary>
    /// Reading 1 (Art. 34 "相应的上一级综治办", Art. 35 "相应的上一级综治委"): one level above whom admonishes and lists. Read
    /// as of the day the case opens, which fixes its competent commissions for its life.
    /// </summary>
    public const string Competence = "competence.admonish-and-list";

    /// <summary>The commission one level above the subject: for a county, its city (as the registry's "commission one level up" answers).</summary>
    public const string SubjectRelative = "subject-relative";

    /// <summary>The commission one level above the one that noticed: for a county, the province.</summary>
    public const string NoticeRelative = "notice-relative";

    public static readonly RuleDefinition[] All =
    [
        RuleDefinition.Choice(Competence, "Art. 33, 34, 35, 36",
            "Who admonishes (Art. 34 相应的上一级综治办) and lists (Art. 35 相应的上一级综治委): the commission one level above the subject, or one level above the one that noticed it?",
            SubjectRelative,
            new RuleReading(SubjectRelative, "one level above the subject: a county's city notices, admonishes and lists it; the province lists counties by its yearly selection (Art. 35 ¶2), which the city follows up and pre-checks (Art. 36)"),
            new RuleReading(NoticeRelative, "one level above the level that noticed: a county's city notices it, the province admonishes and lists it, and the city follows the listing up and pre-checks its acceptance (Art. 36)")),
        RuleDefinition.WorkingDays(AcceptanceGrace, "Art. 34, 35",
            "How long after a rectification period ends may the unit still apply for acceptance before escalation is proposed? " +
            "(整改期满后可书面申请…检查验收; 0 proposes escalation the day after the period ends)",
            defaultDays: 10, min: 0, max: 30),
    ];
}
