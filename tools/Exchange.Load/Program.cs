using System.CommandLine;
using System.Globalization;
using Exchange.Load;

// Drives the disclosure path of a local exchange through its gateway and reports throughput and latency.
var manifest = new Option<string>("--manifest") { Description = "The running exchange's local.json", DefaultValueFactory = _ => Path.Combine(".exchange", "local.json") };
var workers = new Option<int>("--workers") { Description = "Concurrent callers", DefaultValueFactory = _ => 16 };
var seconds = new Option<int>("--seconds") { Description = "How long to run (at most 120)", DefaultValueFactory = _ => 15 };
var people = new Option<int>("--people") { Description = "How many people the calls are about", DefaultValueFactory = _ => 40 };
var root = new RootCommand("exchange-load: pull disclosures through the gateway of a local exchange") { manifest, workers, seconds, people };
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new LoadOptions(parse.GetValue(manifest)!, parse.GetValue(workers), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(people));
    var problems = options.Validate().ToList();
    if (problems.Count > 0)
    {
        problems.ForEach(Console.Error.WriteLine);
        return 2;
    }

    var result = await new PullDisclosureLoad(options, Console.Out).RunAsync(cancellationToken);
    var outcomes = string.Join(", ", result.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {options.Workers} | {result.Calls} | {result.PerSecond:0} | {result.P50:0.0} | {result.P90:0.0} | {result.P99:0.0} | {result.Max:0.0} | {outcomes} |"));
    return result.Outcomes.Keys.All(k => k == Grpc.Core.StatusCode.OK) ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
