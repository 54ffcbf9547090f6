using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.V1;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Identity;
using Exchange.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Security.Tests.Gateway;

/// <summary>
/// Every way a call is refused, each sent with a real access token and identity headers a caller must not be
/// able to plant: no answer ever carries the token, those headers, a stack trace or an exception, in its
/// headers, body, trailers or status details. Each answer is a status with a reason code.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class NoSecretsInAnswersTests(SecuredExchange exchange)
{
    private const string Disclose = "/exchange.v1.Disclosures/Request";
    private const string Publish = "/exchange.v1.Signals/Publish";
    private const string Marker = "marker-that-must-not-come-back";

    public static TheoryData<string> Refusals() =>
    [
        "unknown organisation", "token bound to another certificate", "token that is no token", "scope missing", "domain not allowed",
        "holder not caller", "internal RPC", "unknown RPC", "unknown holder", "malformed holder", "repeated holder", "missing holder",
        "oversized with a content-length", "oversized after decompression", "undecodable message", "undecodable payload",
        "string over its bound", "connect protocol", "policy unavailable", "holder service down", "rate limited",
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task No_refusal_answers_with_the_token_a_planted_header_or_a_stack_trace(string refusal)
    {
        var vt = exchange.Pki.ClientCertificate("vt-mwb");
        var token = await TokenAsync("vt-mwb");
        var (gateway, certificate, path, body, headers, contentType, contentLength) = refusal switch
        {
            "unknown organisation" => (null, exchange.Pki.Authority.IssueClient("stichting-onbekend", "Stichting Onbekend"), Disclose, Message(new DisclosureRequest()), Holder("politie-zwb"), Grpc, false),
            "token bound to another certificate" => (null, vt, Disclose, Message(new DisclosureRequest()), Holder("politie-zwb"), Grpc, false),
            "token that is no token" => (null, vt, Disclose, Message(new DisclosureRequest()), Holder("politie-zwb"), Grpc, false),
            "scope missing" => (null, exchange.PrivacyOfficerCertificate, Disclose, Message(new DisclosureRequest()), Holder("politie-zwb"), Grpc, false),
            "domain not allowed" => (null, vt, "/police.v1.PoliceSignals/PublishIncident", Message(new Exchange.Contracts.Police.V1.PublishIncidentRequest()), [], Grpc, false),
            "holder not caller" => (null, vt, Publish, Message(new PublishRequest()), Holder("politie-zwb"), Grpc, false),
            "internal RPC" => (null, vt, "/policy.v1.PolicyService/Decide", RawHttp.Frame([]), [], Grpc, false),
            "unknown RPC" => (null, vt, "/exchange.v1.Secrets/Everything", RawHttp.Frame([]), [], Grpc, false),
            "unknown holder" => (null, vt, Disclose, Message(new DisclosureRequest()), Holder("politie-onbekend"), Grpc, false),
            "malformed holder" => (null, vt, Disclose, Message(new DisclosureRequest()), Holder("POLITIE-ZWB"), Grpc, false),
            "repeated holder" => (null, vt, Disclose, Message(new DisclosureRequest()), [.. Holder("politie-zwb"), .. Holder("rvdk-zuidwest")], Grpc, false),
            "missing holder" => (null, vt, Disclose, Message(new DisclosureRequest()), [], Grpc, false),
            "oversized with a content-length" => (null, vt, Publish, Message(Oversized()), [], Grpc, true),
            "oversized after decompression" => (null, vt, Publish, RawHttp.Frame(Oversized(), gzip: true), [("grpc-encoding", "gzip")], Grpc, false),
            "undecodable message" => (null, vt, Disclose, RawHttp.Frame([0xff, 0xff, 0xff]), Holder("politie-zwb"), Grpc, false),
            "undecodable payload" => (null, vt, Publish, Message(new PublishRequest { Signal = new Signal { Payload = new Any { TypeUrl = "type.googleapis.com/veiligthuis.v1.ShelterStay", Value = ByteString.CopyFrom(0xff, 0xff, 0xff) } } }), [], Grpc, false),
            "string over its bound" => (null, vt, Disclose, Message(new DisclosureRequest { Requester = new Actor { ProfessionalId = new string('x', 200_000) } }), Holder("politie-zwb"), Grpc, false),
            "connect protocol" => (null, vt, Publish, new byte[300], [("connect-protocol-version", "1")], "application/proto", true),
            "policy unavailable" => (null, vt, Disclose, Message(Answerable()), Holder("politie-zwb"), Grpc, false),
            "holder service down" => (await GatewayAsync(new() { [exchange.GatewayServiceAddressKey("politie-zwb")] = FreePorts.NextHttp().ToString() }), vt, Disclose, Message(Answerable()), Holder("politie-zwb"), Grpc, false),
            "rate limited" => (await GatewayAsync(new() { ["Gateway:RateLimit:PermitsPerSecond"] = "1", ["Gateway:RateLimit:Burst"] = "1" }), vt, "/exchange.v1.Pseudonyms/Resolve", Message(new ResolveRequest()), [], Grpc, false),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "no such refusal"),
        };
        token = refusal switch
        {
            "token bound to another certificate" => await TokenAsync("politie-zwb"),
            "token that is no token" => "eyJhbGciOiJub25lIn0." + Marker + ".forged",
            "scope missing" => await TokenAsync(SecuredExchange.PrivacyOfficerClient),
            _ => token,
        };
        var sent = new List<(string, string)>
        {
            ("authorization", "Bearer " + token),
            (ExchangeHeaders.Organisation, Marker),
            (ExchangeHeaders.CertificateThumbprint, Marker),
            ("exchange-debug", Marker),
        };
        sent.AddRange(headers);

        RawAnswer answer;
        try
        {
            answer = await RawHttp.PostAsync(gateway?.Address ?? exchange.GatewayAddress, exchange.Pki.Ca, certificate, path, body, sent, contentType, contentLength);
            if (refusal == "rate limited")
            {
                answer = await RawHttp.PostAsync(gateway!.Address, exchange.Pki.Ca, certificate, path, body, sent, contentType, contentLength);
            }
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
        }

        var everything = answer.Everything + "\n" + answer.Details;
        Assert.DoesNotContain(token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[^1], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", everything, StringComparison.Ordinal);
        if (contentType == Grpc)
        {
            Assert.NotEqual(0, answer.GrpcStatus ?? 0);
            Assert.False(string.IsNullOrEmpty(answer.Reason), $"{refusal}: {answer.Everything}");
        }
    }

    private const string Grpc = "application/grpc";

    private static byte[] Message(IMessage message) => RawHttp.Frame(message);

    private static (string, string)[] Holder(string holder) => [(ExchangeHeaders.Holder, holder)];

    private static PublishRequest Oversized() => new() { Signal = new Signal { IdempotencyKey = new string('x', 2 * 1024 * 1024) } };

    /// <summary>A disclosure request the police service accepts, so that it asks the (absent) policy service.</summary>
    private DisclosureRequest Answerable()
    {
        var codec = new Exchange.Disclosure.Pseudonyms.PseudonymCodec(exchange.PseudonymKey);
        return new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = codec.ToOrganisation(codec.FromBsn("123456782"), "vt-mwb") },
            Purpose = Purpose.SafetyAssessment,
            Categories = { DataCategory.Incident },
            Requester = new Actor { Role = "onderzoeker", ProfessionalId = "p-1" },
        };
    }

    private Task<string> TokenAsync(string client) => exchange.Tokens(client).GetAccessTokenAsync(TestContext.Current.CancellationToken);

    private async Task<RunningService?> GatewayAsync(Dictionary<string, string?> overrides) => await exchange.StartGatewayAsync(overrides);
}
