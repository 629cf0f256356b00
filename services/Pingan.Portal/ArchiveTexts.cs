using Pingan.Archives.Api;

namespace Pingan.Portal;

/// <summary>The names the archive pages show for the archives service's codes, in the person's language.</summary>
public static class ArchiveTexts
{
    public static string Grade(ArchiveGrade grade) => grade switch
    {
        ArchiveGrade.Excellent => L.T("优秀", "Excellent"),
        ArchiveGrade.Pass => L.T("合格", "Pass"),
        ArchiveGrade.Fail => L.T("不合格", "Fail"),
        _ => "—",
    };

    // Art. 23 "任职考察、办理晋职晋级和综合性奖励".
    public static string Purpose(ConsultationPurpose purpose) => purpose switch
    {
        ConsultationPurpose.AppointmentReview => L.T("任职考察", "Appointment review"),
        ConsultationPurpose.Promotion => L.T("晋职晋级", "Promotion"),
        ConsultationPurpose.ComprehensiveAward => L.T("综合性奖励", "Comprehensive award"),
        _ => "—",
    };

    public static string Role(string role) => role switch
    {
        "PRINCIPAL" => L.T("主要领导", "Principal"),
        "IN_CHARGE" => L.T("分管领导", "In charge"),
        "DUAL_DUTY" => L.T("一岗双责", "Dual duty"),
        _ => role,
    };

    public static string Disqualification(string reason) => reason switch
    {
        "LISTED" => L.T("所负责的地区或单位被挂牌督办（第三十五条第四款）", "A unit answered for is under listed supervision (Art. 35 ¶4)"),
        "LISTED_RESPONSIBLE" => L.T("挂牌督办决定中被列为责任人（第三十五条第四款）", "Named responsible in a listing (Art. 35 ¶4)"),
        "VETOED" => L.T("所负责的地区或单位被一票否决（第三十七条）", "A unit answered for was vetoed (Art. 37)"),
        _ => reason,
    };
}
