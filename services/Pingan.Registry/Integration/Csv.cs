using System.Text;
using Pingan.ServiceDefaults;

namespace Pingan.Registry.Integration;

public sealed record CsvRow(int Line, string[] Fields);

/// <summary>
/// A CSV file (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) with a header row.
/// A line that cannot be read is kept as an error for that line; the others are still read.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string[] header, List<CsvRow> rows, List<(int Line, string Error)> errors)
    {
        Header = header;
        Rows = rows;
        Errors = errors;
        _columns = header.Select((h, i) => (h, i)).GroupBy(x => x.h, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
    }

    public string[] Header { get; }
    public List<CsvRow> Rows { get; }
    public List<(int Line, string Error)> Errors { get; }

    public bool Has(string column) => _columns.ContainsKey(column);

    public string Get(CsvRow row, string column) =>
        _columns.TryGetValue(column, out var i) && i < row.Fields.Length ? row.Fields[i].Trim() : "";

    public static CsvTable Parse(string text)
    {
        var records = new List<(int Line, List<string> Fields, string? Error)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, i = 0;
        bool quoted = false, fieldStarted = false;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldStarted = false;
        }
        void EndRecord()
        {
            EndField();
            if (!(fields.Count == 1 && fields[0].Length == 0)) records.Add((recordLine, fields, null));
            fields = [];
            recordLine = line;
        }
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when !fieldStarted && field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\r':
                    break;
                case '\n':
                    line++;
                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }
        if (quoted) records.Add((recordLine, [], Say.T("引号内的字段至文件末尾仍未闭合", "a quoted field is not closed before the end of the file")));
        else if (field.Length > 0 || fields.Count > 0) EndRecord();

        if (records.Count == 0 || records[0].Error is not null) return new CsvTable([], [], [(1, Say.T("文件没有标题行", "the file has no header row"))]);
        var header = records[0].Fields.Select(h => h.Trim()).ToArray();
        var rows = new List<CsvRow>();
        var errors = new List<(int, string)>();
        foreach (var (l, f, error) in records.Skip(1))
        {
            if (error is not null) errors.Add((l, error));
            else if (f.Count != header.Length) errors.Add((l, Say.T($"有 {f.Count} 个字段，而标题行有 {header.Length} 个", $"has {f.Count} fields where the header has {header.Length}")));
            else rows.Add(new CsvRow(l, [.. f]));
        }
        return new CsvTable(header, rows, errors);
    }
}
