using Grpc.Core;

namespace Exchange.ServiceDefaults.Identity;

/// <summary>
/// Metadata for a call a service makes for its caller (e.g. the index asking each holder for the
/// caller's view): the caller's verified identity and credentials travel with it, so the downstream
/// service decides about the real requester, never about the intermediary.
/// </summary>
public static class OnBehalfOf
{
    private static readonly string[] Forwarded = ["authorization", ExchangeHeaders.Organisation, ExchangeHeaders.CertificateThumbprint];

    public static Metadata Caller(ServerCallContext context, string holder)
    {
        var metadata = new Metadata { { ExchangeHeaders.Holder, holder } };
        foreach (var entry in context.RequestHeaders)
        {
            if (Forwarded.Contains(entry.Key, StringComparer.OrdinalIgnoreCase))
            {
                metadata.Add(entry.Key, entry.Value);
            }
        }

        return metadata;
    }
}
