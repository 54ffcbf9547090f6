using System.Security.Cryptography;
using Exchange.Client;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Security.Tests.Services;

/// <summary>
/// A request the services cannot or may not take is INVALID_ARGUMENT naming the field, through the real gateway,
/// before anything is decided, stored or logged: the policy service here is absent, so a request that got as far
/// as a decision would be UNAVAILABLE instead.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class RequestValidationTests(SecuredExchange exchange)
{
    private const string Bsn = "123456782";

    [Fact]
    public async Task A_string_over_its_contract_bound_is_refused_on_its_field_and_never_logged()
    {
        var request = Disclosure("vt-mwb");
        request.Requester.ProfessionalId = "p" + new string('9', 900 * 1024);

        var outcome = await RawCalls.CallAsync(exchange.Channel("vt-mwb"), "/exchange.v1.Disclosures/Request", false, PartnerChannel.Holder("politie-zwb"), request.ToByteArray());

        Assert.Equal((StatusCode.InvalidArgument, ReasonCodes.InvalidArgument), (outcome.Code, outcome.Reason));
        Assert.Equal(["requester.professional_id"], outcome.Fields);
        Assert.DoesNotContain(exchange.Logs.Lines, l => l.Contains("p9999999999", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Payload_bytes_that_do_not_decode_are_invalid_argument_on_the_payload_value()
    {
        var signal = new Signal { Payload = new Any { TypeUrl = "type.googleapis.com/police.v1.RestrainingOrder", Value = ByteString.CopyFrom(0xff, 0xff, 0xff) } };

        var outcome = await RawCalls.CallAsync(exchange.Channel("politie-zwb"), "/exchange.v1.Signals/Publish", false, body: new PublishRequest { Signal = signal }.ToByteArray());

        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
        Assert.Equal(["signal.payload.value"], outcome.Fields);
    }

    [Theory]
    [InlineData(new byte[] { 0x2a, 0x0a, 0x01, 0x02 }, "requester")]
    [InlineData(new byte[] { 0x0a, 0x03, 0x0a, 0x05, 0x41 }, "subject.pseudonym")]
    [InlineData(new byte[] { 0xff, 0xff, 0xff }, "")]
    public async Task A_request_message_that_does_not_decode_is_invalid_argument_naming_where_it_breaks(byte[] message, string field)
    {
        var outcome = await RawCalls.CallAsync(exchange.Channel("vt-mwb"), "/exchange.v1.Disclosures/Request", false, PartnerChannel.Holder("politie-zwb"), message);

        Assert.Equal((StatusCode.InvalidArgument, ReasonCodes.InvalidArgument), (outcome.Code, outcome.Reason));
        Assert.Equal([field], outcome.Fields);
    }

    [Fact]
    public async Task A_person_in_a_typed_payload_that_is_not_the_publishers_pseudonym_is_refused_on_that_person()
    {
        var codec = new PseudonymCodec(exchange.PseudonymKey);
        var own = codec.ToOrganisation(codec.FromBsn(Bsn), "politie-zwb");
        var someoneElses = codec.ToOrganisation(codec.FromBsn(Bsn), "vt-mwb");
        var start = DateTimeOffset.UtcNow;
        var request = new PublishRestrainingOrderRequest
        {
            Header = new SignalHeader
            {
                Subjects = { new SubjectRef { Pseudonym = own } },
                Provenance = new Provenance { RecordedBy = new Actor { ProfessionalId = "agent-1" }, RecordedAt = Timestamp.FromDateTimeOffset(start) },
                OccurredAt = Timestamp.FromDateTimeOffset(start.AddHours(-1)),
            },
            Order = new RestrainingOrder
            {
                RestrainedPerson = new SubjectRef { Pseudonym = own },
                ProtectedPersons = { new SubjectRef { Pseudonym = own }, new SubjectRef { Pseudonym = someoneElses } },
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(start), End = Timestamp.FromDateTimeOffset(start.AddDays(10)) },
            },
        };

        var outcome = await RawCalls.CallAsync(exchange.Channel("politie-zwb"), "/police.v1.PoliceSignals/PublishRestrainingOrder", false, body: request.ToByteArray());

        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
        Assert.Equal(["order.protected_persons[1].pseudonym"], outcome.Fields);
        Assert.Contains("not a pseudonym of your organisation", outcome.Status!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ending_an_involvement_that_does_not_exist_is_not_found_with_its_own_reason()
    {
        var outcome = await RawCalls.CallAsync(
            exchange.Channel("vt-mwb"), "/exchange.v1.Involvements/End", false, body: new EndRequest { InvolvementId = Guid.NewGuid().ToString() }.ToByteArray());

        Assert.Equal((StatusCode.NotFound, ReasonCodes.InvolvementNotFound), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_service_called_directly_with_two_holders_refuses_them_too()
    {
        var token = await exchange.Tokens("vt-mwb").GetAccessTokenAsync(TestContext.Current.CancellationToken);
        var headers = new Metadata
        {
            { "authorization", "Bearer " + token },
            { ExchangeHeaders.Organisation, "vt-mwb" },
            { ExchangeHeaders.CertificateThumbprint, Convert.ToHexStringLower(exchange.Pki.ClientCertificate("vt-mwb").GetCertHash(HashAlgorithmName.SHA256)) },
            { ExchangeHeaders.Holder, "politie-zwb" },
            { ExchangeHeaders.Holder, "vt-mwb" },
        };
        using var police = Grpc.Net.Client.GrpcChannel.ForAddress(exchange.Nodes["politie-zwb"].Address);

        var outcome = await RawCalls.CallAsync(police, "/exchange.v1.Disclosures/Request", false, headers);

        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
        Assert.Equal([ExchangeHeaders.Holder], outcome.Fields);
    }

    private DisclosureRequest Disclosure(string organisation)
    {
        var codec = new PseudonymCodec(exchange.PseudonymKey);
        return new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = codec.ToOrganisation(codec.FromBsn(Bsn), organisation) },
            Purpose = Purpose.SafetyAssessment,
            Categories = { DataCategory.Incident },
            Requester = new Actor { Role = "onderzoeker", ProfessionalId = "p-1" },
        };
    }
}
