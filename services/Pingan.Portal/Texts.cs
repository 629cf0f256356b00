using Pingan.Sanctions.Api;

namespace Pingan.Portal;

/// <summary>The names the pages show for the services' codes, in the person's language.</summary>
public static class Texts
{
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
