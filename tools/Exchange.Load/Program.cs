using System.CommandLine;
using Exchange.Load;

// Measures a running local exchange: four baselines side by side (a trivial RPC direct and through the gateway,
// the full pull disclosure, a signal fanned out to three inboxes) with their ratios.
var manifest = new Option<string>("--manifest") { Description = "The running exchange's local.json", DefaultValueFactory = _ => Path.Combine(".exchange", "local.json") };
var workers = new Option<int>("--workers") { Description = "Concurrent callers", DefaultValueFactory = _ => 16 };
var seconds = new Option<int>("--seconds") { Description = "How long each of the four measurements runs (at most 120)", DefaultValueFactory = _ => 15 };
var people = new Option<int>("--people") { Description = "How many people the calls are about", DefaultValueFactory = _ => 40 };
var output = new Option<string>("--output") { Description = "text (a table) or json", DefaultValueFactory = _ => "text" };
output.AcceptOnlyFromAmong("text", "json");
var only = new Option<string>("--only") { Description = "Some of the measurements, e.g. c,d (for a profile); all four by default", DefaultValueFactory = _ => "a,b,c,d" };
var root = new RootCommand("exchange-load: the speed of a local exchange, four baselines in one run") { manifest, workers, seconds, people, output, only };
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new LoadOptions(parse.GetValue(manifest)!, parse.GetValue(workers), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(people));
    var problems = options.Validate().ToList();
    if (problems.Count > 0)
    {
        problems.ForEach(Console.Error.WriteLine);
        return 2;
    }

    var json = parse.GetValue(output) == "json";
    var measurements = parse.GetValue(only)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    if (measurements.Count == 0 || !measurements.IsSubsetOf(["a", "b", "c", "d"]))
    {
        Console.Error.WriteLine("--only takes some of a, b, c and d, separated by commas.");
        return 2;
    }

    // Progress goes to stderr when stdout carries JSON, so that stdout parses.
    var report = await new Baselines(options, json ? Console.Error : Console.Out) { Only = measurements }.RunAsync(cancellationToken);
    Console.Out.Write(json ? report.ToJson() + Environment.NewLine : report.ToText());
    return report.AllSucceeded ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
