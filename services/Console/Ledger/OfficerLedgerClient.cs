using Exchange.Console.Hosting;
using Exchange.Contracts.Ledger.V1;
using Exchange.ServiceDefaults.Clients;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Ledger;

/// <summary>The one channel to the ledger's officers' service (an internal RPC: TLS with the console's own certificate).</summary>
public sealed class LedgerChannel(IOptions<ConsoleOptions> options, ServiceCredentials credentials) : IDisposable
{
    public ServiceCredentials Credentials => credentials;

    public GrpcChannel Channel { get; } = GrpcChannel.ForAddress(options.Value.LedgerAddress!, ChannelBackoff.Apply(new GrpcChannelOptions
    {
        HttpHandler = credentials.CreateHandler(),
        DisposeHttpClient = true,
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    }));

    public void Dispose() => Channel.Dispose();
}

/// <summary>
/// The ledger as the signed-in officer calls it: every call carries the officer's own access token, so
/// the ledger decides what this officer may see; the console adds nothing to that decision.
/// </summary>
public sealed class OfficerLedgerClient(LedgerChannel channel, IHttpContextAccessor accessor)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public OfficerService.OfficerServiceClient Service { get; } = new(channel.Channel);

    /// <summary>The call options of this request: the officer's bearer token, a deadline, the request's cancellation.</summary>
    public async Task<CallOptions> CallAsync()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("Only within a request.");
        var token = await context.GetTokenAsync("access_token");
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(token))
        {
            headers.Add("authorization", "Bearer " + token);
        }

        // The console's own token beside the officer's: the ledger serves officers only through the console.
        await channel.Credentials.AddTokenAsync(headers, context.RequestAborted);

        return new CallOptions(headers, DateTime.UtcNow + Deadline, context.RequestAborted);
    }

    /// <summary>Every page of a search, up to <paramref name="max"/> entries; each page is a recorded read.</summary>
    public async Task<(List<OfficerEntry> Entries, bool Truncated)> SearchAllAsync(SearchRequest request, int max)
    {
        var entries = new List<OfficerEntry>();
        var page = request.Clone();
        page.PageSize = 1000;
        while (true)
        {
            var response = await Service.SearchAsync(page, await CallAsync());
            entries.AddRange(response.Entries);
            if (response.NextPageToken.Length == 0)
            {
                return (entries, false);
            }

            if (entries.Count >= max)
            {
                return (entries, true);
            }

            page.PageToken = response.NextPageToken;
        }
    }
}
