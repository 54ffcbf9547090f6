namespace Exchange.Scenario.Story;

/// <summary>
/// Tells the story as it is played, for a newcomer watching the demo: per step who does what (Dutch, then English),
/// what the exchange decided and why, and whether the step behaved as the scenario says.
/// </summary>
public sealed class Narration(TextWriter output)
{
    public void Begin(StoryStep step)
    {
        output.WriteLine();
        output.WriteLine($"Stap {step.Number}: {step.Dutch}");
        output.WriteLine($"Step {step.Number}: {step.English}");
    }

    /// <summary>What happened, once in each language.</summary>
    public void Tell(string dutch, string english)
    {
        output.WriteLine($"  NL  {dutch}");
        output.WriteLine($"  EN  {english}");
    }

    public void Passed(StoryStep step) =>
        output.WriteLine($"  OK  stap {step.Number} verliep zoals het scenario zegt / step {step.Number} behaved as the scenario says");

    public void Failed(StepFailedException failure) =>
        output.WriteLine($"  FOUT / FAILED  {failure.Message}");

    public void Line(string text = "") => output.WriteLine(text);
}
