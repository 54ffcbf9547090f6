using Exchange.Contracts.Registry.V1;

namespace Exchange.Registry.Client.Expiry;

public enum ExpiringKind
{
    ClientCertificate,
    ServerCertificate,
    Agreement,
}

/// <summary>Something of a partner that ends soon (or has ended): a certificate or a covenant.</summary>
public sealed record ExpiringItem(string PartnerId, string PartnerName, ExpiringKind Kind, string What, DateTimeOffset EndsAt)
{
    public bool HasEnded(DateTimeOffset now) => EndsAt <= now;
}

/// <summary>
/// What <c>exchange partner expiring --days N</c> lists: certificates and agreements of partners on the exchange
/// (approved or suspended) that end within N days, or already ended, soonest first. Revoked certificates and
/// partners that are off the exchange for good are left out: nothing needs renewing there.
/// </summary>
public static class Expiring
{
    public const int MaxDays = 3650;

    public static IReadOnlyList<ExpiringItem> Within(IEnumerable<Partner> partners, DateTimeOffset now, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var horizon = now.AddDays(days);
        var items = new List<ExpiringItem>();
        foreach (var partner in partners.Where(p => p.State is RegistrationState.Approved or RegistrationState.Suspended))
        {
            foreach (var certificate in partner.Certificates.Where(c => c.RevokedAt is null && c.NotAfter is not null))
            {
                items.Add(new ExpiringItem(partner.Id, partner.Name, ExpiringKind.ClientCertificate,
                    $"{certificate.Subject} ({certificate.Sha256Thumbprint[..Math.Min(16, certificate.Sha256Thumbprint.Length)]}…)", certificate.NotAfter.ToDateTimeOffset()));
            }

            if (partner.Node?.ServerCertificate is { NotAfter: not null } server)
            {
                items.Add(new ExpiringItem(partner.Id, partner.Name, ExpiringKind.ServerCertificate, partner.Node.Endpoint, server.NotAfter.ToDateTimeOffset()));
            }

            foreach (var agreement in partner.Agreements.Where(a => a.ValidTo is not null))
            {
                items.Add(new ExpiringItem(partner.Id, partner.Name, ExpiringKind.Agreement, $"{agreement.CovenantId}: {agreement.Name}", agreement.ValidTo.ToDateTimeOffset()));
            }
        }

        return [.. items.Where(i => i.EndsAt <= horizon).OrderBy(i => i.EndsAt).ThenBy(i => i.PartnerId, StringComparer.Ordinal)];
    }
}
