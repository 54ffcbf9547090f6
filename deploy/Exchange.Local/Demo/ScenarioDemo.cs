using System.Reflection;
using Exchange.Client.Local;
using Exchange.Scenario.Story;

namespace Exchange.Local.Demo;

/// <summary>
/// `--demo`: plays SCENARIO.md's story of Leo and Nora against the exchange the launcher just started, tells each step
/// in Dutch and English, prints the story's ledger, and answers 0 only when every step behaved as the scenario says.
/// </summary>
public static class ScenarioDemo
{
    public const int Failed = 3;

    /// <summary>A fresh data folder: the story starts from an empty exchange and leaves nothing behind.</summary>
    public static string FreshDataDirectory() => Directory.CreateTempSubdirectory("exchange-demo-").FullName;

    public static async Task<int> PlayAsync(LocalManifest manifest, string repositoryRoot, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var narration = new Narration(output);
        narration.Line();
        narration.Line("Het verhaal van Leo en Nora (SCENARIO.md), gespeeld via de gateway met de echte certificaten en tokens van de partners.");
        narration.Line("The story of Leo and Nora (SCENARIO.md), played through the gateway with the partners' real certificates and tokens.");
        await using var story = new LeoAndNora(manifest, narration, ExchangeCli(repositoryRoot));
        try
        {
            await story.PlayAsync(cancellationToken: cancellationToken);
        }
        catch (StepFailedException failure)
        {
            await error.WriteLineAsync($"Demo mislukt in stap {failure.Step.Number} / demo failed at step {failure.Step.Number}: {failure.Message}");
            await error.WriteLineAsync($"Logs: {manifest.Logs}");
            return Failed;
        }

        narration.Line();
        narration.Line("Het grootboek van het verhaal / the story's ledger:");
        StoryLedger.WriteTable(await story.LedgerAsync(cancellationToken), output);
        narration.Line();
        narration.Line($"Alle {LeoAndNora.Steps.Count} stappen verliepen zoals het scenario zegt. / All {LeoAndNora.Steps.Count} steps behaved as the scenario says.");
        return 0;
    }

    /// <summary>The `exchange` command built beside the launcher, in the same configuration.</summary>
    private static string ExchangeCli(string repositoryRoot)
    {
        var configuration = typeof(ScenarioDemo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        var path = Path.Combine(repositoryRoot, "tools", "Exchange.Cli", "bin", configuration, "net10.0", "exchange.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The exchange command is not built: {path}", path);
    }
}
