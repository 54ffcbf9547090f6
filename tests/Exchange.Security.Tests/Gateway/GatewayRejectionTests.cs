using Exchange.Client;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Pki;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Security.Tests.Gateway;

/// <summary>
/// Each way in that must stay shut, tried against the real gateway over TLS: the caller gets the status
/// it can program against, and nothing reaches a service or comes back with data.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class GatewayRejectionTests(SecuredExchange exchange)
{
    // A refused call is counted on the path it would have reached: the services behind the gateway also call each
    // other in the background (what earlier tests published still fanning out), so their total moves on its own.
    private const string Resolve = "/exchange.v1.Pseudonyms/Resolve";
    private const string Bsn = "123456782";

    [Fact]
    public async Task A_connection_without_a_client_certificate_is_refused_in_the_TLS_handshake()
    {
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, clientCertificate: null);

        await AssertRefusedInHandshakeAsync(channel);
    }

    [Fact]
    public async Task A_certificate_from_another_CA_is_refused_in_the_TLS_handshake()
    {
        using var stranger = CertificateAuthority.Create("Some other CA");
        using var certificate = stranger.IssueClient("politie-zwb", "Politie eenheid Zeeland-West-Brabant");
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, certificate);

        await AssertRefusedInHandshakeAsync(channel);
    }

    [Fact]
    public async Task An_expired_certificate_is_refused_in_the_TLS_handshake()
    {
        // Valid for one minute, starting when the (five-minute-old) test CA became valid: long expired now.
        using var certificate = exchange.Pki.Authority.IssueClient(
            "politie-zwb", "Politie eenheid Zeeland-West-Brabant", new DateTimeOffset(exchange.Pki.Ca.NotBefore.ToUniversalTime(), TimeSpan.Zero), TimeSpan.FromMinutes(1));
        Assert.True(certificate.NotAfter < DateTime.Now);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, certificate);

        await AssertRefusedInHandshakeAsync(channel);
    }

    [Fact]
    public async Task A_server_certificate_of_the_exchange_CA_cannot_stand_in_for_a_partner()
    {
        using var server = X509Certificate2.CreateFromPemFile(exchange.Pki.ServerCertificatePath, exchange.Pki.ServerKeyPath);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, server);

        await AssertRefusedInHandshakeAsync(channel);
    }

    [Fact]
    public async Task A_certificate_of_the_exchange_CA_for_an_organisation_that_is_not_a_partner_is_refused()
    {
        using var certificate = exchange.Pki.Authority.IssueClient("stichting-onbekend", "Stichting Onbekend");
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, certificate);
        var before = exchange.Backend.Count(Resolve);

        var outcome = await RawCalls.CallAsync(channel, Resolve, streaming: false);

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.UnknownOrganisation), (outcome.Code, outcome.Reason));
        Assert.Equal(before, exchange.Backend.Count(Resolve));
    }

    [Fact]
    public async Task A_revoked_certificate_is_refused_on_its_open_connection_and_on_every_new_one()
    {
        var tokens = exchange.Tokens(SecuredExchange.RevocableClient);
        using var open = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.RevocableCertificate, tokens);
        Assert.Equal(StatusCode.InvalidArgument, (await RawCalls.CallAsync(open, Resolve, streaming: false)).Code);

        exchange.Pki.Revoke(exchange.RevocableCertificate);
        var before = exchange.Backend.Count(Resolve);

        var onOpenConnection = await RawCalls.CallAsync(open, Resolve, streaming: false);
        using var fresh = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.RevocableCertificate, tokens);
        var onNewConnection = await RawCalls.CallAsync(fresh, Resolve, streaming: false);
        var newToken = await Record.ExceptionAsync(() => new PartnerTokenClient(
            exchange.Identity.Issuer, exchange.Pki.Ca, exchange.RevocableCertificate, SecuredExchange.RevocableClient).RequestAsync(TestContext.Current.CancellationToken));

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.CertificateRejected), (onOpenConnection.Code, onOpenConnection.Reason));
        Assert.True(onNewConnection.Code is StatusCode.Unavailable or StatusCode.Internal, onNewConnection.ToString());
        Assert.StartsWith("Error starting gRPC call", onNewConnection.Detail, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(newToken);
        Assert.Equal(before, exchange.Backend.Count(Resolve));
    }

    [Fact]
    public async Task A_call_without_an_access_token_is_unauthenticated()
    {
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(channel, new Metadata(), ReasonCodes.TokenMissing);
    }

    [Fact]
    public async Task A_token_that_is_not_a_token_is_unauthenticated()
    {
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(channel, Bearer("not-a-jwt"), ReasonCodes.TokenInvalid);
    }

    [Fact]
    public async Task Another_partners_token_replayed_with_my_certificate_is_unauthenticated()
    {
        var stolen = await exchange.Tokens("politie-zwb").GetAccessTokenAsync(TestContext.Current.CancellationToken);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(channel, Bearer(stolen), ReasonCodes.TokenNotBound);
    }

    [Fact]
    public async Task A_token_accepted_once_from_its_owner_is_still_refused_when_replayed_with_another_certificate()
    {
        // Validated tokens are remembered to spare every hop the signature check; the binding is checked on every call.
        var token = await exchange.Tokens("politie-zwb").RequestAsync(TestContext.Current.CancellationToken);
        using var owner = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("politie-zwb"));
        Assert.Equal(StatusCode.InvalidArgument, (await RawCalls.CallAsync(owner, Resolve, false, Bearer(token.AccessToken))).Code);
        using var thief = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(thief, Bearer(token.AccessToken), ReasonCodes.TokenNotBound);
    }

    [Fact]
    public async Task A_token_of_my_own_organisation_bound_to_another_of_its_certificates_is_unauthenticated()
    {
        var officers = await exchange.Tokens(SecuredExchange.PrivacyOfficerClient).GetAccessTokenAsync(TestContext.Current.CancellationToken);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(channel, Bearer(officers), ReasonCodes.TokenNotBound, "/ledger.v1.LedgerService/GetCheckpoint");
    }

    [Fact]
    public async Task A_token_signed_by_anyone_but_the_identity_service_is_unauthenticated()
    {
        var certificate = exchange.Pki.ClientCertificate("vt-mwb");
        using var key = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = exchange.Identity.Issuer.AbsoluteUri,
            Audience = ExchangeClaims.ApiAudience,
            TokenType = "at+jwt",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                [ExchangeClaims.Organisation] = "vt-mwb",
                [ExchangeClaims.Domain] = "veilig-thuis",
                [ExchangeClaims.ClientId] = "vt-mwb",
                [ExchangeClaims.Scope] = string.Join(' ', ExchangeScopes.All),
                [ExchangeClaims.Confirmation] = new Dictionary<string, object>
                {
                    [ExchangeClaims.CertificateThumbprint] = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256)),
                },
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "forged" }, SecurityAlgorithms.RsaSha256),
        });
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, certificate);

        await AssertRefusedAsync(channel, Bearer(forged), ReasonCodes.TokenInvalid);
    }

    [Fact]
    public async Task A_console_users_token_is_for_the_console_and_not_accepted_by_the_API()
    {
        using var login = new ConsoleLogin(exchange.Identity.Issuer, exchange.Pki.Ca);
        var response = await login.LoginAsync(
            SecuredExchange.ConsoleClient, SecuredExchange.ConsoleRedirect, "openid exchange.ledger.review", SecuredExchange.ConsoleUserName, exchange.ConsolePassword);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));

        await AssertRefusedAsync(channel, Bearer(response.GetProperty("access_token").GetString()!), ReasonCodes.TokenWrongAudience, "/ledger.v1.LedgerService/GetCheckpoint");
    }

    [Fact]
    public async Task An_expired_token_is_unauthenticated()
    {
        var tokens = exchange.Tokens(SecuredExchange.ShortLivedClient);
        var token = await tokens.RequestAsync(TestContext.Current.CancellationToken);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("politie-zwb"));
        Assert.Equal(StatusCode.InvalidArgument, (await RawCalls.CallAsync(channel, Resolve, false, Bearer(token.AccessToken))).Code);

        // Two seconds of lifetime, one second of tolerated clock skew.
        await Task.Delay(token.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(channel, Bearer(token.AccessToken), ReasonCodes.TokenExpired);
    }

    [Fact]
    public async Task Identity_headers_sent_by_a_partner_are_dropped_and_the_certificate_decides()
    {
        var police = exchange.Pki.ClientCertificate("politie-zwb");
        var spoofed = new Metadata
        {
            { ExchangeHeaders.Organisation, "politie-zwb" },
            { ExchangeHeaders.CertificateThumbprint, Convert.ToHexStringLower(police.GetCertHash(HashAlgorithmName.SHA256)) },
            { "x-exchange-role", "officier-van-justitie" },
        };
        var client = new Pseudonyms.PseudonymsClient(exchange.Channel("vt-mwb"));

        var resolved = await client.ResolveAsync(new ResolveRequest { Bsn = Bsn }, spoofed, cancellationToken: TestContext.Current.CancellationToken);

        var codec = new PseudonymCodec(exchange.PseudonymKey);
        Assert.Equal(codec.ToOrganisation(codec.FromBsn(Bsn), "vt-mwb"), resolved.Subject.Pseudonym);
        Assert.NotEqual(codec.ToOrganisation(codec.FromBsn(Bsn), "politie-zwb"), resolved.Subject.Pseudonym);
        Assert.DoesNotContain(exchange.Logs.Lines, line => line.Contains(Bsn, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oversized_message_is_refused_before_it_reaches_a_service()
    {
        var signals = new Signals.SignalsClient(exchange.Channel("vt-mwb"));
        // Counted for the path itself: what earlier tests published may still be fanning out between the services.
        const string Publish = "/exchange.v1.Signals/Publish";
        var before = exchange.Backend.Count(Publish);

        var refused = await Assert.ThrowsAsync<RpcException>(() => signals.PublishAsync(
            new PublishRequest { Signal = new Signal { IdempotencyKey = new string('x', 2 * 1024 * 1024) } },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal((StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge), (refused.StatusCode, RpcErrors.ReasonOf(refused)));
        Assert.Equal(before, exchange.Backend.Count(Publish));
    }

    [Fact]
    public async Task A_partner_over_its_rate_limit_is_told_to_slow_down_while_others_carry_on()
    {
        await using var gateway = await exchange.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitsPerSecond"] = "1",
            ["Gateway:RateLimit:Burst"] = "3",
        });
        using var vt = PartnerChannel.Create(gateway.Address, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), exchange.Tokens("vt-mwb"));
        using var police = PartnerChannel.Create(gateway.Address, exchange.Pki.Ca, exchange.Pki.ClientCertificate("politie-zwb"), exchange.Tokens("politie-zwb"));

        // Ten at once against a bucket of three (refilled one a second): some get through, the rest are refused.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RawCalls.CallAsync(vt, Resolve, streaming: false)));
        var other = await RawCalls.CallAsync(police, Resolve, streaming: false);

        Assert.Contains(outcomes, o => o.Code == StatusCode.InvalidArgument);
        Assert.Contains(outcomes, o => (o.Code, o.Reason) == (StatusCode.ResourceExhausted, ReasonCodes.RateLimited));
        Assert.Equal(StatusCode.InvalidArgument, other.Code);
    }

    [Fact]
    public async Task When_the_identity_services_keys_cannot_be_had_the_gateway_refuses_every_call_as_unavailable()
    {
        await using var gateway = await exchange.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Tokens:Issuer"] = $"https://127.0.0.1:{FreePorts.Next()}/",
        });
        using var channel = PartnerChannel.Create(gateway.Address, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), exchange.Tokens("vt-mwb"));
        var before = exchange.Backend.Count(Resolve);

        var outcome = await RawCalls.CallAsync(channel, Resolve, streaming: false);

        Assert.Equal((StatusCode.Unavailable, ReasonCodes.IdentityUnavailable), (outcome.Code, outcome.Reason));
        Assert.Equal(before, exchange.Backend.Count(Resolve));
    }

    /// <summary>
    /// A certificate the gateway will not accept ends the TLS handshake, and no call is made. What the gRPC
    /// client reports depends on when it notices: Unavailable when the handshake itself fails; with TLS 1.3
    /// the client may finish its side first and then find the connection closed before the HTTP/2 preface,
    /// which grpc-dotnet reports as Internal ("the server did not complete the HTTP/2 handshake"). Either
    /// way the call never started; the status carries no reason code because no server answered it.
    /// </summary>
    private async Task AssertRefusedInHandshakeAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        var before = exchange.Backend.Count(Resolve);

        var outcome = await RawCalls.CallAsync(channel, Resolve, streaming: false, Bearer(await exchange.Tokens("politie-zwb").GetAccessTokenAsync()));

        Assert.True(outcome.Code is StatusCode.Unavailable or StatusCode.Internal, outcome.ToString());
        Assert.StartsWith("Error starting gRPC call", outcome.Detail, StringComparison.Ordinal);
        Assert.Null(outcome.Reason);
        Assert.Equal(0, outcome.Messages);
        Assert.Equal(before, exchange.Backend.Count(Resolve));
    }

    private async Task AssertRefusedAsync(Grpc.Net.Client.GrpcChannel channel, Metadata headers, string reason, string rpc = Resolve)
    {
        var before = exchange.Backend.Count(rpc);

        var outcome = await RawCalls.CallAsync(channel, rpc, streaming: false, headers);

        Assert.Equal((StatusCode.Unauthenticated, reason), (outcome.Code, outcome.Reason));
        Assert.Equal(0, outcome.Messages);
        Assert.Equal(before, exchange.Backend.Count(rpc));
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}
