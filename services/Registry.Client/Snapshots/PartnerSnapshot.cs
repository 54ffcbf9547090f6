using System.Collections.Frozen;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;

namespace Exchange.Registry.Client.Snapshots;

/// <summary>A covenant one partner signed: with whom, from when, until when (null: until further notice).</summary>
public sealed record PartnerAgreement(string CovenantId, string Name, IReadOnlyList<string> PartyIds, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public bool IsValidAt(DateTimeOffset time) => ValidFrom <= time && (ValidTo is null || time < ValidTo);
}

/// <summary>The exchange's own domain service for one domain: where a registered partner without a node of its own is served.</summary>
public sealed record SharedNode
{
    public Domain Domain { get; init; }

    public Uri? Address { get; init; }
}

/// <summary>
/// A partner as the services that follow the registry need it, immutable: who it is, whether it is on the
/// exchange, which certificates are its own, and where its domain service runs.
/// </summary>
public sealed record RegisteredPartner(
    string Id,
    string Oin,
    string Name,
    Domain Domain,
    string Region,
    RegistrationState State,
    NodeHosting Hosting,
    Uri? Endpoint,
    string? ServerCertificateSha256,
    IReadOnlyList<string> ClientCertificateSha256,
    IReadOnlyList<string> ClientCertificatePems,
    IReadOnlyList<PartnerAgreement> Agreements,
    ContactPoint? CasesContact,
    ulong Revision)
{
    /// <summary>Only an approved partner is on the exchange: routed, admitted, decided about.</summary>
    public bool IsAdmitted => State == RegistrationState.Approved;

    /// <summary>
    /// Approved, or pending with a node of its own: before two administrators approve such a partner, the
    /// conformance kit calls its node as the partner, so the identity service gives it a token and the policy
    /// service decides for it. The gateway and the index still refuse it: nothing reaches it, and it reaches no one.
    /// </summary>
    public bool MayBeTested => IsAdmitted || (State == RegistrationState.Pending && Hosting == NodeHosting.Partner);

    /// <summary>Where its domain service runs: its own node, or the exchange's shared node of its domain (null: none).</summary>
    public Uri? NodeAddress(IEnumerable<SharedNode> sharedNodes) =>
        Hosting == NodeHosting.Partner ? Endpoint : sharedNodes.FirstOrDefault(n => n.Domain == Domain)?.Address;

    /// <summary>Revoked certificates are left out; expiry is for the TLS and token checks to judge at the time of use.</summary>
    public static RegisteredPartner From(Partner partner) =>
        new(
            partner.Id,
            partner.Oin,
            partner.Name,
            partner.Domain,
            partner.Region,
            partner.State,
            partner.Node?.Hosting ?? NodeHosting.Unspecified,
            partner.Node is { Hosting: NodeHosting.Partner, Endpoint.Length: > 0 } node ? new Uri(node.Endpoint) : null,
            partner.Node?.ServerCertificate?.Sha256Thumbprint is { Length: > 0 } server ? server : null,
            [.. partner.Certificates.Where(c => c.Usage == CertificateUsage.Client && c.RevokedAt is null).Select(c => c.Sha256Thumbprint)],
            [.. partner.Certificates.Where(c => c.Usage == CertificateUsage.Client && c.RevokedAt is null && c.Pem.Length > 0).Select(c => c.Pem)],
            [.. partner.Agreements.Select(a => new PartnerAgreement(
                a.CovenantId, a.Name, [.. a.PartyIds], a.ValidFrom?.ToDateTimeOffset() ?? DateTimeOffset.MinValue, a.ValidTo?.ToDateTimeOffset()))],
            partner.Contacts.FirstOrDefault(c => c.Role == ContactRole.Cases)?.Point?.Clone(),
            partner.Revision);
}

/// <summary>
/// The whole registry at one revision, immutable: a service swaps the snapshot it uses for the next one whole,
/// so that no call ever sees half of a change.
/// </summary>
public sealed class PartnerSnapshot
{
    private PartnerSnapshot(ulong revision, DateTimeOffset takenAt, FrozenDictionary<string, RegisteredPartner> partners)
    {
        Revision = revision;
        TakenAt = takenAt;
        Partners = partners;
    }

    public static PartnerSnapshot Empty { get; } = new(0, DateTimeOffset.MinValue, FrozenDictionary<string, RegisteredPartner>.Empty);

    /// <summary>The registry revision: every change makes a higher one.</summary>
    public ulong Revision { get; }

    public DateTimeOffset TakenAt { get; }

    /// <summary>Every partner in every state, by id.</summary>
    public FrozenDictionary<string, RegisteredPartner> Partners { get; }

    /// <summary>The partners on the exchange (approved).</summary>
    public IEnumerable<RegisteredPartner> Admitted => Partners.Values.Where(p => p.IsAdmitted);

    /// <summary>The partner if it is on the exchange, else null (unknown, pending, rejected, suspended or revoked).</summary>
    public RegisteredPartner? FindAdmitted(string id) => Partners.GetValueOrDefault(id) is { IsAdmitted: true } partner ? partner : null;

    /// <summary>
    /// The partners a service knows, in id order: those of its configuration the registry does not know (a harness
    /// without a registry), and for each partner the registry knows, what <paramref name="map"/> makes of it (null:
    /// the service does not know it).
    /// </summary>
    public IReadOnlyList<T> Overlay<T>(IEnumerable<T> configured, Func<T, string> id, Func<RegisteredPartner, T?> map)
        where T : class
    {
        var partners = configured.ToDictionary(id, StringComparer.Ordinal);
        foreach (var partner in Partners.Values)
        {
            if (map(partner) is { } known)
            {
                partners[partner.Id] = known;
            }
            else
            {
                partners.Remove(partner.Id);
            }
        }

        return [.. partners.Values.OrderBy(id, StringComparer.Ordinal)];
    }

    public static PartnerSnapshot From(RegistrySnapshot snapshot) => new(
        snapshot.Revision,
        snapshot.TakenAt?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow,
        snapshot.Partners.Select(RegisteredPartner.From).ToFrozenDictionary(p => p.Id, StringComparer.Ordinal));
}
