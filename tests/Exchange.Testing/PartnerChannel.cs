using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Testing;

/// <summary>A partner organisation's gRPC channel to the gateway: real TLS, its own client certificate.</summary>
public static class PartnerChannel
{
    public static GrpcChannel Create(Uri gateway, X509Certificate2 ca, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions =
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Exchange.Pki.PrivateCa.Validates(certificate, ca),
            },
        };
        return GrpcChannel.ForAddress(gateway, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>Call metadata naming the holder organisation whose data is asked for.</summary>
    public static Metadata Holder(string organisationId) => new() { { "exchange-holder", organisationId } };
}
