namespace Exchange.Scenario.Story;

/// <summary>One step of SCENARIO.md: its number and what happens, in Dutch and in English.</summary>
public sealed record StoryStep(int Number, string Dutch, string English);

/// <summary>A step did not behave as the scenario says; the message says what happened instead.</summary>
public sealed class StepFailedException(StoryStep step, string message, Exception? inner = null)
    : Exception($"Step {step.Number} ({step.English}): {message}", inner)
{
    public StoryStep Step { get; } = step;
}
