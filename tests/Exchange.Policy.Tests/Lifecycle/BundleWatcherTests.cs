using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Lifecycle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Lifecycle;

/// <summary>Hot reload on a real directory: edits arrive as file-system events, debounced into one reload.</summary>
public sealed class BundleWatcherTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    public BundleWatcherTests()
    {
        _dir.Write("bundle.yaml", TestBundle.Base);
        _dir.Write("rules/police.yaml", TestBundle.PoliceToVtRule);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_edited_bundle_that_validates_is_activated()
    {
        var engine = PolicyEngine.Start(_dir.Path);
        using var watcher = new BundleWatcher(engine, _dir.Path, TimeSpan.FromMilliseconds(100));
        var edited = TestBundle.PoliceToVtRule.Replace("[INCIDENT, SAFETY]", "[INCIDENT, SAFETY, MEASURE]", StringComparison.Ordinal);
        var expectedHash = BundleHasher.Hash([BundleFile.FromText("bundle.yaml", TestBundle.Base), BundleFile.FromText("rules/police.yaml", edited)]);
        var reloaded = NextActivation(watcher, a => a.Outcome == BundleActivationOutcome.Activated && a.BundleHash == expectedHash);
        watcher.Start();

        _dir.Write("rules/police.yaml", edited);
        await reloaded.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(expectedHash, engine.ActiveBundle.Hash);
        var decision = engine.Decide(Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Measure), Requests.PoliceToVt(), Requests.Now);
        Assert.Equal(Decision.Permit, decision.Decision);
    }

    [Fact]
    public async Task An_edit_that_breaks_the_bundle_is_rejected_and_reported_while_the_previous_bundle_decides()
    {
        var engine = PolicyEngine.Start(_dir.Path);
        var previous = engine.ActiveBundle;
        using var watcher = new BundleWatcher(engine, _dir.Path, TimeSpan.FromMilliseconds(100));
        var reloaded = NextActivation(watcher, a => a.Outcome == BundleActivationOutcome.Rejected && a.Errors.Any(e => e.Message.Contains("basis-zz", StringComparison.Ordinal)));
        watcher.Start();

        _dir.Write("rules/police.yaml", TestBundle.PoliceToVtRule.Replace("basis-a", "basis-zz", StringComparison.Ordinal));
        var activation = await reloaded.WaitAsync(Patience, TestContext.Current.CancellationToken);

        var error = Assert.Single(activation.Errors);
        Assert.Equal(BundleActivationOutcome.Rejected, activation.Outcome);
        Assert.EndsWith("rules/police.yaml", error.Location.File, StringComparison.Ordinal);
        Assert.Equal(6, error.Location.Line);
        Assert.Same(previous, engine.ActiveBundle);
    }

    [Fact]
    public void Reload_now_activates_without_waiting_for_events()
    {
        var engine = PolicyEngine.Start(_dir.Path);
        using var watcher = new BundleWatcher(engine, _dir.Path);
        _dir.Write("rules/extra.yaml", "hard_denials:\n  - {id: no-health, categories: [HEALTH]}\n");

        var activation = watcher.ReloadNow();

        Assert.Equal(BundleActivationOutcome.Activated, activation.Outcome);
        Assert.Equal(["no-health"], engine.ActiveBundle.HardDenials.Select(d => d.Id));
    }

    /// <summary>An editor's save may surface as several events; wait for the reload that saw the finished file.</summary>
    private static Task<BundleActivation> NextActivation(BundleWatcher watcher, Func<BundleActivation, bool> wanted)
    {
        var done = new TaskCompletionSource<BundleActivation>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += (_, activation) =>
        {
            if (wanted(activation))
            {
                done.TrySetResult(activation);
            }
        };
        return done.Task;
    }
}
