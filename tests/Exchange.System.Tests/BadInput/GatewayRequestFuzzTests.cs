using System.Collections.Concurrent;
using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.System.Tests.Faults;
using Exchange.System.Tests.Support;
using Exchange.Testing;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Exchange.System.Tests.BadInput;

/// <summary>
/// Random and hostile protobuf bytes as the request of every RPC the gateway exposes to partners, sent as partners'
/// systems send them (mutual TLS, a bound access token, through the gateway to the services behind) with a marshaller
/// that passes bytes as they are: valid requests mutated, random bytes, wrong wire types, unknown fields, length
/// prefixes far past the data, groups and messages nested thousands deep, messages just over the size limit. Every
/// answer must be a status a partner can act on, with its reason code, never INTERNAL or UNKNOWN, and never late;
/// afterwards the exchange serves as before. Bounded in time (12 s; EXCHANGE_FUZZ_SECONDS to run longer).
/// </summary>
public sealed class GatewayRequestFuzzTests(GatewayRequestFuzzTests.Exchange exchange) : IClassFixture<GatewayRequestFuzzTests.Exchange>
{
    private const int Workers = 4;

    /// <summary>Beyond this, an answer counts as a hang (the gateway's deadlines are shorter).</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    /// <summary>An open inbox stream that answered nothing by then is open, as it should be: the reader leaves.</summary>
    private static readonly TimeSpan StreamLooked = TimeSpan.FromSeconds(2);

    /// <summary>The gateway's refusals of a caller that may not call the method at all: the fuzzer then tries another caller.</summary>
    private static readonly HashSet<string> NotThisCaller =
        [ReasonCodes.ScopeMissing, ReasonCodes.DomainNotAllowed, ReasonCodes.HolderNotCaller, ReasonCodes.RpcNotExposed, ReasonCodes.UnknownHolder];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    private readonly ExchangeCluster _cluster = exchange.Cluster;
    private readonly FaultScenario _family = exchange.Family;

