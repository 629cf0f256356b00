using Pingan.Assessments.Api;
using Pingan.ServiceDefaults;

namespace Pingan.Assessments;

/// <summary>
/// The Chinese names of the grades and proposal states a refusal cites (<see cref="Say"/>).
/// </summary>
internal static class Refusals
{
    /// <summary>The three grades of Art. 20.</summary>
    public static string GradeZh(Grade grade) => grade switch
    {
        Grade.Excellent => "优秀",
        Grade.Pass => "合格",
        Grade.Fail => "不合格",
        _ => "未评定",
    };

    /// <summary>A commendation proposal's state, as the portal names it.</summary>
    public static string StatusZh(CommendationStatus status) => status switch
    {
        CommendationStatus.Proposed => "待联席会议研究",
        CommendationStatus.Studied => "已研究，待决定",
        CommendationStatus.Approved => "已批准",
        CommendationStatus.Rejected => "不予批准",
        _ => "未知",
    };
}
