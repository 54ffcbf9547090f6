using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Exchange.Topology;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.System.Tests.Onboarding;

/// <summary>
/// The exchange's internal RPCs (decisions, ledger appends, index facts, inbox deliveries, the registry's feed) as
/// someone on the network meets them when calling each service directly, past the gateway: without a token nothing
/// is served, a partner's own token opens none of them, and a node's token decides and logs only for the
/// organisations whose data it holds. The rule table is the contracts' <c>internal_callers</c>.
/// </summary>
public sealed class InternalCallsTests(InternalCallsTests.LaunchedExchange exchange) : IClassFixture<InternalCallsTests.LaunchedExchange>
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static TheoryData<string> InternalRpcs => [.. RpcPermissions.Rules.Where(r => r.Exposure == RpcExposure.Internal).Select(r => r.Path)];

    [Theory]
    [MemberData(nameof(InternalRpcs))]
    public async Task Every_internal_RPC_refuses_a_call_that_carries_no_token_at_every_process_that_serves_it(string path)
    {
        var rule = RpcPermissions.Rules.Single(r => r.Path == path);
        var servers = exchange.ServersOf(rule);
        Assert.NotEmpty(servers);
        foreach (var process in servers)
        {
            // Over TLS, with a certificate of the exchange CA (a partner's), but no token.
            var refusal = await exchange.CallAsync(rule, process.CallUrl, exchange.PartnerCertificate, token: null);
            Assert.True(
                refusal is { StatusCode: StatusCode.Unauthenticated } && RpcErrors.ReasonOf(refusal) == ReasonCodes.TokenMissing,
                $"{path} at {process.Name} ({process.CallUrl}) without a token: {Describe(refusal)}");

            // The loopback endpoint where the gateway forwards partners' calls: no certificate to bind a token to.
            if (process.InternalUrl is not null)
            {
                var plain = await exchange.CallAsync(rule, process.Url, certificate: null, token: null);
                Assert.True(
                    plain is { StatusCode: StatusCode.Unauthenticated } && RpcErrors.ReasonOf(plain) == ReasonCodes.CertificateRequired,
                    $"{path} at {process.Name} ({process.Url}) without TLS: {Describe(plain)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(InternalRpcs))]
    public async Task A_partners_own_bound_token_opens_no_internal_RPC(string path)
    {
        var rule = RpcPermissions.Rules.Single(r => r.Path == path);
        var token = await exchange.PartnerTokens.GetAccessTokenAsync(TestContext.Current.CancellationToken);
        foreach (var process in exchange.ServersOf(rule))
        {
            var refusal = await exchange.CallAsync(rule, process.CallUrl, exchange.PartnerCertificate, token);
            Assert.True(
                refusal is { StatusCode: StatusCode.PermissionDenied } && RpcErrors.ReasonOf(refusal) == ReasonCodes.RpcNotExposed,
                $"{path} at {process.Name} with police's own token: {Describe(refusal)}");
        }
    }

    [Fact]
    public async Task A_node_decides_and_logs_only_as_holder_for_the_organisations_whose_data_it_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        var policy = exchange.Topology.Require(ExchangePart.Policy);
        var police = exchange.Topology.NodeFor(Domain.Police);
        using var node = exchange.ServiceClient(police);
        using var channel = exchange.Channel(policy.CallUrl, node.Certificate);
        var headers = new Metadata { { ExchangeHeaders.ServiceAuthorization, "Bearer " + await node.Tokens.GetAccessTokenAsync(ct) } };

        var asVeiligThuis = await Assert.ThrowsAsync<RpcException>(() => new PolicyService.PolicyServiceClient(channel)
            .DecideAsync(new DecideRequest { HolderOrganisationId = DemoPartners.VeiligThuis }, headers, cancellationToken: ct).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.HolderNotCaller), (asVeiligThuis.StatusCode, RpcErrors.ReasonOf(asVeiligThuis)));

        var logForVeiligThuis = await Assert.ThrowsAsync<RpcException>(() => new LedgerService.LedgerServiceClient(channel)
            .AppendAsync(new AppendRequest { Entries = { new LedgerEntry { HolderOrganisationId = DemoPartners.VeiligThuis } } }, headers, cancellationToken: ct).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.HolderNotCaller), (logForVeiligThuis.StatusCode, RpcErrors.ReasonOf(logForVeiligThuis)));

        // For the police itself the same token passes the rule table; the (empty) request is then the policy's to judge.
        var asPolice = await Record.ExceptionAsync(() => new PolicyService.PolicyServiceClient(channel)
            .DecideAsync(new DecideRequest { HolderOrganisationId = DemoPartners.Police }, headers, cancellationToken: ct).ResponseAsync);
        Assert.False(
            asPolice is RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied },
            "the police node deciding for the police was refused: " + asPolice?.Message);
    }

    private static string Describe(RpcException? exception) =>
        exception is null ? "answered" : $"{exception.StatusCode} {RpcErrors.ReasonOf(exception)}: {exception.Status.Detail}";

    /// <summary>The exchange as the launcher runs it, and the credentials these tests call it with.</summary>
    public sealed class LaunchedExchange : IAsyncLifetime
    {
        private LocalLauncher? _launcher;

        public ExchangeTopology Topology { get; private set; } = null!;

        public X509Certificate2 PartnerCertificate { get; private set; } = null!;

        public PartnerTokenClient PartnerTokens { get; private set; } = null!;

        private X509Certificate2 Ca => Topology.Pki.LoadCaCertificate();

        public async ValueTask InitializeAsync()
        {
            _launcher = await LocalLauncher.StartAsync();
            Topology = _launcher.Topology;
            PartnerCertificate = Topology.Pki.LoadClient(DemoPartners.Police);
            PartnerTokens = new PartnerTokenClient(Topology.Issuer, Ca, PartnerCertificate, DemoPartners.Police);
        }

        /// <summary>The processes that serve <paramref name="rule"/>'s service: a contract's package names its owner.</summary>
        public IReadOnlyList<ExchangeProcess> ServersOf(RpcRule rule)
        {
            ExchangePart part = rule.Service.Split('.')[0] switch
            {
                "policy" or "ledger" => ExchangePart.Policy,
                "index" => ExchangePart.Index,
                "node" => ExchangePart.Node,
                "registry" => ExchangePart.Registry,
                var other => throw new InvalidOperationException($"No process is known to serve the internal service {rule.Service} ({other}): name it here."),
            };
            return [.. Topology.Processes.Where(p => p.Part == part)];
        }

        /// <summary>A service's own client: its certificate and a token client bound to it.</summary>
        public ServiceIdentity ServiceClient(ExchangeProcess process)
        {
            var name = ExchangeTopology.ServiceClient(process);
            var certificate = Topology.Pki.LoadClient(name);
            return new ServiceIdentity(certificate, new PartnerTokenClient(Topology.Issuer, Ca, certificate, name));
        }

        public GrpcChannel Channel(Uri address, X509Certificate2? certificate)
        {
            var ca = Ca;
            var handler = new SocketsHttpHandler
            {
                SslOptions =
                {
                    ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                    RemoteCertificateValidationCallback = (_, server, _, errors) => PrivateCa.Validates(server, ca, errors),
                },
            };
            return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        }

        /// <summary>Calls <paramref name="rule"/> with an empty request; the refusal, or null when it was served.</summary>
        public async Task<RpcException?> CallAsync(RpcRule rule, Uri address, X509Certificate2? certificate, string? token)
        {
            using var channel = Channel(address, certificate);
            var headers = new Metadata();
            if (token is not null)
            {
                headers.Add(ExchangeHeaders.ServiceAuthorization, "Bearer " + token);
            }

            var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
            try
            {
                if (rule.Streaming)
                {
                    var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, rule.Service, rule.Method, Bytes, Bytes);
                    using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, options, []);
                    await call.ResponseStream.MoveNext(options.CancellationToken);
                }
                else
                {
                    var method = new Method<byte[], byte[]>(MethodType.Unary, rule.Service, rule.Method, Bytes, Bytes);
                    await channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, []);
                }

                return null;
            }
            catch (RpcException exception)
            {
                return exception;
            }
        }

        public async ValueTask DisposeAsync()
        {
            PartnerTokens?.Dispose();
            if (_launcher is not null)
            {
                await _launcher.DisposeAsync();
            }
        }
    }

    public sealed class ServiceIdentity(X509Certificate2 certificate, PartnerTokenClient tokens) : IDisposable
    {
        public X509Certificate2 Certificate { get; } = certificate;

        public PartnerTokenClient Tokens { get; } = tokens;

        public void Dispose() => Tokens.Dispose();
    }
}
