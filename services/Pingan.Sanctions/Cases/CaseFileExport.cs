using System.Text;
using System.Text.Json;
using Google.Api;
using Grpc.Core;
using Pingan.Sanctions.Api;
using Pingan.ServiceDefaults;
using Pingan.Time;
using static System.Net.WebUtility;

namespace Pingan.Sanctions.Cases;

// The case file exported for the archive (Art. 32 "建立工作档案"): one self-contained, printable document.
public sealed partial class CasesService
{
    public override async Task<HttpBody> GetCaseFileDocument(GetCaseFileRequest request, ServerCallContext context)
    {
        var file = await GetCaseFile(request, context);
        var html = CaseFileDocument.Render(file, guard.Caller.Name, time.GetUtcNow());
        return context.Attachment("text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), $"case-{file.Case.CaseId}", ".html");
    }
}

public static class CaseFileDocument
{
    public static string Render(CaseFile file, string exportedBy, DateTimeOffset now)
    {
        var c = file.Case;
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>责任督导和追究工作档案 ")
            .Append(HtmlEncode(c.SubjectName)).Append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}th{background:#eee}pre{margin:0;white-space:pre-wrap}</style></head><body>");
        b.Append("<h1>平安建设责任督导和追究工作档案</h1><p>Case file (Art. 32) of case ").Append(HtmlEncode(c.CaseId)).Append("</p>");
        Table(b, "案件 The case", [
            ("被追究地方、单位 Subject", $"{c.SubjectName} ({c.SubjectCode})"),
            ("情形 Art. 31 clause", $"第三十一条第({c.Clause})项"),
            ("来源 Source", c.Source.ToString()), ("严重程度 Severity", c.Severity.ToString()),
            ("发生日期 Incident", c.IncidentOn), ("概要 Summary", c.Summary), ("反映人 Reported by", c.ReportedBy),
            ("状态 Status", c.Status), ("所处阶段 Stage", c.Stage.ToString()), ("主管机关 Competent body", c.BodyCode),
            ("升级建议 Escalation proposed", c.EscalationProposed ? c.EscalationReason : "—"),
            ("适用条款 Decision trace", string.Join("; ", c.DecisionTrace)),
        ]);
        Rows(b, "分送 Distribution", ["单位 Unit", "方式 Role"], c.Distribution.Select(r => new[] { $"{r.UnitName} ({r.UnitCode})", r.Role + (r.Copy ? " 抄送" : " 印发") }));
        Rows(b, "期限 Deadlines", ["事项 Kind", "期限 Due", "状态 State"], c.Deadlines.Select(d => new[] { d.Kind, d.DueOn + (d.Provisional ? " (provisional)" : ""), d.State }));
        Rows(b, "约谈对象 Interviewed", ["姓名 Name", "职务 Role", "单位 Unit"], c.Interviewees.Select(i => new[] { i.Name, i.Role, i.UnitCode }));
        Rows(b, "从重从轻情节 Circumstances", ["条款 Clause", "情节 Description", "证据 Evidence"],
            c.Circumstances.Select(x => new[] { x.Clause + (x.Aggravating ? " 从重" : " 从轻"), x.Description, x.Evidence }));
        Rows(b, "移送 Referrals", ["措施 Measure", "部门 Department", "领导 Leaders", "状态 Status", "结果 Outcome"],
            c.Referrals.Select(r => new[] { r.Measure.ToString(), r.Department, string.Join("、", r.Leaders), $"{r.Status} {r.Reference}", $"{r.Outcome} {r.OutcomeOn}" }));
        Rows(b, "办理过程 Every step", ["#", "时间 At (UTC+8)", "办理人 Actor", "事项 Action", "依据 Article", "状态 After", "内容 Particulars"],
            file.Steps.Select(s => new[]
            {
                s.Sequence.ToString(), DateTimeOffset.Parse(s.At).ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm"), s.Actor, s.Action, s.Article, s.StatusAfter, Pretty(s.Detail),
            }), preformatLast: true);
        b.Append("<p>Exported ").Append(now.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm")).Append(" by ").Append(HtmlEncode(exportedBy)).Append(".</p></body></html>");
        return b.ToString();
    }

    private static void Table(StringBuilder b, string title, (string Label, string Value)[] rows)
    {
        b.Append("<h2>").Append(HtmlEncode(title)).Append("</h2><table>");
        foreach (var (label, value) in rows) b.Append("<tr><th>").Append(HtmlEncode(label)).Append("</th><td>").Append(HtmlEncode(value)).Append("</td></tr>");
        b.Append("</table>");
    }

    private static void Rows(StringBuilder b, string title, string[] headers, IEnumerable<string[]> rows, bool preformatLast = false)
    {
        var list = rows.ToList();
        b.Append("<h2>").Append(HtmlEncode(title)).Append("</h2>");
        if (list.Count == 0)
        {
            b.Append("<p>—</p>");
            return;
        }
        b.Append("<table><tr>");
        foreach (var h in headers) b.Append("<th>").Append(HtmlEncode(h)).Append("</th>");
        b.Append("</tr>");
        foreach (var row in list)
        {
            b.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                var cell = HtmlEncode(row[i]);
                b.Append("<td>").Append(preformatLast && i == row.Length - 1 ? $"<pre>{cell}</pre>" : cell).Append("</td>");
            }
            b.Append("</tr>");
        }
        b.Append("</table>");
    }

    private static string Pretty(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions(CaseMapping.Json) { WriteIndented = true });
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
