using Pingan.Sanctions.Api;

namespace Pingan.Portal;

/// <summary>The names the pages show for the services' codes, in the person's language.</summary>
public static class Texts
{
    /// <summary>An RFC 3339 instant as a person reads it: China time.</summary>
    public static string Moment(string rfc3339, string format = "yyyy-MM-dd HH:mm") =>
        DateTimeOffset.TryParse(rfc3339, out var t) ? t.ToOffset(Pingan.Time.ChinaTime.Offset).ToString(format) : rfc3339;

    public static string Stage(Stage stage) => stage switch
    {
        Sanctions.Api.Stage.Notice => L.T("通报", "Notice"),
        Sanctions.Api.Stage.Admonishment => L.T("约谈", "Admonishment"),
        Sanctions.Api.Stage.Listing => L.T("挂牌督办", "Listed supervision"),
        Sanctions.Api.Stage.Veto => L.T("一票否决", "One-vote veto"),
        _ => L.T("未定", "None"),
    };

    public static string Status(string status) => status switch
    {
        "REGISTERED" => L.T("已立案", "Registered"),
        "PROPOSED" => L.T("待决定", "Proposed"),
        "ACTIVE" => L.T("整改中", "In force"),
        "ACCEPTANCE_REQUESTED" => L.T("已申请验收", "Acceptance requested"),
        "ACCEPTANCE_PRECHECKED" => L.T("已初验", "Acceptance pre-checked"),
        "CLOSED" => L.T("已结案", "Closed"),
        "DISMISSED" => L.T("已撤销", "Dismissed"),
        "VETO_REFERRED" => L.T("已移送一票否决", "Referred for the veto"),
        _ => status,
    };

    public static string Deadline(string kind) => kind switch
    {
        "MeasuresDue" => L.T("整改措施报送", "Measures due"),
        "ProgressDue" => L.T("整改进展报告", "Progress report due"),
        "RectificationEnds" => L.T("整改期满", "Rectification period ends"),
        "AcceptanceGraceEnds" => L.T("申请验收宽限期满", "Acceptance grace ends"),
        _ => kind,
    };

    public static string Severity(Severity severity) => severity switch
    {
        Sanctions.Api.Severity.Ordinary => L.T("一般", "Ordinary"),
        Sanctions.Api.Severity.Serious => L.T("危害严重或影响重大", "Serious"),
        Sanctions.Api.Severity.EspeciallySerious => L.T("危害特别严重或影响特别重大", "Especially serious"),
        Sanctions.Api.Severity.VetoGrade => L.T("应予一票否决", "Veto grade"),
        _ => L.T("未定", "Unspecified"),
    };

    /// <summary>The five departments of a joint meeting (Art. 24).</summary>
    public static string Department(Department department) => department switch
    {
        Sanctions.Api.Department.Commission => L.T("综治", "Commission"),
        Sanctions.Api.Department.Discipline => L.T("纪检", "Discipline inspection"),
        Sanctions.Api.Department.Supervision => L.T("监察", "Supervision"),
        Sanctions.Api.Department.Organisation => L.T("组织", "Organisation"),
        Sanctions.Api.Department.Personnel => L.T("人事", "Personnel"),
        _ => L.T("未定", "Unspecified"),
    };

    /// <summary>The circumstances of Art. 40 (从重) and Art. 41 (从轻).</summary>
    public static string Circumstance(Circumstance circumstance) => circumstance switch
    {
        Sanctions.Api.Circumstance.Obstruction => L.T("干扰、阻碍调查和责任追究（第四十条第一项）", "Obstructed the investigation (Art. 40(1))"),
        Sanctions.Api.Circumstance.Falsification => L.T("弄虚作假、隐瞒事实真相、瞒报漏报（第四十条第二项）", "Falsified or concealed (Art. 40(2))"),
        Sanctions.Api.Circumstance.Retaliation => L.T("对检举人、控告人打击报复（第四十条第三项）", "Retaliated against a whistle-blower (Art. 40(3))"),
        Sanctions.Api.Circumstance.OtherAggravating => L.T("其他从重情节（第四十条第四项）", "Other aggravating circumstance (Art. 40(4))"),
        Sanctions.Api.Circumstance.PromptRemedy => L.T("主动采取措施，有效避免损失、挽回影响（第四十一条第一项）", "Remedied promptly (Art. 41(1))"),
        Sanctions.Api.Circumstance.Cooperation => L.T("积极配合调查，主动承担责任（第四十一条第二项）", "Cooperated and took responsibility (Art. 41(2))"),
        Sanctions.Api.Circumstance.OtherMitigating => L.T("其他从轻情节（第四十一条第三项）", "Other mitigating circumstance (Art. 41(3))"),
        _ => L.T("未定", "Unspecified"),
    };

    /// <summary>The measures a case is referred to a department for (Art. 32, 39).</summary>
    public static string Measure(Measure measure) => measure switch
    {
        Sanctions.Api.Measure.Resignation => L.T("引咎辞职（组织部门）", "Resignation (organisation)"),
        Sanctions.Api.Measure.OrderedResignation => L.T("责令辞职（组织部门）", "Ordered resignation (organisation)"),
        Sanctions.Api.Measure.Removal => L.T("免职（组织部门）", "Removal (organisation)"),
        Sanctions.Api.Measure.PartyDiscipline => L.T("党纪政纪处分（纪检监察机关）", "Party or administrative discipline (discipline inspection)"),
        Sanctions.Api.Measure.CriminalReferral => L.T("追究刑事责任（纪检监察机关）", "Criminal liability (discipline inspection)"),
        _ => L.T("未定", "Unspecified"),
    };

    /// <summary>Where a referral stands: delivered and acknowledged by the department's system, then decided.</summary>
    public static string ReferralStatus(string status) => status switch
    {
        "PENDING" => L.T("待送达", "Being delivered"),
        "ACKNOWLEDGED" => L.T("已签收", "Acknowledged"),
        "DECIDED" => L.T("已作出决定", "Decided"),
        _ => status,
    };

    /// <summary>Why a leader was interviewed: in office on the interview day, or on the incident's (reading 3).</summary>
    public static string LeaderRole(string role) => role switch
    {
        "PRINCIPAL" => L.T("党政主要负责人", "Principal leader"),
        "IN_CHARGE" => L.T("分管领导", "Leader in charge"),
        "PRINCIPAL_AT_INCIDENT" => L.T("事发时党政主要负责人", "Principal leader at the incident"),
        "IN_CHARGE_AT_INCIDENT" => L.T("事发时分管领导", "Leader in charge at the incident"),
        _ => L.T("其他负有责任的领导", "Other leader responsible"),
    };

    public static string Source(Source source) => source switch
    {
        Sanctions.Api.Source.WrittenReport => L.T("书面报告", "Written report"),
        Sanctions.Api.Source.Incident => L.T("案（事）件", "Incident"),
        Sanctions.Api.Source.InspectionFinding => L.T("督导发现", "Inspection finding"),
        Sanctions.Api.Source.FailedAssessment => L.T("考核不合格", "Failed assessment"),
        Sanctions.Api.Source.YearlyBatch => L.T("年度集中", "Yearly batch"),
        _ => L.T("未定", "Unspecified"),
    };
}
