using System.Diagnostics;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Security.Tests.Streams;

/// <summary>
/// An open inbox stream is held to the same credentials as a new call: it ends with UNAUTHENTICATED and the
/// reason as soon as its certificate is revoked or its token expires, instead of delivering on.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class StreamRevocationTests(SecuredExchange exchange)
{
    private const string Subscribe = "/exchange.v1.Signals/Subscribe";

    [Fact]
    public async Task A_revoked_partners_open_inbox_stream_ends_within_five_seconds_of_the_CRL_reload()
    {
        var tokens = exchange.Tokens(SecuredExchange.StreamingClient);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.StreamingCertificate, tokens);
        var before = exchange.Backend.Count(Subscribe);
        using var call = new Signals.SignalsClient(channel).Subscribe(new SubscribeRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var reading = ReadToEndAsync(call);
        await WaitUntilAsync(() => exchange.Backend.Count(Subscribe) > before);
        Assert.False(reading.IsCompleted, "the stream should be open");

        exchange.Pki.Revoke(exchange.StreamingCertificate);
        var revoked = Stopwatch.StartNew();
        var ended = await reading.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        revoked.Stop();

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.CertificateRejected), (ended.StatusCode, RpcErrors.ReasonOf(ended)));
        Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(5), $"the stream ended {revoked.Elapsed.TotalSeconds:0.0} s after the revocation");
    }

    [Fact]
    public async Task An_open_inbox_stream_ends_when_its_access_token_expires()
    {
        // Two seconds of lifetime; the exchange tolerates one second of clock skew.
        var token = await exchange.Tokens(SecuredExchange.ShortLivedClient).RequestAsync(TestContext.Current.CancellationToken);
        using var channel = PartnerChannel.Create(exchange.GatewayAddress, exchange.Pki.Ca, exchange.Pki.ClientCertificate("politie-zwb"));
        var headers = new Metadata { { "authorization", "Bearer " + token.AccessToken } };
        using var call = new Signals.SignalsClient(channel).Subscribe(new SubscribeRequest(), headers, cancellationToken: TestContext.Current.CancellationToken);

        var ended = await ReadToEndAsync(call).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var at = DateTimeOffset.UtcNow;

        Assert.Equal((StatusCode.Unauthenticated, ReasonCodes.TokenExpired), (ended.StatusCode, RpcErrors.ReasonOf(ended)));
        Assert.InRange(at, token.ExpiresAt, token.ExpiresAt + TimeSpan.FromSeconds(6));
    }

    /// <summary>Reads the stream to its end and returns the status it ended with.</summary>
    private static async Task<RpcException> ReadToEndAsync(AsyncServerStreamingCall<SubscribeResponse> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }

            return new RpcException(call.GetStatus());
        }
        catch (RpcException exception)
        {
            return exception;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream did not reach the service");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
