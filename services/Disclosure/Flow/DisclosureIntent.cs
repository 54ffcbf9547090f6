using Exchange.Contracts.V1;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// One disclosure to be decided: the question "may holder H disclose categories C about subjects S
/// to recipient R for purpose P under basis B?". Subjects are exchange pseudonyms.
/// </summary>
public sealed record DisclosureIntent(
    string HolderOrganisationId,
    Actor Recipient,
    IReadOnlyList<string> Subjects,
    Purpose Purpose,
    string LegalBasisId,
    IReadOnlyCollection<DataCategory> Categories,
    DisclosureKind Kind)
{
    public string? BreakGlassJustification { get; init; }

    public string? ActingFor { get; init; }

    public bool JointSession { get; init; }

    public string? SignalId { get; init; }

    public string? PayloadType { get; init; }

    /// <summary>Subjects the recipient may see named in a released record even when no released field names them (it asked about them).</summary>
    public IReadOnlyCollection<string> KnownSubjects { get; init; } = [];
}
