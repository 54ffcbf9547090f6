namespace Exchange.Ledger.Export;

/// <summary>
/// An export file that is not a well-formed <c>exchange-ledger-export/1</c> file: <see cref="Line"/> is the
/// 1-based line where the problem shows and <see cref="Problem"/> says what is wrong there. The message never
/// quotes the line's content (an entry line carries personal data).
/// </summary>
public sealed class LedgerExportException : FormatException
{
    public LedgerExportException()
    {
        Problem = string.Empty;
    }

    public LedgerExportException(string message)
        : base(message)
    {
        Problem = message;
    }

    public LedgerExportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    public LedgerExportException(long line, string problem)
        : base(FormattableString.Invariant($"line {line}: {problem}"))
    {
        Line = line;
        Problem = problem;
    }

    public long Line { get; }

    public string Problem { get; }
}
