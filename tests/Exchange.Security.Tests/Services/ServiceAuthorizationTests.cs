using System.Security.Cryptography;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Exchange.Security.Tests.Services;

/// <summary>
/// Defence in depth: the services behind the gateway check every partner call again, so a caller that
/// reaches one directly (a foothold on the internal network, a misrouted gateway) gets nothing by
/// inventing the headers the gateway would have set.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class ServiceAuthorizationTests(SecuredExchange exchange)
{
    private const string PublishIncident = "/police.v1.PoliceSignals/PublishIncident";
    private const string Disclose = "/exchange.v1.Disclosures/Request";

    [Fact]
    public async Task A_direct_call_with_invented_identity_headers_and_no_certificate_proof_is_unauthenticated()
    {
        using var police = Direct("politie-zwb");

        var outcome = await RawCalls.CallAsync(police, PublishIncident, false, new Metadata { { ExchangeHeaders.Organisation, "politie-zwb" } });

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.CertificateRequired), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_direct_call_without_a_token_is_unauthenticated()
    {
        var outcome = await ToPoliceAsync(PublishIncident, tokenOf: null, certificateOf: "politie-zwb", organisation: "politie-zwb");

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.TokenMissing), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_valid_token_forwarded_with_another_organisation_is_unauthenticated()
    {
        var outcome = await ToPoliceAsync(Disclose, tokenOf: "vt-mwb", certificateOf: "vt-mwb", organisation: "politie-zwb");

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.IdentityMismatch), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_valid_token_forwarded_with_another_certificate_is_unauthenticated()
    {
        var outcome = await ToPoliceAsync(Disclose, tokenOf: "vt-mwb", certificateOf: "politie-zwb", organisation: "vt-mwb");

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.TokenNotBound), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_domain_service_refuses_typed_publishing_by_another_domain_even_with_consistent_headers()
    {
        var outcome = await ToPoliceAsync(PublishIncident, tokenOf: "vt-mwb", certificateOf: "vt-mwb", organisation: "vt-mwb", holder: "vt-mwb");

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.DomainNotAllowed), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_domain_service_refuses_a_token_without_the_scope_of_the_call()
    {
        var officers = SecuredExchange.PrivacyOfficerClient;

        var outcome = await ToPoliceAsync(Disclose, tokenOf: officers, certificateOf: officers, organisation: "vt-mwb");

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.ScopeMissing), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_domain_service_accepts_the_call_the_gateway_would_forward()
    {
        var outcome = await ToPoliceAsync(Disclose, tokenOf: "vt-mwb", certificateOf: "vt-mwb", organisation: "vt-mwb");

        // Past authorization, the request itself is checked: it is empty.
        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
    }

    [Fact]
    public async Task Health_checks_need_no_token_and_carry_no_data()
    {
        using var police = Direct("politie-zwb");

        var reply = await new Health.HealthClient(police).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    private GrpcChannel Direct(string organisation) => GrpcChannel.ForAddress(exchange.Nodes[organisation].Address);

    /// <summary>
    /// A call straight to the police service with the headers the gateway would set: the organisation, the
    /// thumbprint of a client certificate, the holder (the police, unless named), and a client's token.
    /// </summary>
    private async Task<CallOutcome> ToPoliceAsync(string rpc, string? tokenOf, string certificateOf, string organisation, string holder = "politie-zwb")
    {
        var headers = new Metadata
        {
            { ExchangeHeaders.Organisation, organisation },
            { ExchangeHeaders.CertificateThumbprint, Convert.ToHexStringLower(exchange.Certificate(certificateOf).GetCertHash(HashAlgorithmName.SHA256)) },
            { ExchangeHeaders.Holder, holder },
        };
        if (tokenOf is not null)
        {
            headers.Add("authorization", "Bearer " + await exchange.Tokens(tokenOf).GetAccessTokenAsync(TestContext.Current.CancellationToken));
        }

        using var police = Direct("politie-zwb");
        return await RawCalls.CallAsync(police, rpc, false, headers);
    }
}
