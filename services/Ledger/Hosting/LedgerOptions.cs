using Microsoft.Extensions.Options;

namespace Exchange.Ledger.Hosting;

public enum LedgerStoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Configuration of the disclosure ledger, bound from a configuration section (e.g. <c>Ledger</c>).</summary>
public sealed record LedgerOptions
{
    public LedgerStoreKind Store { get; init; } = LedgerStoreKind.Sqlite;

    public string SqlitePath { get; init; } = ".exchange/ledger/ledger.db";

    public string? PostgresConnectionString { get; init; }

    /// <summary>How long an SQLite append waits for a write lock held by another process (e.g. a backup) before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Ed25519 signer key file; created (mode 0600) on first start when absent.</summary>
    public string SigningKeyPath { get; init; } = ".exchange/ledger/checkpoint-signing.key";

    /// <summary>The checkpoint origin line and key name, e.g. <c>exchange.local/ledger</c>.</summary>
    public string Origin { get; init; } = "exchange.local/ledger";

    /// <summary>Concurrent appends share one transaction and one flush. Off only for comparison benchmarks.</summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>Most entries in one group-commit transaction.</summary>
    public int MaxBatchSize { get; init; } = 2048;

    /// <summary>Most entries one append call may carry.</summary>
    public int MaxEntriesPerAppend { get; init; } = 1000;

    /// <summary>
    /// How often a new checkpoint is signed while the tree grows. It bounds how far a careful rewrite
    /// (bytes, hash and columns recomputed together) can hide: verify locates it to the entries after
    /// the last checkpoint that still matches.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Witnesses that cosign the ledger's checkpoints (C2SP tlog-witness), each kept up to date after the fact by
    /// <see cref="Witness.WitnessCosigner"/>: a witness that cannot be reached never holds up an append.
    /// </summary>
    public IReadOnlyList<LedgerWitnessOptions> Witnesses { get; init; } = [];

    /// <summary>How often the latest checkpoint is offered to each witness that has not cosigned it yet.</summary>
    public TimeSpan CosignInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        switch (Store)
        {
            case LedgerStoreKind.Sqlite when string.IsNullOrWhiteSpace(SqlitePath):
                errors.Add("Ledger:SqlitePath is required for the SQLite store.");
                break;
            case LedgerStoreKind.Postgres when string.IsNullOrWhiteSpace(PostgresConnectionString):
                errors.Add("Ledger:PostgresConnectionString is required for the PostgreSQL store.");
                break;
            case LedgerStoreKind.Sqlite or LedgerStoreKind.Postgres:
                break;
            default:
                errors.Add("Ledger:Store must be Sqlite or Postgres.");
                break;
        }

        if (SqliteBusyTimeout < TimeSpan.Zero || SqliteBusyTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("Ledger:SqliteBusyTimeout must be between 0 and 5 minutes.");
        }

        if (string.IsNullOrWhiteSpace(SigningKeyPath))
        {
            errors.Add("Ledger:SigningKeyPath is required.");
        }

        if (string.IsNullOrEmpty(Origin) || Origin.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            errors.Add("Ledger:Origin is required and may contain no spaces or '+'.");
        }

        if (MaxBatchSize is < 1 or > 100_000)
        {
            errors.Add("Ledger:MaxBatchSize must be between 1 and 100000.");
        }

        if (MaxEntriesPerAppend < 1 || MaxEntriesPerAppend > MaxBatchSize)
        {
            errors.Add("Ledger:MaxEntriesPerAppend must be between 1 and MaxBatchSize.");
        }

        if (CheckpointInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("Ledger:CheckpointInterval must be at least 100 ms.");
        }

        if (CosignInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("Ledger:CosignInterval must be at least 100 ms.");
        }

        for (var i = 0; i < Witnesses.Count; i++)
        {
            if (Witnesses[i].Address is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
            {
                errors.Add($"Ledger:Witnesses:{i}:Address must be an http(s) address.");
            }

            try
            {
                _ = Witness.WitnessKey.NameOf(Witnesses[i].VerifierKey);
            }
            catch (FormatException)
            {
                errors.Add($"Ledger:Witnesses:{i}:VerifierKey must be a witness verifier key (name+keyid+base64key).");
            }
        }

        return errors;
    }
}

/// <summary>A witness the ledger has its checkpoints cosigned by: where it listens and the key its cosignatures verify with.</summary>
public sealed record LedgerWitnessOptions
{
    public Uri? Address { get; init; }

    public string VerifierKey { get; init; } = string.Empty;
}

/// <summary>Runs <see cref="LedgerOptions.Validate"/> at start-up, so a bad configuration stops the host.</summary>
internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