    [Fact]
    public async Task Any_bytes_as_the_request_of_any_public_method_get_a_status_with_a_reason_never_INTERNAL_or_UNKNOWN_nor_a_hang_and_the_exchange_serves_on()
    {
        var seed = Fuzz.Seed();
        var targets = await TargetsAsync();
        Assert.True(targets.Count >= 10, $"only {targets.Count} public methods were found");
        var findings = new ConcurrentQueue<string>();
        var answers = new ConcurrentDictionary<string, int>();
        var until = DateTime.UtcNow + Fuzz.BudgetOr(TimeSpan.FromSeconds(12));
        var tried = 0;

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed + worker);
            while (DateTime.UtcNow < until && findings.Count < 10)
            {
                var target = targets[random.Next(targets.Count)];
                var caller = target.Callers[random.Next(target.Callers.Count)];
                var input = Next(target, random);
                var n = Interlocked.Increment(ref tried);
                var answer = await CallAsync(target.Method, caller, input);
                answers.AddOrUpdate($"{answer.Code} {answer.Reason}", 1, (_, c) => c + 1);
                if (Problem(answer) is { } problem)
                {
                    var saved = Path.Combine(Path.GetTempPath(), $"exchange-fuzz-gateway-{seed}-{n}.bin");
                    await File.WriteAllBytesAsync(saved, input);
                    findings.Enqueue($"/{target.Method.Service.FullName}/{target.Method.Name} as {caller.ClientId}{(caller.Holder is null ? "" : " for " + caller.Holder)}: "
                        + $"{problem} (EXCHANGE_FUZZ_SEED={seed}, input saved as {saved}: {Fuzz.Describe(input)})");
                }
            }
        })));

        Assert.True(findings.IsEmpty, $"{findings.Count} findings in {tried} calls:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
        Assert.True(tried >= targets.Count, $"only {tried} calls were made");
        TestContext.Current.TestOutputHelper?.WriteLine($"{tried} calls, seed {seed}: {string.Join(", ", answers.OrderByDescending(a => a.Value).Select(a => $"{a.Key} ×{a.Value}"))}");

        // The gateway and the services behind it serve on: a permitted request and a publication go through.
        await _family.PullUntilServedAsync(FaultSettings.Patience);
        Assert.NotEmpty(await _family.PublishOrderAsync());
    }

    [Fact]
    public async Task A_request_just_over_the_size_limit_is_RESOURCE_EXHAUSTED_with_MESSAGE_TOO_LARGE_for_a_unary_a_streaming_and_a_typed_method()
    {
        string[] methods = ["exchange.v1.Disclosures.Request", "exchange.v1.Signals.Subscribe", "police.v1.PoliceSignals.PublishRestrainingOrder"];
        var targets = (await TargetsAsync()).Where(t => methods.Contains(t.Method.FullName)).ToList();
        Assert.Equal(methods.Length, targets.Count);
        foreach (var target in targets)
        {
            // An unknown bytes field (29999: a 3-byte tag, a 3-byte length) whose whole encoding is one byte over the limit.
            var input = ProtobufInputs.BytesField(29_999, ServiceDefaultsExtensions.MaxMessageBytes + 1 - 6);
            Assert.Equal(ServiceDefaultsExtensions.MaxMessageBytes + 1, input.Length);
            var answer = await CallAsync(target.Method, target.Callers[0], input);
            Assert.True(Problem(answer) is null, $"{target.Method.FullName}: {Problem(answer)}");
            Assert.True((answer.Code, answer.Reason) == (StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge),
                $"{target.Method.FullName} as {target.Callers[0]}: {answer.Code} {answer.Reason}: {answer.Detail}");
        }
    }

    /// <summary>What is wrong with an answer, or null: INTERNAL, UNKNOWN or another status no partner can act on, a refusal without its reason, an echoed credential, a hang.</summary>
    private static string? Problem(Answer answer)
    {
        if (answer.Elapsed > Hang || answer.Code is StatusCode.DeadlineExceeded)
        {
            return $"no answer within {answer.Elapsed.TotalSeconds:0} s ({answer.Code})";
        }

        if (answer.Code is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss or StatusCode.Cancelled)
        {
            return $"{answer.Code}: {answer.Detail}";
        }

        if (answer.Code is not StatusCode.OK && answer.Reason is null)
        {
            return $"{answer.Code} without a reason code: {answer.Detail}";
        }

        if (answer.Detail.Contains("Bearer", StringComparison.OrdinalIgnoreCase) || answer.Detail.Contains("eyJ", StringComparison.Ordinal)
            || answer.Detail.Contains("   at ", StringComparison.Ordinal))
        {
            return $"{answer.Code} echoes a credential or a stack trace";
        }

        return null;
    }

    /// <summary>
    /// Sends <paramref name="input"/> as the request of <paramref name="method"/> and returns the status it ended with and how
    /// long that took; a server stream still open after <see cref="StreamLooked"/> counts as OK.
    /// </summary>
    private async Task<Answer> CallAsync(MethodDescriptor method, Caller caller, byte[] input)
    {
        var invoker = _cluster.Channel(caller.ClientId).CreateCallInvoker();
        var started = DateTime.UtcNow;
        var options = new CallOptions(caller.Holder is null ? null : PartnerChannel.Holder(caller.Holder), started + Hang);
        try
        {
            if (method.IsServerStreaming)
            {
                using var look = new CancellationTokenSource(StreamLooked);
                using var call = invoker.AsyncServerStreamingCall(
                    new Method<byte[], byte[]>(MethodType.ServerStreaming, method.Service.FullName, method.Name, Raw, Raw), null, options.WithCancellationToken(look.Token), input);
                try
                {
                    while (await call.ResponseStream.MoveNext(look.Token))
                    {
                    }

                    return new Answer(call.GetStatus().StatusCode, null, call.GetStatus().Detail, DateTime.UtcNow - started);
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && look.IsCancellationRequested)
                {
                    return new Answer(StatusCode.OK, null, "open", DateTime.UtcNow - started);
                }
            }

            using var unary = invoker.AsyncUnaryCall(new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Raw, Raw), null, options, input);
            await unary.ResponseAsync;
            return new Answer(StatusCode.OK, null, string.Empty, DateTime.UtcNow - started);
        }
        catch (RpcException exception)
        {
            return new Answer(exception.StatusCode, RpcErrors.ReasonOf(exception), exception.Status.Detail, DateTime.UtcNow - started);
        }
    }

    private sealed record Answer(StatusCode Code, string? Reason, string Detail, TimeSpan Elapsed);

    public sealed record Caller(string ClientId, string? Holder);

    public sealed record Target(MethodDescriptor Method, IReadOnlyList<Caller> Callers, IReadOnlyList<byte[]> Samples);

    /// <summary>
    /// Every partner-exposed RPC the gateway routes, each with the callers the gateway lets through to it (tried with an
    /// empty request: a caller without the scope, domain or holder is refused before the service sees anything) and
    /// valid requests to mutate: empty, filled with values, and the family's own where one exists.
    /// </summary>
    private Task<IReadOnlyList<Target>> TargetsAsync() => exchange.Targets ??= FindTargetsAsync();

    private async Task<IReadOnlyList<Target>> FindTargetsAsync()
    {
        Caller[] callers =
        [
            new(DemoPartners.SocialTeam, null), new(DemoPartners.SocialTeam, DemoPartners.Police), new(DemoPartners.Police, null),
            new(DemoPartners.VeiligThuis, null), new(DemoPartners.ChildProtection, null), new(ExchangeCluster.LedgerReviewer, null),
        ];
        var own = new Dictionary<string, IMessage>(StringComparer.Ordinal)
        {
            ["exchange.v1.Disclosures.Request"] = _family.Pull(),
            ["police.v1.PoliceSignals.PublishRestrainingOrder"] = _family.OrderPublication(),
            ["exchange.v1.Signals.Subscribe"] = new SubscribeRequest(),
        };
        var targets = new List<Target>();
        foreach (var method in RpcPermissions.ContractMethods.Where(m => !m.IsClientStreaming && RpcPermissions.Find($"/{m.Service.FullName}/{m.Name}") is { Exposure: RpcExposure.Partner }))
        {
            var through = new List<Caller>();
            foreach (var caller in callers)
            {
                var answer = await CallAsync(method, caller, []);
                Assert.True(Problem(answer) is null, $"{method.FullName} with an empty request as {caller.ClientId}: {Problem(answer)}");
                // A caller the gateway turns away (no scope, wrong domain, no holder named) never reaches the service.
                var refused = (answer.Code is StatusCode.PermissionDenied && NotThisCaller.Contains(answer.Reason ?? string.Empty))
                    || (answer.Code is StatusCode.InvalidArgument && answer.Detail.Contains("exchange-holder", StringComparison.Ordinal));
                if (!refused)
                {
                    through.Add(caller);
                }
            }

            var random = new Random(method.FullName.Length);
            List<byte[]> samples = [[], .. Enumerable.Range(0, 3).Select(_ => ProtobufInputs.Fill(method.InputType, random).ToByteArray())];
            if (own.TryGetValue(method.FullName, out var real))
            {
                samples.Add(real.ToByteArray());
            }

            targets.Add(new Target(method, through.Count > 0 ? through : callers, samples));
        }

        return targets;
    }

    /// <summary>One in ten random bytes, three in ten hostile encodings of a valid request, the rest valid requests mutated.</summary>
    private static byte[] Next(Target target, Random random) => random.Next(10) switch
    {
        0 => Fuzz.Next(random, []),
        < 4 => ProtobufInputs.Hostile(target.Method.InputType, target.Samples[random.Next(target.Samples.Count)], random, ServiceDefaultsExtensions.MaxMessageBytes),
        _ => Fuzz.Next(random, target.Samples),
    };

    /// <summary>One exchange for both tests: starting one takes longer than fuzzing it.</summary>
    public sealed class Exchange : IAsyncLifetime
    {
        public ExchangeCluster Cluster { get; private set; } = null!;

        public FaultScenario Family { get; private set; } = null!;

        /// <summary>The methods and who can reach them, found once.</summary>
        public Task<IReadOnlyList<Target>>? Targets { get; set; }

        public async ValueTask InitializeAsync()
        {
            Cluster = await ExchangeCluster.StartAsync(new ClusterOptions { GatewaySettings = FaultSettings.NoRateLimit });
            Family = await FaultScenario.CreateAsync(Cluster);
        }

        public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
    }
}
