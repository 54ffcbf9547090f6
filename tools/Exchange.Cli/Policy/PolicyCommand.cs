using System.CommandLine;
using System.Globalization;
using Exchange.Policy.Engine.Analysis;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Testing;

namespace Exchange.Cli.Policy;

/// <summary>
/// <c>exchange policy test|check [DIR]</c>: run a bundle's own test cases, or analyse it for rules and categories
/// that cannot work; <c>exchange policy replay</c> is <see cref="PolicyReplayCommand"/>. Exit codes: 0 success, 1 a test failed or the analysis found something, 2 the bundle does not load.
/// </summary>
public static class PolicyCommand
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int BundleRejected = 2;

    public static Command Create()
    {
        var policy = new Command("policy", "Test, analyse and replay a policy bundle");
        policy.Subcommands.Add(TestCommand());
        policy.Subcommands.Add(CheckCommand());
        policy.Subcommands.Add(PolicyReplayCommand.Create());
        return policy;
    }

    /// <summary>Loads the bundle and runs its test cases; the last line is "N passed, N failed".</summary>
    public static int Test(string directory, TextWriter output)
    {
        if (Load(directory, output) is not { } bundle)
        {
            output.WriteLine("0 passed, 0 failed");
            return BundleRejected;
        }

        var report = BundleTestRunner.Run(bundle);
        foreach (var result in report.Results)
        {
            output.WriteLine($"{(result.Passed ? "ok  " : "FAIL")}  {result.Case.Name}");
            foreach (var failure in result.Failures)
            {
                output.WriteLine($"      {result.Case.Location}: {failure}");
            }
        }

        output.WriteLine(report.Summary);
        return report.AllPassed ? Success : Failed;
    }

    /// <summary>Loads the bundle and reports what the analysis finds, as of <paramref name="now"/>.</summary>
    public static int Check(string directory, DateTimeOffset now, TextWriter output)
    {
        if (Load(directory, output) is not { } bundle)
        {
            return BundleRejected;
        }

        var findings = BundleAnalyzer.Analyze(bundle, now);
        foreach (var finding in findings)
        {
            output.WriteLine(finding);
        }

        output.WriteLine($"{bundle.Rules.Count} rules, {bundle.HardDenials.Count} hard denials, {bundle.LegalBases.Count} legal bases checked: {findings.Count} findings");
        return findings.Count == 0 ? Success : Failed;
    }

    private static Command TestCommand()
    {
        var directory = DirectoryArgument();
        var command = new Command("test", "Run the bundle's own test cases") { directory };
        command.SetAction(result => Test(result.GetValue(directory)!, result.InvocationConfiguration.Output));
        return command;
    }

    private static Command CheckCommand()
    {
        var directory = DirectoryArgument();
        var at = new Option<string?>("--at")
        {
            Description = "Analyse as of this moment (ISO 8601) instead of now, e.g. to see which agreements will have ended",
        };
        var command = new Command("check", "Report rules that can never fire, rules shadowed by hard denials, categories no purpose releases, unused legal bases")
        {
            directory,
            at,
        };
        command.SetAction(result =>
        {
            var now = result.GetValue(at) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : DateTimeOffset.UtcNow;
            return Check(result.GetValue(directory)!, now, result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static Argument<string> DirectoryArgument() => new("DIR")
    {
        Description = "The bundle directory",
        DefaultValueFactory = _ => "policies",
    };

    private static CompiledBundle? Load(string directory, TextWriter output)
    {
        if (!Directory.Exists(directory))
        {
            output.WriteLine($"{directory}: no such directory");
            return null;
        }

        var loaded = BundleLoader.Load(directory);
        if (loaded.Bundle is not { } bundle)
        {
            foreach (var error in loaded.Errors)
            {
                output.WriteLine(error);
            }

            output.WriteLine($"bundle rejected: {loaded.Errors.Count} errors");
            return null;
        }

        output.WriteLine($"bundle {bundle.Id} {bundle.Version} sha256:{bundle.Hash}");
        return bundle;
    }
}
