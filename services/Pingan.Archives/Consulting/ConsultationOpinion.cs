using System.Text;
using Pingan.Archives.Api;
using static System.Net.WebUtility;

namespace Pingan.Archives.Consulting;

/// <summary>The written opinion (征求意见回复) a department files: the answer as printed, with the digest and signature that prove it.</summary>
public static class ConsultationOpinion
{
    public static string Html(Consultation c, string levelName, DateOnly answeredOn)
    {
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>征求意见回复</title>")
            .Append("<style>body{font-family:serif;margin:3em;line-height:1.8}h1{text-align:center}table{border-collapse:collapse;margin:.5em 0}")
            .Append("td,th{border:1px solid #999;padding:4px 8px;vertical-align:top}.sig{font-family:monospace;font-size:smaller;word-break:break-all}</style></head><body>");
        b.Append("<h1>关于").Append(HtmlEncode(c.Name)).Append("同志社会治安综合治理工作情况的征求意见回复</h1>");
        b.Append("<p>").Append(HtmlEncode(levelName)).Append("组织、人事部门:</p>");
        b.Append("<p>你部门因").Append(HtmlEncode(ConsultationsService.PurposeText(c.Purpose)));
        if (c.Reference.Length > 0) b.Append("(").Append(HtmlEncode(c.Reference)).Append(")");
        b.Append("征求意见。根据《河南省社会治安综合治理领导责任制实施办法》第二十三条,现将该同志截至").Append(c.AsOf).Append("抓社会治安综合治理工作的情况回复如下。</p>");

        b.Append("<h2>一、任职情况</h2><table><tr><th>单位</th><th>职务</th><th>任职时间</th></tr>");
        foreach (var p in c.Archive.Posts)
            b.Append("<tr><td>").Append(HtmlEncode(p.UnitName)).Append("</td><td>").Append(HtmlEncode(p.Title.Length > 0 ? p.Title : p.Role))
                .Append(p.ComprehensiveManagement ? "(分管综治)" : "").Append("</td><td>").Append(p.StartsOn).Append(" 至 ").Append(p.EndsOn.Length > 0 ? p.EndsOn : "今").Append("</td></tr>");
        b.Append("</table>");

        b.Append("<h2>二、资格情况</h2>");
        if (c.Disqualifications.Count == 0) b.Append("<p>").Append(c.AsOf).Append("无挂牌督办、一票否决等取消评先受奖、晋职晋级资格的情形。</p>");
        else
        {
            b.Append("<p><strong>").Append(c.AsOf).Append("存在以下取消评先受奖、晋职晋级资格的情形:</strong></p><ul>");
            foreach (var d in c.Disqualifications) b.Append("<li>").Append(HtmlEncode(d.Basis)).Append("(案件 ").Append(d.CaseId).Append(")</li>");
            b.Append("</ul>");
        }
        if (c.OpenCases.Count > 0)
        {
            b.Append("<p>其所负责地区、单位尚未办结的责任督导和追究案件:</p><ul>");
            foreach (var o in c.OpenCases)
                b.Append("<li>").Append(HtmlEncode(o.SubjectName)).Append(",第三十一条第(").Append(o.Clause).Append(")项,").Append(o.OpenedOn).Append("立案,阶段 ").Append(o.Stage).Append("</li>");
            b.Append("</ul>");
        }

        b.Append("<h2>三、年度实绩与奖惩</h2><table><tr><th>年度</th><th>档次</th><th>履职情况</th><th>奖励</th><th>惩处</th><th>考核</th></tr>");
        foreach (var y in c.Archive.Years)
        {
            b.Append("<tr><td>").Append(y.Year).Append("</td><td>")
                .Append(HtmlEncode(string.Join(";", y.Grades.Select(g => $"{GradeText(g.Grade)}({g.KeeperCode}):{g.Reasons}"))))
                .Append("</td><td>签订责任书 ").Append(y.Duties.LettersSigned).Append(" 份");
            if (y.Duties.MeanCompletion.Length > 0) b.Append(",目标完成度 ").Append(y.Duties.MeanCompletion);
            b.Append(";督导发现问题 ").Append(y.Duties.InspectionFindings).Append(" 个,逾期未整改 ").Append(y.Duties.RectificationsOverdue)
                .Append(" 个;报告义务逾期未报 ").Append(y.Duties.ReportingDutiesMissed).Append(" 次</td><td>")
                .Append(List(y.Rewards)).Append("</td><td>").Append(List(y.Sanctions)).Append("</td><td>").Append(List(y.Assessments)).Append("</td></tr>");
        }
        b.Append("</table>");
        b.Append("<p>").Append(HtmlEncode(levelName)).Append("社会治安综合治理委员会办公室<br>").Append(answeredOn.ToString("yyyy年M月d日", System.Globalization.CultureInfo.InvariantCulture)).Append("</p>");
        b.Append("<h2>验证信息</h2><p class=\"sig\">回复编号:").Append(c.ConsultationId).Append("<br>SM3 摘要:").Append(c.Digest)
            .Append("<br>签名密钥:").Append(c.KeyId).Append("<br>SM2 签名:").Append(c.Signature)
            .Append("<br>可通过 POST /v1/consultations:verify 或以公布的公钥(GET /v1/consultation-keys)对回复正文验证。</p></body></html>");
        return b.ToString();
    }

    private static string List(IEnumerable<ArchiveEntry> entries) =>
        string.Join("<br>", entries.Select(e => $"{e.On} {HtmlEncode(e.Summary)}"));

    public static string GradeText(ArchiveGrade grade) => grade switch
    {
        ArchiveGrade.Excellent => "优秀",
        ArchiveGrade.Pass => "合格",
        ArchiveGrade.Fail => "不合格",
        _ => "",
    };
}
