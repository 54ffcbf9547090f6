using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Exchange.Local.Launcher;

/// <summary>Waits until a service answers the standard gRPC health check with SERVING.</summary>
public static class HealthProbe
{
    public static async Task WaitAsync(ChildProcess process, Uri address, HttpMessageHandler? handler, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler ?? new SocketsHttpHandler(), DisposeHttpClient = true });
        var client = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow + timeout;
        RpcException? last = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited with code {process.ExitCode} while starting; see its log.");
            }

            try
            {
                var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Not listening yet; after the deadline this is why it did not start, not a crash of the launcher.
                last = exception;
            }

            if (DateTime.UtcNow >= deadline)
            {
                var why = last is null ? "it did not report SERVING" : $"the last health check got {last.StatusCode}";
                throw new TimeoutException($"{process.Name} did not become healthy at {address} within {timeout.TotalSeconds:0} s ({why}); see its log.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>A TLS handler that presents a partner certificate and trusts only the exchange CA.</summary>
    public static SocketsHttpHandler MutualTls(X509Certificate2 ca, X509Certificate2 client) => new()
    {
        SslOptions =
        {
            ClientCertificates = [client],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Exchange.Pki.PrivateCa.Validates(certificate, ca),
        },
    };
}
