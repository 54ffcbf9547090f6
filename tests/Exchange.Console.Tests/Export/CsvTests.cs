using Exchange.Console.Export;

namespace Exchange.Console.Tests.Export;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+31 13 0000000", "'+31 13 0000000")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("-1", "'-1")]
    public void A_cell_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(string value, string expected) =>
        Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void Commas_quotes_and_line_breaks_are_quoted_as_RFC_4180_says() =>
        Assert.Equal("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n", new Csv().Row("a", "b,c", "say \"hi\"", "two\nlines").ToString());

    [Fact]
    public void The_file_starts_with_a_byte_order_mark_so_spreadsheets_read_accents() =>
        Assert.Equal([0xEF, 0xBB, 0xBF, (byte)'x', (byte)'\r', (byte)'\n'], new Csv().Row("x").ToBytes());
}
