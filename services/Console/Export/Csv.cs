using System.Text;

namespace Exchange.Console.Export;

/// <summary>
/// CSV (RFC 4180) for spreadsheets: fields quoted when needed, and a cell that a spreadsheet would run as a
/// formula (=, +, -, @) prefixed with an apostrophe, so an exported ledger cannot carry a formula.
/// </summary>
public sealed class Csv
{
    private readonly StringBuilder _text = new();

    public Csv Row(params string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                _text.Append(',');
            }

            _text.Append(Field(fields[i] ?? string.Empty));
        }

        _text.Append("\r\n");
        return this;
    }

    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>UTF-8 with a byte order mark, which spreadsheets need to read accents right.</summary>
    public byte[] ToBytes() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(_text.ToString())];

    public override string ToString() => _text.ToString();
}
