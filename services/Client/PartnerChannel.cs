using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Client;

/// <summary>A partner organisation's gRPC channel to the gateway: real TLS, its own client certificate, and its access token.</summary>
public static class PartnerChannel
{
    /// <summary>A channel whose every call carries a token bound to <paramref name="clientCertificate"/>.</summary>
    public static GrpcChannel Create(Uri gateway, X509Certificate2 ca, X509Certificate2 clientCertificate, PartnerTokenClient tokens) =>
        Create(gateway, ca, clientCertificate, tokens.CallCredentials);

    /// <summary>A channel without tokens (or with other credentials), to show what the gateway does to such calls.</summary>
    public static GrpcChannel Create(Uri gateway, X509Certificate2 ca, X509Certificate2? clientCertificate, CallCredentials? credentials = null)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions =
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => PrivateCa.Validates(certificate, ca, errors),
            },
        };
        return GrpcChannel.ForAddress(gateway, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            Credentials = credentials is null ? null : ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials),
            MaxSendMessageSize = null,
            // After a gateway restart, connect again within a second or so rather than after gRPC's growing backoff
            // (up to two minutes): a partner's inbox stream resumes and its calls are served as soon as the gateway is back.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(250),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>Call metadata naming the holder organisation whose data is asked for.</summary>
    public static Metadata Holder(string organisationId) => new() { { "exchange-holder", organisationId } };
}
