using System.Globalization;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Verification;

namespace Exchange.Scenario.Story;

/// <summary>
/// The ledger as an operator of the exchange reads it: from the store, as `exchange ledger export` does. (A privacy
/// officer reads through the console only what their organisation is party to, and every read is recorded.)
/// </summary>
public static class StoryLedger
{
    /// <summary>Every entry of the SQLite ledger at <paramref name="path"/>, read without the writer's lock.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var store = DisclosureLedger.CreateStore(new LedgerOptions { SqlitePath = path });
        await store.InitializeAsync(cancellationToken);
        var entries = new List<LedgerEntry>();
        await foreach (var row in LedgerVerifier.ReadStore(store, cancellationToken))
        {
            entries.Add(LedgerEntry.Parser.ParseFrom(row.Entry));
        }

        return entries;
    }

    /// <summary>
    /// The entries as a table a person reads: what kind, who asked whom, for which purpose, what was decided on which
    /// basis and why. Subjects are left out: even pseudonyms do not belong on a screen shown around. Consecutive entries
    /// that differ only in their subject (a push about five family members) share one row with their range of numbers.
    /// </summary>
    public static void WriteTable(IEnumerable<LedgerEntry> entries, TextWriter output)
    {
        string[] header = ["#", "soort / kind", "vrager / requester", "houder / holder", "doel / purpose", "besluit / decision", "grondslag / basis", "reden / reason"];
        var rows = new List<string[]>();
        ulong first = 0, last = 0;
        foreach (var cells in entries.Select(e => (e.Sequence, Cells: Cells(e))))
        {
            if (rows.Count > 0 && cells.Sequence == last + 1 && rows[^1].Skip(1).SequenceEqual(cells.Cells))
            {
                last = cells.Sequence;
                rows[^1][0] = string.Create(CultureInfo.InvariantCulture, $"{first}-{last}");
                continue;
            }

            first = last = cells.Sequence;
            rows.Add([cells.Sequence.ToString(CultureInfo.InvariantCulture), .. cells.Cells]);
        }

        var widths = header.Select((h, i) => Math.Min(36, rows.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();
        void Row(string[] cells) => output.WriteLine(string.Join(" | ", cells.Select((c, i) => Fit(c, widths[i]))).TrimEnd());
        Row(header);
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            Row(row);
        }
    }

    private static string[] Cells(LedgerEntry e) =>
        [
            Kind(e),
            e.Requester?.OrganisationId ?? string.Empty,
            e.HolderOrganisationId,
            e.Purpose == Purpose.Unspecified ? string.Empty : Words(e.Purpose.ToString()),
            Outcome(e),
            e.LegalBasisId,
            e.ReasonCode,
        ];

    private static string Kind(LedgerEntry e) => e.Kind switch
    {
        EntryKind.Decision when e.BreakGlassJustification.Length > 0 => "decision (break-glass)",
        EntryKind.Decision => e.DisclosureKind == DisclosureKind.Push ? "decision (push)" : "decision (request)",
        _ => Words(e.Kind.ToString()),
    };

    private static string Outcome(LedgerEntry e) => e.Kind switch
    {
        EntryKind.Decision or EntryKind.Release => Words(e.Decision.ToString()),
        EntryKind.Review => Words(e.Review.Verdict.ToString()),
        EntryKind.AccessReportWithholding => "withheld " + string.Join(",", e.Withholding.RecipientOrganisationIds),
        _ => string.Empty,
    };

    private static string Words(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Fit(string text, int width) => text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "…";
}
