using Exchange.Scenario.Story;

namespace Exchange.System.Tests.Scenario;

/// <summary>
/// `dotnet run --project deploy/Exchange.Local -- --demo`, the first thing README tells a newcomer to try: it starts the
/// exchange in a fresh folder, plays the story, prints its ledger, and exits 0 only when every step behaved.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_plays_every_step_of_the_scenario_telling_each_in_Dutch_and_English_prints_the_ledger_and_exits_0()
    {
        var (exitCode, output) = await LocalLauncher.RunToExitAsync(TimeSpan.FromMinutes(8), "--demo");

        Assert.True(exitCode == 0, $"the demo exited {exitCode}:{Environment.NewLine}{output}");
        Assert.All(LeoAndNora.Steps, step =>
        {
            Assert.Contains($"Stap {step.Number}: {step.Dutch}", output, StringComparison.Ordinal);
            Assert.Contains($"Step {step.Number}: {step.English}", output, StringComparison.Ordinal);
            Assert.Contains($"step {step.Number} behaved as the scenario says", output, StringComparison.Ordinal);
        });
        Assert.Contains("the story's ledger", output, StringComparison.Ordinal);
        Assert.Contains("| access report withholding |", output, StringComparison.Ordinal);
        Assert.Contains("All 12 steps behaved as the scenario says.", output, StringComparison.Ordinal);
    }
}
