using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Officers;
using Exchange.Disclosure.Pseudonyms;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Ledger.Tests.Support;

/// <summary>A clock the test moves: review deadlines and follow-up times pass in a moment.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// Stands in for the token check in the service tests: the officer is named in a test header. The real
/// check (the officer's own token from the identity service) runs in the console's browser tests.
/// </summary>
internal sealed class HeaderOfficerAuthenticator : IOfficerAuthenticator
{
    public const string Header = "x-test-officer";

    public Task<Officer> AuthenticateAsync(ServerCallContext context)
    {
        var value = context.RequestHeaders.GetValue(Header) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "no test officer"));
        var parts = value.Split('|');
        return Task.FromResult(new Officer(parts[0], parts[1]));
    }
}

/// <summary>
/// The ledger as the policy host runs it (AddDisclosureLedger + MapDisclosureLedger, SQLite), in memory,
/// with a manual clock and a pseudonym key, called over gRPC as a given organisation's officer.
/// </summary>
internal sealed class OfficerHost : IAsyncDisposable
{
    private readonly TestLedger _test;
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private OfficerHost(TestLedger test, WebApplication app, GrpcChannel channel, ManualClock clock, PseudonymCodec codec)
    {
        _test = test;
        _app = app;
        _channel = channel;
        Clock = clock;
        Codec = codec;
    }

    public ManualClock Clock { get; }

    public PseudonymCodec Codec { get; }

    public IDisclosureLedger Ledger => _app.Services.GetRequiredService<IDisclosureLedger>();

    public static async Task<OfficerHost> StartAsync(CancellationToken cancellationToken)
    {
        var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var key = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = test.Options.SqlitePath,
            ["Ledger:SigningKeyPath"] = test.Options.SigningKeyPath,
            ["Ledger:Origin"] = "exchange.test/ledger",
            ["Pseudonyms:Key"] = Convert.ToBase64String(key),
        });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IOfficerAuthenticator, HeaderOfficerAuthenticator>();
        builder.Services.AddDisclosureLedger(builder.Configuration.GetSection("Ledger"));
        var app = builder.Build();
        app.MapDisclosureLedger();
        await app.StartAsync(cancellationToken);
        var channel = GrpcChannel.ForAddress(app.GetTestServer().BaseAddress, new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        return new OfficerHost(test, app, channel, clock, new PseudonymCodec(key));
    }

    /// <summary>The officers' service as the officer <paramref name="userId"/> of <paramref name="organisationId"/>.</summary>
    public OfficerService.OfficerServiceClient Officer(string organisationId, string userId = "fg-1") =>
        new(_channel.Intercept(metadata =>
        {
            metadata.Add(HeaderOfficerAuthenticator.Header, $"{organisationId}|{userId}");
            return metadata;
        }));

    /// <summary>The ledger API as the gateway forwards a privacy officers' system's call of <paramref name="organisationId"/>.</summary>
    public LedgerService.LedgerServiceClient ReviewerSystem(string organisationId) =>
        new(_channel.Intercept(metadata =>
        {
            metadata.Add("x-exchange-organisation", organisationId);
            return metadata;
        }));

    /// <summary>The ledger API as an exchange service calls Append on the internal network.</summary>
    public LedgerService.LedgerServiceClient Internal => new(_channel);

    /// <summary>Appends entries whose subjects are exchange pseudonyms, returning their sequences.</summary>
    public async Task<IReadOnlyList<ulong>> AppendAsync(params LedgerEntry[] entries) => await Ledger.AppendAsync(entries, CancellationToken.None);

    /// <summary>Every entry now in the ledger.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> AllAsync() =>
        [.. (await Ledger.ReadEntriesAsync(0, 10_000, CancellationToken.None)).Select(e => e.Entry)];

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _test.DisposeAsync();
    }
}
