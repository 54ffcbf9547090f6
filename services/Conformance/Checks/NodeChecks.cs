using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Conformance.Running;
using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.SocialTeam.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Pki;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace Exchange.Conformance.Checks;

/// <summary>The node answers the standard gRPC health check with SERVING.</summary>
public sealed class NodeHealthCheck : IConformanceCheck
{
    public string Id => "node.health";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "grpc.health.v1.Health/Check; docs/onboarding.md#what-the-conformance-kit-checks";

    public string Title => "The node answers its health check with SERVING";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        var reply = await new Health.HealthClient(run.Connection.Node).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + run.Target.CallTimeout, cancellationToken: cancellationToken);
        return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
            ? CheckVerdict.Pass("SERVING")
            : CheckVerdict.Fail($"the node reports {reply.Status}");
    }
}

/// <summary>The node lists (by gRPC reflection) the services a node of its domain must offer.</summary>
public sealed class ServiceListCheck : IConformanceCheck
{
    private static readonly Dictionary<Domain, string> TypedServices = new()
    {
        [Domain.Police] = PoliceSignals.Descriptor.FullName,
        [Domain.VeiligThuis] = VeiligThuisSignals.Descriptor.FullName,
        [Domain.ChildProtection] = ChildProtectionSignals.Descriptor.FullName,
        // A certified youth-protection body (GI) publishes through the child-protection contract, like the Raad.
        [Domain.YouthProtection] = ChildProtectionSignals.Descriptor.FullName,
        [Domain.SocialTeam] = SocialTeamSignals.Descriptor.FullName,
    };

    public string Id => "node.services";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "protos/exchange/v1/disclosures.proto, signals.proto, protos/node/v1/node.proto and the domain's contract";

    public string Title => "The node offers Disclosures, Signals, the inbox delivery service and its domain's typed publishing";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        string[] required = [Disclosures.Descriptor.FullName, Signals.Descriptor.FullName, InboxService.Descriptor.FullName, TypedServices[run.Target.Domain]];
        // A node answers reflection, like every partner RPC, only for a caller with a bound token (contracts' access rules).
        if ((run.Target.Requester ?? run.Target.Holder) is not { } caller)
        {
            return CheckVerdict.Skip("a node lists its services to an authenticated caller only, and no credentials were given");
        }

        using var call = new ServerReflection.ServerReflectionClient(run.Connection.Node)
            .ServerReflectionInfo(await run.Connection.AsAsync(caller, caller.OrganisationId, cancellationToken));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        var offered = new HashSet<string>(StringComparer.Ordinal);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            offered.UnionWith(call.ResponseStream.Current.ListServicesResponse?.Service.Select(s => s.Name) ?? []);
        }

        var missing = required.Where(s => !offered.Contains(s)).ToList();
        return missing.Count == 0
            ? CheckVerdict.Pass($"offers {string.Join(", ", required)}")
            : CheckVerdict.Fail($"does not offer {string.Join(", ", missing)}");
    }
}

/// <summary>
/// A partner-hosted node presents over TLS exactly the server certificate the registry holds for it, issued by the
/// exchange CA for the endpoint's host and current; the gateway pins it.
/// </summary>
public sealed class RegisteredCertificateCheck : IConformanceCheck
{
    public string Id => "tls.registered-certificate";

    public CheckSeverity Severity => CheckSeverity.Failure;

    public string Reference => "registry.v1 NodeLocation.server_certificate; docs/identity.md#development-ca";

    public string Title => "The node presents the registered server certificate, chaining to the exchange CA";

    public async Task<CheckVerdict> RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        var endpoint = run.Target.Endpoint;
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            return CheckVerdict.Skip("the endpoint is plaintext (an exchange node on loopback); a partner-hosted node must be reached over https");
        }

        X509Certificate2? presented = null;
        var errors = SslPolicyErrors.None;
        using var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(run.Target.CallTimeout);
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, policyErrors) =>
        {
            presented = certificate is null ? null : new X509Certificate2(certificate);
            errors = policyErrors;
            return PrivateCa.Validates(certificate, run.Target.Ca, policyErrors);
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.IdnHost,
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificates = run.Target.ClientCertificate is null ? null : new X509CertificateCollection { run.Target.ClientCertificate },
            }, timeout.Token);
        }
        catch (AuthenticationException)
        {
            using (presented)
            {
                return CheckVerdict.Fail(presented is null
                    ? "the TLS handshake failed before the node presented a certificate"
                    : $"the certificate (sha256 {Convert.ToHexStringLower(presented.GetCertHash(HashAlgorithmName.SHA256))}) is not a current server certificate of the exchange CA for {endpoint.Host} ({errors})");
            }
        }

        using (presented)
        {
            if (presented is null)
            {
                return CheckVerdict.Fail("the node presented no certificate");
            }

            var thumbprint = Convert.ToHexStringLower(presented.GetCertHash(HashAlgorithmName.SHA256));

            if (run.Target.RegisteredServerCertificateSha256 is not { Length: > 0 } registered)
            {
                return CheckVerdict.Fail($"the registry holds no server certificate for the node; it presents sha256 {thumbprint}");
            }

            return string.Equals(thumbprint, registered, StringComparison.OrdinalIgnoreCase)
                ? CheckVerdict.Pass($"presents the registered certificate (sha256 {thumbprint}), valid until {presented.NotAfter.ToUniversalTime():yyyy-MM-dd}")
                : CheckVerdict.Fail($"presents sha256 {thumbprint}, but the registered server certificate is sha256 {registered}");
        }
    }
}
