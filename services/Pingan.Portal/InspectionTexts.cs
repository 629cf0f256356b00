using Pingan.Inspections.Api;

namespace Pingan.Portal;

/// <summary>The names the inspection pages show for the inspections service's codes, in the person's language.</summary>
public static class InspectionTexts
{
    // The five forms of Art. 18.
    public static string Form(Form form) => form switch
    {
        Inspections.Api.Form.Special => L.T("专项督查", "Special"),
        Inspections.Api.Form.Covert => L.T("暗访", "Covert"),
        Inspections.Api.Form.Patrol => L.T("巡视", "Patrol"),
        Inspections.Api.Form.SemiAnnual => L.T("半年检查", "Half-year"),
        Inspections.Api.Form.Annual => L.T("年度检查", "Annual"),
        _ => "—",
    };

    public static string Status(InspectionStatus status) => status switch
    {
        InspectionStatus.Planned => L.T("已计划", "Planned"),
        InspectionStatus.UnderWay => L.T("进行中", "Under way"),
        InspectionStatus.Completed => L.T("整改中", "Rectifying"),
        InspectionStatus.Closed => L.T("已办结", "Closed"),
        _ => "—",
    };

    public static string Severity(FindingSeverity severity) => severity switch
    {
        FindingSeverity.General => L.T("一般", "General"),
        FindingSeverity.Serious => L.T("较重", "Serious"),
        FindingSeverity.Grave => L.T("严重", "Grave"),
        _ => "—",
    };

    public static string Concern(ConcernKind kind) => kind switch
    {
        ConcernKind.Indicator => L.T("考核指标", "Assessment indicator"),
        ConcernKind.LetterTarget => L.T("责任书目标", "Letter target"),
        ConcernKind.Art31Clause => L.T("第三十一条情形", "Art. 31 situation"),
        ConcernKind.WorkItem => L.T("工作事项", "Work item"),
        _ => "—",
    };

    public static string Rectification(RectificationStatus status) => status switch
    {
        RectificationStatus.NotDemanded => L.T("无需整改", "None demanded"),
        RectificationStatus.Pending => L.T("待下达", "Pending"),
        RectificationStatus.Demanded => L.T("待整改", "Demanded"),
        RectificationStatus.Reported => L.T("已报告，待核验", "Reported"),
        RectificationStatus.Rejected => L.T("核验未通过，重新整改", "Rejected"),
        RectificationStatus.Verified => L.T("已核验", "Verified"),
        _ => "—",
    };

    public static string Party(DutyParty party) => party switch
    {
        DutyParty.MemberUnit => L.T("成员单位", "Member unit"),
        DutyParty.CommissionMember => L.T("委员会成员", "Commission member"),
        DutyParty.Commission => L.T("综治委（平安建设领导小组）", "Commission"),
        DutyParty.PrincipalLeaders => L.T("党政主要领导", "Principal leaders"),
        DutyParty.StandingCommittee => L.T("党委常委会、领导班子", "Standing committee"),
        _ => "—",
    };

    /// <summary>The inspections service's light as the pages colour it; grey is not yet due.</summary>
    public static Lights.Colour Colour(Light light) => light switch
    {
        Light.Red => Lights.Colour.Red,
        Light.Yellow => Lights.Colour.Yellow,
        Light.Green => Lights.Colour.Green,
        _ => Lights.Colour.Grey,
    };

    // The incident categories of Art. 7(4) and Art. 31(3)-(5).
    public static string Category(IncidentCategory category) => category switch
    {
        IncidentCategory.ViolentTerrorism => L.T("暴力恐怖案件", "Violent terrorism"),
        IncidentCategory.StateSecurity => L.T("危害国家安全案件", "Endangering state security"),
        IncidentCategory.Cult => L.T("邪教案件", "Cult case"),
        IncidentCategory.SensitivePeriod => L.T("敏感时期重大事件", "Major event in a sensitive period"),
        IncidentCategory.MassIncident => L.T("群体性事件", "Mass incident"),
        IncidentCategory.ExtremePetition => L.T("个人极端事件、进京非访", "Extreme individual act or irregular petition in Beijing"),
        IncidentCategory.MajorCriminalCase => L.T("重特大刑事案件", "Major criminal case"),
        IncidentCategory.PublicSafety => L.T("重大公共安全事故", "Major public-safety accident"),
        IncidentCategory.LawEnforcementMisconduct => L.T("政法干警严重违法违纪", "Grave misconduct of law-enforcement officers"),
        _ => "—",
    };
}
