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

    public static readonly RuleDefinition[] All =
    [
        RuleDefinition.WorkingDays(AcceptanceGrace, "Art. 34, 35",
            "How long after a rectification period ends may the unit still apply for acceptance before escalation is proposed? " +
            "(整改期满后可书面申请…检查验收; 0 proposes escalation the day after the period ends)",
            defaultDays: 10, min: 0, max: 30),
    ];
}
