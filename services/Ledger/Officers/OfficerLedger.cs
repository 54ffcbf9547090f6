using System.Runtime.CompilerServices;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Query;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Ledger.Officers;

/// <summary>One page of an officer's search: the entries, and where the next page starts (null: the last).</summary>
public sealed record OfficerPage(IReadOnlyList<LedgerEntry> Entries, string? NextPageToken);

/// <summary>
/// The ledger as a privacy officer reads it. Every query is narrowed to the officer's own organisation
/// (holder or recipient) here, whatever the caller asked, and every read is appended as an
/// OFFICER_READ entry before anything is returned: a read that cannot be recorded is not answered.
/// </summary>
public sealed class OfficerLedger(IDisclosureLedger ledger, OfficerPseudonyms pseudonyms, TimeProvider time)
{
    /// <summary>How many store pages one search may scan for a category filter before it returns what it has.</summary>
    private const int MaxScannedPages = 20;

    public IDisclosureLedger Ledger => ledger;

    public OfficerPseudonyms Pseudonyms => pseudonyms;

    public TimeProvider Time => time;

    /// <summary>Appends the record of a read (or of a refused one) and returns its sequence.</summary>
    public async Task<ulong> RecordReadAsync(Officer officer, OfficerRead read, CancellationToken cancellationToken, string reasonCode = "")
    {
        var entry = new LedgerEntry
        {
            Kind = EntryKind.OfficerRead,
            TraceId = ServiceDefaults.Telemetry.ExchangeTelemetry.CurrentTraceId,
            Requester = officer.ToActor(),
            HolderOrganisationId = officer.OrganisationId,
            Decision = reasonCode.Length == 0 ? Decision.Permit : Decision.Deny,
            ReasonCode = reasonCode,
            OfficerRead = read,
        };
        return (await ledger.AppendAsync([entry], cancellationToken))[0];
    }

    /// <summary>Records a refused read of another organisation's entries, then refuses it.</summary>
    public async Task<global::Grpc.Core.RpcException> RefuseAsync(
        Officer officer, OfficerReadPurpose purpose, ReadView view, IEnumerable<ulong> asked, CancellationToken cancellationToken)
    {
        var read = new OfficerRead { Purpose = purpose == OfficerReadPurpose.Unspecified ? OfficerReadPurpose.RegularReview : purpose, View = view };
        read.Sequences.AddRange(asked.Take(1000));
        var recorded = await RecordReadAsync(officer, read, cancellationToken, PartyRule.NotParty);
        return ServiceDefaults.Errors.RpcErrors.Create(global::Grpc.Core.StatusCode.PermissionDenied, PartyRule.NotParty,
            "Your organisation is neither holder nor recipient of that entry; this attempt is recorded in the ledger.",
            new Dictionary<string, string> { ["read_sequence"] = recorded.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>One durable entry, or null when the ledger is not that large.</summary>
    public async Task<EncodedEntry?> ReadOneAsync(ulong sequence, CancellationToken cancellationToken) =>
        sequence < ledger.Size && await ledger.ReadEntriesAsync(sequence, 1, cancellationToken) is [var entry, ..] ? entry : null;

    /// <summary>
    /// A page of the officer's entries matching <paramref name="query"/>; <paramref name="releasedAny"/> is
    /// applied to what the store returns, so a page may take several store pages (bounded) to fill.
    /// </summary>
    public async Task<OfficerPage> SearchAsync(
        Officer officer, LedgerQuery query, IReadOnlyCollection<DataCategory> releasedAny, CancellationToken cancellationToken)
    {
        var scoped = query with { InvolvingOrganisationId = officer.OrganisationId };
        var pageSize = scoped.PageSize;
        if (releasedAny.Count == 0)
        {
            var page = await ledger.QueryAsync(scoped, cancellationToken);
            return new OfficerPage(page.Entries, page.NextPageToken);
        }

        var found = new List<LedgerEntry>(pageSize);
        var after = scoped.AfterSequence;
        for (var scanned = 0; scanned < MaxScannedPages; scanned++)
        {
            var page = await ledger.QueryAsync(scoped with { AfterSequence = after, PageSize = LedgerQuery.MaxPageSize }, cancellationToken);
            for (var i = 0; i < page.Entries.Count; i++)
            {
                var entry = page.Entries[i];
                if (entry.Released.Any(releasedAny.Contains))
                {
                    found.Add(entry);
                    if (found.Count == pageSize)
                    {
                        var more = i < page.Entries.Count - 1 || page.NextPageToken is not null;
                        return new OfficerPage(found, more ? PageToken.Encode(entry.Sequence) : null);
                    }
                }
            }

            if (page.NextPageToken is null || page.Entries.Count == 0)
            {
                return new OfficerPage(found, null);
            }

            after = page.Entries[^1].Sequence;
        }

        return new OfficerPage(found, PageToken.Encode(after!.Value));
    }

    /// <summary>Every entry of the officer's organisation matching <paramref name="query"/>, oldest first, at most <paramref name="max"/>.</summary>
    public async IAsyncEnumerable<LedgerEntry> ScanAsync(
        Officer officer, LedgerQuery query, int max, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scoped = query with { InvolvingOrganisationId = officer.OrganisationId, PageSize = LedgerQuery.MaxPageSize };
        var count = 0;
        while (true)
        {
            var page = await ledger.QueryAsync(scoped, cancellationToken);
            foreach (var entry in page.Entries)
            {
                if (count++ == max)
                {
                    yield break;
                }

                yield return entry;
            }

            if (page.NextPageToken is null || page.Entries.Count == 0)
            {
                yield break;
            }

            scoped = scoped with { AfterSequence = page.Entries[^1].Sequence };
        }
    }

    /// <summary>The review state the latest REVIEW entry gives an entry, else its own.</summary>
    public async Task<ReviewState> EffectiveReviewStateAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        if (entry.ReviewState is not (ReviewState.Pending or ReviewState.Approved or ReviewState.Rejected))
        {
            return entry.ReviewState;
        }

        var reviews = await ledger.QueryAsync(
            new LedgerQuery { Kind = EntryKind.Review, ConcernsSequence = entry.Sequence, PageSize = LedgerQuery.MaxPageSize }, cancellationToken);
        return reviews.Entries.Count == 0 ? entry.ReviewState : reviews.Entries[^1].Review.Verdict;
    }

    /// <summary>
    /// The entry as the officer may see it: a copy whose exchange pseudonym is replaced by the officer
    /// organisation's own (in <see cref="OfficerEntry.SubjectPseudonym"/>).
    /// </summary>
    public async Task<OfficerEntry> ViewAsync(Officer officer, LedgerEntry entry, CancellationToken cancellationToken)
    {
        var copy = entry.Clone();
        copy.SubjectPseudonym = string.Empty;
        return new OfficerEntry
        {
            Entry = copy,
            SubjectPseudonym = pseudonyms.ToOrganisation(entry.SubjectPseudonym, officer.OrganisationId),
            EffectiveReviewState = await EffectiveReviewStateAsync(entry, cancellationToken),
        };
    }

    public static Timestamp Stamp(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);
}
