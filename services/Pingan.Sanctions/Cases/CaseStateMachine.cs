using Pingan.ServiceDefaults;

namespace Pingan.Sanctions.Cases;

public enum CaseAction
{
    Propose, Approve, Reject, Dismiss, RecordJointMeeting, RecordInterview, SubmitMeasures, SubmitProgress, ApplyForAcceptance, CheckAcceptance,
    Refer, RecordReferralOutcome, RecordCircumstance, NameFollowUpLeader,
}

/// <summary>
/// What may happen to a case in each status, to be read beside Art. 33-37. Every transition of the service asks
/// <see cref="Ensure"/> first, so a step out of order is refused with the steps that are possible, and changes nothing.
/// </summary>
public static class CaseStateMachine
{
    private static readonly Dictionary<CaseStatus, CaseAction[]> Allowed = new()
    {
        // Intake done (Art. 38): the competent office verifies and proposes a stage, or finds no grounds.
        [CaseStatus.Registered] = [CaseAction.Propose, CaseAction.Dismiss, CaseAction.RecordJointMeeting, CaseAction.RecordCircumstance],
        // Art. 33-35 "报综治委批准": the commission approves or rejects the proposal.
        [CaseStatus.Proposed] = [CaseAction.Approve, CaseAction.Reject, CaseAction.RecordCircumstance],
        // A stage in force: the interview (Art. 34-35), the subject's reports, its application for acceptance;
        // after a missed period, the proposal of the next stage (and for a listing, its joint meeting).
        // Referrals to the departments (Art. 32, 39) may follow at any stage, and after the case's end.
        [CaseStatus.Active] =
        [
            CaseAction.Propose, CaseAction.RecordJointMeeting, CaseAction.RecordInterview, CaseAction.SubmitMeasures, CaseAction.SubmitProgress,
            CaseAction.ApplyForAcceptance, CaseAction.Refer, CaseAction.RecordReferralOutcome, CaseAction.RecordCircumstance,
            CaseAction.NameFollowUpLeader,
        ],
        // Art. 34, 35: the office (for a listing the commission) checks the rectification.
        [CaseStatus.AcceptanceRequested] =
        [
            CaseAction.CheckAcceptance, CaseAction.SubmitProgress, CaseAction.Propose, CaseAction.RecordJointMeeting, CaseAction.Refer,
            CaseAction.RecordReferralOutcome, CaseAction.RecordCircumstance, CaseAction.NameFollowUpLeader,
        ],
        // Art. 36: the city (or provincial department) has checked; the listing commission checks and lifts.
        [CaseStatus.AcceptancePrechecked] = [CaseAction.CheckAcceptance, CaseAction.SubmitProgress, CaseAction.Refer, CaseAction.RecordReferralOutcome],
        [CaseStatus.Closed] = [CaseAction.Refer, CaseAction.RecordReferralOutcome],
        [CaseStatus.Dismissed] = [],
        [CaseStatus.VetoReferred] = [CaseAction.Refer, CaseAction.RecordReferralOutcome],
    };

    public static bool Can(CaseStatus status, CaseAction action) => Allowed[status].Contains(action);

    /// <summary>What may happen to <paramref name="c"/> now: its status's actions, and for a listing that outlived the veto, its acceptance (reading 2).</summary>
    public static CaseAction[] Possible(SanctionCase c) => c is { Status: CaseStatus.VetoReferred, ListingInForce: true }
        ? [.. Allowed[c.Status], c.ListingAcceptance is null ? CaseAction.ApplyForAcceptance : CaseAction.CheckAcceptance, CaseAction.SubmitProgress]
        : Allowed[c.Status];

    public static void Ensure(SanctionCase c, CaseAction action)
    {
        var possible = Possible(c);
        if (possible.Contains(action)) return;
        throw new DomainRuleException(Say.T(
            $"案件 {c.Id} {DescribeZh(c)}，目前不能{VerbZh(action)}。" +
            (possible.Length == 0 ? "该案已终结。" : $"现在可以办理：{string.Join("、", possible.Select(VerbZh))}。"),
            $"Case {c.Id} is {Describe(c)}: it cannot {Verb(action)} now. " +
            (possible.Length == 0 ? "It is over." : $"What may happen next: {string.Join(", ", possible.Select(Verb))}.")));
    }

    public static string Describe(SanctionCase c) => c.Status switch
    {
        CaseStatus.Proposed => $"awaiting the commission's decision on a proposed {Name(c.ProposedStage)}",
        CaseStatus.Active => $"under {Name(c.Stage)}",
        CaseStatus.AcceptanceRequested => $"awaiting the acceptance check of its {Name(c.Stage)}",
        CaseStatus.AcceptancePrechecked => "pre-checked by the city and awaiting the listing commission's check",
        CaseStatus.Closed => "closed",
        CaseStatus.Dismissed => "dismissed",
        CaseStatus.VetoReferred => c.ListingInForce ? "referred to the veto rules, its listing in force until an acceptance lifts it" : "referred to the veto rules",
        _ => "registered and not yet verified",
    };

