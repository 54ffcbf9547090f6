using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;

namespace Exchange.Ledger.Query;

/// <summary>
/// A review query. Every filter is optional and they combine with AND. <see cref="RecipientOrganisationId"/>
/// is the requester's organisation; <see cref="InvolvingOrganisationId"/> matches holder or recipient
/// (a privacy officer sees only entries their organisation is party to). <see cref="ReviewState"/>
/// is the effective state: that of the latest REVIEW entry concerning an entry, else its own.
/// </summary>
public sealed record LedgerQuery
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    public string? HolderOrganisationId { get; init; }

    public string? RecipientOrganisationId { get; init; }

    public string? InvolvingOrganisationId { get; init; }

    public string? SubjectPseudonym { get; init; }

    /// <summary>Any of these subjects (a family); combines with <see cref="SubjectPseudonym"/> by AND.</summary>
    public IReadOnlyList<string>? SubjectPseudonyms { get; init; }

    public Purpose? Purpose { get; init; }

    public string? LegalBasisId { get; init; }

    /// <summary>Any of these legal bases.</summary>
    public IReadOnlyList<string>? LegalBasisIds { get; init; }

    public Decision? Decision { get; init; }

    public bool? BreakGlass { get; init; }

    public ReviewState? ReviewState { get; init; }

    public EntryKind? Kind { get; init; }

    /// <summary>Any of these kinds.</summary>
    public IReadOnlyList<EntryKind>? Kinds { get; init; }

    /// <summary>Entries concerning this one (its release, reviews, withholdings).</summary>
    public ulong? ConcernsSequence { get; init; }

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Keyset: only entries with a sequence above this one.</summary>
    public ulong? AfterSequence { get; init; }
}

/// <summary>One page of a query; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Entries, string? NextPageToken);
