using System.Text;
using System.Text.Json;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;

namespace Exchange.Security.Tests.Gateway;

/// <summary>
/// What the gateway answers where a client nobody here wrote (buf curl, grpc-js, a Connect client) found it
/// answering badly: every answer is a gRPC status with a reason code, in the client's own protocol.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class GatewayAnswersTests(SecuredExchange exchange)
{
    private const string Disclose = "/exchange.v1.Disclosures/Request";
    private const string Publish = "/exchange.v1.Signals/Publish";

    [Theory]
    [InlineData("politie-zwb", "politie-zwb")]
    [InlineData("POLITIE-ZWB", null)]
    [InlineData("politie-zwb,rvdk-zuidwest", null)]
    [InlineData("politie zwb", null)]
    public async Task An_ambiguous_or_malformed_holder_is_invalid_argument_on_the_metadata_and_reaches_no_service(string first, string? second)
    {
        var headers = new Metadata { { ExchangeHeaders.Holder, first } };
        if (second is not null)
        {
            headers.Add(ExchangeHeaders.Holder, second);
        }

        var before = exchange.Backend.Total;

        var outcome = await RawCalls.CallAsync(exchange.Channel("vt-mwb"), Disclose, streaming: false, headers);

        Assert.Equal((StatusCode.InvalidArgument, ReasonCodes.InvalidArgument), (outcome.Code, outcome.Reason));
        Assert.Equal([ExchangeHeaders.Holder], outcome.Fields);
        Assert.Equal(before, exchange.Backend.Total);
    }

    [Fact]
    public async Task A_disclosure_request_that_names_no_holder_is_invalid_argument_and_never_goes_to_the_callers_own_service()
    {
        var before = exchange.Backend.Total;

        var outcome = await RawCalls.CallAsync(exchange.Channel("vt-mwb"), Disclose, streaming: false);

        Assert.Equal(StatusCode.InvalidArgument, outcome.Code);
        Assert.Equal([ExchangeHeaders.Holder], outcome.Fields);
        Assert.Equal(before, exchange.Backend.Total);
    }

    [Fact]
    public async Task A_holder_that_is_no_partner_is_not_found()
    {
        var outcome = await RawCalls.CallAsync(exchange.Channel("vt-mwb"), Disclose, streaming: false, PartnerChannel.Holder("politie-onbekend"));

        Assert.Equal((StatusCode.NotFound, ReasonCodes.UnknownHolder), (outcome.Code, outcome.Reason));
    }

    [Fact]
    public async Task A_domain_service_that_is_down_is_unavailable_with_a_reason_and_its_services_report_not_serving()
    {
        await using var gateway = await exchange.StartGatewayAsync(new Dictionary<string, string?>
        {
            // politie-zwb's domain service is somewhere nothing listens.
            [exchange.GatewayServiceAddressKey("politie-zwb")] = FreePorts.NextHttp().ToString(),
        });
        using var channel = PartnerChannel.Create(gateway.Address, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), exchange.Tokens("vt-mwb"));
        var health = new Health.HealthClient(channel);

        var outcome = await RawCalls.CallAsync(channel, Disclose, streaming: false, PartnerChannel.Holder("politie-zwb"));
        var disclosures = await health.CheckAsync(new HealthCheckRequest { Service = "exchange.v1.Disclosures" }, cancellationToken: TestContext.Current.CancellationToken);
        var pseudonyms = await health.CheckAsync(new HealthCheckRequest { Service = "exchange.v1.Pseudonyms" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((StatusCode.Unavailable, ReasonCodes.HolderUnavailable), (outcome.Code, outcome.Reason));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, disclosures.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, pseudonyms.Status);
    }

    [Fact]
    public async Task Health_reports_each_public_service_by_name_and_knows_no_internal_one()
    {
        var health = new Health.HealthClient(exchange.Channel("vt-mwb"));

        var disclosures = await health.CheckAsync(new HealthCheckRequest { Service = "exchange.v1.Disclosures" }, cancellationToken: TestContext.Current.CancellationToken);
        var internalOne = await Record.ExceptionAsync(() => health.CheckAsync(new HealthCheckRequest { Service = "index.v1.RoutingService" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, disclosures.Status);
        Assert.Equal(StatusCode.NotFound, Assert.IsType<RpcException>(internalOne).StatusCode);
    }

    [Fact]
    public async Task An_oversized_message_sent_with_a_content_length_is_resource_exhausted_not_http_413()
    {
        var body = RawHttp.Frame(new PublishRequest { Signal = new Signal { IdempotencyKey = new string('x', 2 * 1024 * 1024) } });
        var before = exchange.Backend.Total;

        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), Publish, body, await BearerAsync("vt-mwb"), sendContentLength: true);

        Assert.Equal((200, (int)StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge), (answer.HttpStatus, answer.GrpcStatus, answer.Reason));
        Assert.Equal(before, exchange.Backend.Total);
    }

    [Fact]
    public async Task A_gzip_compressed_message_is_measured_after_decompression()
    {
        var body = RawHttp.Frame(new PublishRequest { Signal = new Signal { IdempotencyKey = new string('x', 5 * 1024 * 1024) } }, gzip: true);
        Assert.True(body.Length < 64 * 1024, "five MiB of one letter compresses to little");
        var before = exchange.Backend.Total;

        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), Publish, body,
            [.. await BearerAsync("vt-mwb"), ("grpc-encoding", "gzip")]);

        Assert.Equal(((int)StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge), (answer.GrpcStatus, answer.Reason));
        Assert.Equal(before, exchange.Backend.Total);
    }

    [Fact]
    public async Task A_small_gzip_compressed_message_is_delivered_and_answered_by_the_service()
    {
        var body = RawHttp.Frame(new PublishRequest(), gzip: true);

        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), Publish, body,
            [.. await BearerAsync("vt-mwb"), ("grpc-encoding", "gzip")]);

        // The service decoded it: an empty publish names the missing signal.
        Assert.Equal(((int)StatusCode.InvalidArgument, "signal"), (answer.GrpcStatus, answer.Details!.GetDetail<BadRequest>()!.FieldViolations[0].Field));
    }

    [Fact]
    public async Task A_connect_protocol_request_is_answered_unimplemented_in_the_connect_error_format()
    {
        var body = Encoding.UTF8.GetBytes(new string('a', 300));

        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), Publish, body,
            [.. await BearerAsync("vt-mwb"), ("connect-protocol-version", "1")], contentType: "application/proto");

        using var error = JsonDocument.Parse(answer.Body);
        Assert.Equal(501, answer.HttpStatus);
        Assert.Equal("unimplemented", error.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(ReasonCodes.MessageTooLarge, answer.Everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grpc_web_request_is_answered_unimplemented_with_a_reason()
    {
        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), Publish, RawHttp.Frame(new PublishRequest()),
            await BearerAsync("vt-mwb"), contentType: "application/grpc-web+proto");

        Assert.Equal(((int)StatusCode.Unimplemented, ReasonCodes.ProtocolNotSupported), (answer.GrpcStatus, answer.Reason));
    }

    [Fact]
    public async Task A_status_message_is_escaped_only_where_the_grpc_spec_requires()
    {
        var answer = await RawHttp.PostAsync(
            exchange.GatewayAddress, exchange.Pki.Ca, exchange.PrivacyOfficerCertificate, Disclose, RawHttp.Frame(new DisclosureRequest()),
            await BearerAsync(SecuredExchange.PrivacyOfficerClient));

        Assert.Equal(ReasonCodes.ScopeMissing, answer.Reason);
        Assert.Contains("/exchange.v1.Disclosures/Request", answer.GrpcMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("%2F", answer.GrpcMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partner_over_its_rate_limit_is_told_when_to_retry()
    {
        await using var gateway = await exchange.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitsPerSecond"] = "1",
            ["Gateway:RateLimit:Burst"] = "1",
        });
        using var channel = PartnerChannel.Create(gateway.Address, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), exchange.Tokens("vt-mwb"));

        var outcomes = new List<CallOutcome>();
        for (var i = 0; i < 5 && !outcomes.Any(o => o.Reason == ReasonCodes.RateLimited); i++)
        {
            outcomes.Add(await RawCalls.CallAsync(channel, "/exchange.v1.Pseudonyms/Resolve", streaming: false));
        }

        var limited = Assert.Single(outcomes, o => o.Reason == ReasonCodes.RateLimited);
        var retry = limited.Status!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Forwarding_a_call_logs_no_warning_about_the_request_body_limit()
    {
        await RawCalls.CallAsync(exchange.Channel("vt-mwb"), "/exchange.v1.Pseudonyms/Resolve", streaming: false);
        await RawCalls.CallAsync(exchange.Channel("vt-mwb"), Disclose, streaming: false, PartnerChannel.Holder("politie-zwb"));

        Assert.Contains(exchange.Logs.Lines, l => l.Contains("Yarp", StringComparison.Ordinal));
        Assert.DoesNotContain(exchange.Logs.Lines, l => l.Contains("max request body size", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Reflection_lists_the_public_services_to_an_authenticated_partner_and_no_internal_one()
    {
        using var call = new ServerReflection.ServerReflectionClient(exchange.Channel("vt-mwb")).ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, TestContext.Current.CancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "index.v1.RoutingService" }, TestContext.Current.CancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "exchange.v1.Disclosures" }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        var answers = new List<ServerReflectionResponse>();
        while (await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            answers.Add(call.ResponseStream.Current);
        }

        Assert.Equal(
            ["childprotection.v1.ChildProtectionSignals", "exchange.v1.Assessments", "exchange.v1.Disclosures", "exchange.v1.HolderDecisions", "exchange.v1.Involvements",
             "exchange.v1.Pseudonyms", "exchange.v1.Signals", "ledger.v1.LedgerService", "police.v1.PoliceSignals",
             "socialteam.v1.SocialTeamSignals", "veiligthuis.v1.VeiligThuisSignals"],
            answers[0].ListServicesResponse.Service.Select(s => s.Name).Order());
        Assert.Equal((int)StatusCode.NotFound, answers[1].ErrorResponse.ErrorCode);
        Assert.NotEmpty(answers[2].FileDescriptorResponse.FileDescriptorProto);
    }

    [Fact]
    public async Task Reflection_is_refused_without_an_access_token()
    {
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"));
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, TestContext.Current.CancellationToken);
        }
        catch (Exception written) when (written is RpcException or InvalidOperationException)
        {
            // The gateway may refuse on the headers alone and end the call before the request is written; what the
            // caller is told is the status the call ended with, read below.
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.TokenMissing), (refused.StatusCode, RpcErrors.ReasonOf(refused)));
    }

    private async Task<(string, string)[]> BearerAsync(string client) =>
        [("authorization", "Bearer " + await exchange.Tokens(client).GetAccessTokenAsync(TestContext.Current.CancellationToken))];
}