    /// <summary><see cref="Describe"/> in Chinese, for the messages a caller reads in Chinese.</summary>
    private static string DescribeZh(SanctionCase c) => c.Status switch
    {
        CaseStatus.Proposed => $"已提出{NameZh(c.ProposedStage)}建议，正待综治委决定",
        CaseStatus.Active => $"正处于{NameZh(c.Stage)}阶段",
        CaseStatus.AcceptanceRequested => $"正待对{NameZh(c.Stage)}整改情况进行检查验收",
        CaseStatus.AcceptancePrechecked => "已由市级初验，正待作出挂牌督办决定的综治委检查验收",
        CaseStatus.Closed => "已结案",
        CaseStatus.Dismissed => "已撤销",
        CaseStatus.VetoReferred => c.ListingInForce ? "已移送一票否决，其挂牌督办在验收合格解除前继续有效" : "已移送一票否决",
        _ => "已立案，尚未核实",
    };

    public static string Name(Stage stage) => stage switch
    {
        Stage.Notice => "notice (通报)",
        Stage.Admonishment => "admonishment (约谈)",
        Stage.Listing => "listed supervision (挂牌督办)",
        Stage.Veto => "veto (一票否决)",
        _ => "no stage",
    };

    /// <summary>A stage's Chinese name, for the messages a caller reads in Chinese.</summary>
    public static string NameZh(Stage stage) => stage switch
    {
        Stage.Notice => "通报",
        Stage.Admonishment => "约谈",
        Stage.Listing => "挂牌督办",
        Stage.Veto => "一票否决",
        _ => "未定",
    };

    /// <summary>The article a stage follows.</summary>
    public static string Article(Stage stage) => stage switch
    {
        Stage.Notice => "Art. 33",
        Stage.Admonishment => "Art. 34",
        Stage.Listing => "Art. 35",
        Stage.Veto => "Art. 37",
        _ => "Art. 32",
    };

    /// <summary>
    /// The highest stage a case may enter at directly, by how grave it is (Art. 34, 35, 37); one stage higher when an
    /// aggravating circumstance is on record (Art. 40 "应当从重"). Mitigating ones (Art. 41 "可以从轻") are the
    /// commission's to weigh: recorded and traced, they lower nothing by themselves.
    /// </summary>
    public static Stage HighestDirectEntry(Severity severity, bool aggravated = false)
    {
        var stage = severity switch
        {
            Severity.Serious => Stage.Admonishment,
            Severity.EspeciallySerious => Stage.Listing,
            Severity.VetoGrade => Stage.Veto,
            _ => Stage.Notice,
        };
        return aggravated && stage < Stage.Veto ? stage + 1 : stage;
    }

    private static string Verb(CaseAction action) => action switch
    {
        CaseAction.Propose => "be proposed for a stage",
        CaseAction.Approve => "be approved",
        CaseAction.Reject => "be rejected",
        CaseAction.Dismiss => "be dismissed",
        CaseAction.RecordJointMeeting => "have a joint meeting recorded",
        CaseAction.RecordInterview => "have an interview recorded",
        CaseAction.SubmitMeasures => "take a report of measures",
        CaseAction.SubmitProgress => "take a progress report",
        CaseAction.ApplyForAcceptance => "take an application for acceptance",
        CaseAction.CheckAcceptance => "have its acceptance checked",
        CaseAction.Refer => "be referred to a department",
        CaseAction.RecordReferralOutcome => "take a department's decision",
        CaseAction.RecordCircumstance => "have a circumstance recorded",
        CaseAction.NameFollowUpLeader => "have its follow-up leader named",
        _ => action.ToString(),
    };

    /// <summary><see cref="Verb"/> in Chinese, for the messages a caller reads in Chinese.</summary>
    private static string VerbZh(CaseAction action) => action switch
    {
        CaseAction.Propose => "提出措施建议",
        CaseAction.Approve => "批准建议",
        CaseAction.Reject => "驳回建议",
        CaseAction.Dismiss => "撤销",
        CaseAction.RecordJointMeeting => "登记联席会议",
        CaseAction.RecordInterview => "登记约谈",
        CaseAction.SubmitMeasures => "报告整改措施",
        CaseAction.SubmitProgress => "报告整改进展",
        CaseAction.ApplyForAcceptance => "申请检查验收",
        CaseAction.CheckAcceptance => "检查验收",
        CaseAction.Refer => "移送有关部门",
        CaseAction.RecordReferralOutcome => "登记有关部门的处理决定",
        CaseAction.RecordCircumstance => "登记从重从轻情节",
        CaseAction.NameFollowUpLeader => "明确跟踪督办责任领导",
        _ => action.ToString(),
    };
}
