using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pingan.Time;

namespace Pingan.Assessments.Scoring;

/// <summary>
/// The list of 优秀 units granted the extra month's full salary (Art. 20 "按工资供给渠道可增发一个月的全额工资") as an
/// Excel workbook for the salary channel: a title, the decision, one row per unit, and who exported it when.
/// </summary>
public static class ExtraSalaryWorkbook
{
    public sealed record Row(string UnitCode, string UnitName, decimal Total);

    public static readonly string[] Header = ["序号", "单位代码", "单位名称", "考核等次", "考核得分", "增发", "决定文号"];

    public static byte[] Write(string assessingName, int year, string document, DateOnly decidedOn, IReadOnlyList<Row> rows, string exportedBy, DateTimeOffset now)
    {
        using var stream = new MemoryStream();
        using (var package = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = package.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            sheet.Worksheet = new Worksheet(
                new Columns(
                    new Column { Min = 1, Max = 1, Width = 6, CustomWidth = true },
                    new Column { Min = 2, Max = 2, Width = 16, CustomWidth = true },
                    new Column { Min = 3, Max = 3, Width = 32, CustomWidth = true },
                    new Column { Min = 4, Max = 6, Width = 12, CustomWidth = true },
                    new Column { Min = 7, Max = 7, Width = 28, CustomWidth = true }),
                data);
            uint r = 0;
            Append(data, ++r, $"{assessingName}{year}年度社会治安综合治理和平安建设考核优秀单位增发一个月全额工资名单");
            Append(data, ++r, $"依据:《河南省社会治安综合治理领导责任制实施办法》第二十条;决定:{document}({decidedOn:yyyy-MM-dd})");
            Append(data, ++r, Header);
            var n = 0;
            foreach (var row in rows)
                Append(data, ++r, (++n).ToString(CultureInfo.InvariantCulture), row.UnitCode, row.UnitName, "优秀", row.Total, "一个月全额工资", document);
            Append(data, ++r, $"共{rows.Count}个单位。导出:{exportedBy},{ChinaTime.DateOf(now):yyyy-MM-dd}");
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "增发名单" }));
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    private static void Append(SheetData data, uint index, params object[] values)
    {
        var row = new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = index };
        var column = 0;
        foreach (var value in values)
        {
            var reference = $"{(char)('A' + column++)}{index}";
            row.AppendChild(value is decimal number
                ? new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(number) }
                : new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(value.ToString() ?? "")) });
        }
        data.AppendChild(row);
    }
}
