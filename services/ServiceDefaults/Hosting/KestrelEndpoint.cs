using Microsoft.AspNetCore.Hosting;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>Applies <see cref="EndpointOptions"/> to Kestrel.</summary>
public static class KestrelEndpoint
{
    public static void Listen(KestrelServerOptions kestrel, EndpointOptions options, Action<HttpsConnectionAdapterOptions>? configureHttps = null)
    {
        kestrel.AddServerHeader = false;
        Listen(kestrel, options, options.ParsedUrl, configureHttps);
        if (options.InternalUrl is not null)
        {
            Listen(kestrel, options with { RequireClientCertificate = true }, new Uri(options.InternalUrl), configureHttps);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, EndpointOptions options, Uri url, Action<HttpsConnectionAdapterOptions>? configureHttps)
    {
        var address = url.Host is "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(url.Host.Trim('[', ']'));
        kestrel.Listen(address, url.Port, listen =>
        {
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                // Without TLS there is no ALPN: the endpoint must speak HTTP/2 only, or gRPC clients fail.
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = X509CertificateLoader.LoadPkcs12(
                    X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath).Export(X509ContentType.Pkcs12), null);
                if (options.ClientCaPath is not null)
                {
                    var trust = TrustStore.Load(options.ClientCaPath, options.ClientRevocationListPath);
                    // HTTP/2 cannot renegotiate: the certificate must be asked for in the handshake.
                    https.ClientCertificateMode = options.RequireClientCertificate
                        ? ClientCertificateMode.RequireCertificate
                        : ClientCertificateMode.AllowCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => trust.Validates(certificate);
                }

                configureHttps?.Invoke(https);
            });
        });
    }
}
