using Pingan.Registry.Integration;
using Pingan.Registry.Units;

namespace Pingan.Registry.Tests;

/// <summary>The CSV reader and the pinyin initials, without a database.</summary>
public sealed class CsvAndPinyinTests
{
    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks_and_lines_are_numbered_as_in_the_file()
    {
        var csv = CsvTable.Parse("\uFEFFcode,name,note\r\n1,\"a, b\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",x\r\n3,c,d\r\n");
        Assert.Equal(["code", "name", "note"], csv.Header);
        Assert.Empty(csv.Errors);
        Assert.Equal("a, b", csv.Get(csv.Rows[0], "name"));
        Assert.Equal("say \"hi\"", csv.Get(csv.Rows[0], "note"));
        Assert.Equal("two\nlines", csv.Get(csv.Rows[1], "name"));
        Assert.Equal([2, 3, 5], csv.Rows.Select(r => r.Line));
    }

    [Fact]
    public void A_short_row_and_an_unclosed_quote_are_errors_of_their_lines_and_the_rest_is_read()
    {
        var csv = CsvTable.Parse("code,name\n1,a\n2\n3,c\n4,\"d\n");
        Assert.Equal(["1", "3"], csv.Rows.Select(r => csv.Get(r, "code")));
        Assert.Equal([3, 5], csv.Errors.Select(e => e.Line));
        Assert.Contains("not closed", csv.Errors[1].Error);
    }

    [Theory]
    [InlineData("郑州市", "zzs")]
    [InlineData("河南省", "hns")]
    [InlineData("驻马店市", "zmds")]
    [InlineData("G107国道", "g107gd")]
    public void Pinyin_initials_of_a_name(string name, string initials) => Assert.Equal(initials, Pinyin.Initials(name));
}
