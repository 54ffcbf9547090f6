using System.CommandLine;
using Exchange.Load;

// Measures a running local exchange: four baselines side by side (a trivial RPC direct and through the gateway,
// the full pull disclosure, a signal fanned out to three inboxes) with their ratios.
var manifest = new Option<string>("--manifest") { Recursive = true, Description = "The running exchange's local.json", DefaultValueFactory = _ => Path.Combine(".exchange", "local.json") };
var workers = new Option<int>("--workers") { Recursive = true, Description = "Concurrent callers", DefaultValueFactory = _ => 16 };
var seconds = new Option<int>("--seconds") { Description = "How long each of the four measurements runs (at most 120)", DefaultValueFactory = _ => 15 };
var people = new Option<int>("--people") { Recursive = true, Description = "How many people the calls are about", DefaultValueFactory = _ => 40 };
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

// soak: a steady mixed load for minutes, every process of the launcher sampled per interval (not in CI).
var minutes = new Option<double?>("--minutes") { Description = $"How long to run, in minutes (at most {SoakOptions.MaxLength.TotalMinutes:0})" };
var soakSeconds = new Option<int?>("--seconds") { Description = "How long to run, in seconds, instead of --minutes (for a short check)" };
var interval = new Option<int>("--interval") { Description = "Seconds between samples (each a measurement of its own)", DefaultValueFactory = _ => 30 };
var soak = new Command("soak", "A steady mixed load (pulls and publishes) for minutes; memory, descriptors, threads and CPU of every process and latency per interval, and a summary")
{
    minutes, soakSeconds, interval,
};
soak.SetAction(async (parse, cancellationToken) =>
{
    if (parse.GetValue(minutes) is null == parse.GetValue(soakSeconds) is null)
    {
        Console.Error.WriteLine("soak needs --minutes or --seconds (one of them).");
        return 2;
    }

    var length = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : TimeSpan.FromSeconds(parse.GetValue(soakSeconds)!.Value);
    var options = new SoakOptions(
        new LoadOptions(parse.GetValue(manifest)!, parse.GetValue(workers), TimeSpan.FromSeconds(parse.GetValue(interval)), parse.GetValue(people)),
        length,
        TimeSpan.FromSeconds(parse.GetValue(interval)));
    var problems = options.Validate().ToList();
    if (problems.Count > 0)
    {
        problems.ForEach(Console.Error.WriteLine);
        return 2;
    }

    var report = await new Soak(options, Console.Out).RunAsync(cancellationToken);
    Console.Out.WriteLine();
    Console.Out.Write(report.Summary());
    return report.AllSucceeded ? 0 : 1;
});
root.Subcommands.Add(soak);
return await root.Parse(args).InvokeAsync();
