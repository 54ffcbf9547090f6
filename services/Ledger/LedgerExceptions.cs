namespace Exchange.Ledger;

/// <summary>
/// The ledger could not make an append durable (store unreachable, disk full, commit failed). The
/// caller must fail closed: nothing may be released for a decision that is not in the ledger.
/// </summary>
public sealed class LedgerUnavailableException : Exception
{
    public LedgerUnavailableException()
    {
    }

    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    public LedgerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The stored ledger contradicts its own signed checkpoints; the ledger refuses to start.</summary>
public sealed class LedgerIntegrityException : Exception
{
    public LedgerIntegrityException()
    {
    }

    public LedgerIntegrityException(string message)
        : base(message)
    {
    }

    public LedgerIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An entry handed to the ledger is incomplete. <see cref="Field"/> names the field, e.g. <c>entries[2].kind</c>.</summary>
public sealed class LedgerEntryException : ArgumentException
{
    public LedgerEntryException()
    {
        Field = string.Empty;
    }

    public LedgerEntryException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    public LedgerEntryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    public LedgerEntryException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public string Field { get; }
}
