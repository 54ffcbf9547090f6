using Exchange.Edge.Tests.Support;

namespace Exchange.Edge.Tests.Launcher;

/// <summary>
/// The launcher never leaves services behind and never mistakes another exchange for its own: started in the
/// background of a script it stops on SIGINT; a service that dies stops the rest with the reason; a second start
/// over a running one is refused (see <see cref="ParentProcessWatchTests"/> for a launcher killed outright).
/// </summary>
public sealed class LauncherLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_launcher_in_the_background_of_a_script_runs_production_settings_refuses_a_second_start_over_it_and_stops_every_service_on_SIGINT()
    {
        await using var launcher = await BackgroundLauncher.StartAsync();
        var manifest = launcher.Manifest;
        // Never the Development environment: no developer exception page can answer anyone.
        Assert.All(manifest.Processes.Keys, service =>
            Assert.Contains("Hosting environment: Production", ReadLog(Path.Combine(manifest.Logs, service + ".log")), StringComparison.Ordinal));
        var gatewayPort = new Uri(manifest.Gateway).Port;

        await using var sameFolder = await BackgroundLauncher.StartAsync(launcher.DataDirectory, waitUntilRunning: false);
        await using var samePorts = await BackgroundLauncher.StartAsync(basePort: gatewayPort, waitUntilRunning: false);

        Assert.Equal(1, await sameFolder.ExitCodeAsync(Patience));
        Assert.Contains("Another launcher is running the exchange", sameFolder.Output, StringComparison.Ordinal);
        Assert.Equal(1, await samePorts.ExitCodeAsync(Patience));
        Assert.Contains("is in use: another exchange (or another program) holds it", samePorts.Output, StringComparison.Ordinal);
        Assert.Equal(manifest.Processes.Count, BackgroundLauncher.LivingServices(manifest).Count);

        launcher.Signal("INT");

        Assert.Equal(0, await launcher.ExitCodeAsync(Patience));
        Assert.True(await BackgroundLauncher.ServicesGoneAsync(manifest, TimeSpan.FromSeconds(15)), string.Join(", ", BackgroundLauncher.LivingServices(manifest)));
    }

    [Fact]
    public async Task When_a_service_dies_the_launcher_says_which_and_why_and_stops_every_other_service()
    {
        await using var launcher = await BackgroundLauncher.StartAsync();
        var manifest = launcher.Manifest;

        BackgroundLauncher.Kill("KILL", manifest.Processes["index"]);

        Assert.Equal(1, await launcher.ExitCodeAsync(Patience));
        Assert.Contains("index stopped unexpectedly (killed by signal 9)", launcher.Output, StringComparison.Ordinal);
        Assert.True(await BackgroundLauncher.ServicesGoneAsync(manifest, TimeSpan.FromSeconds(15)), string.Join(", ", BackgroundLauncher.LivingServices(manifest)));
    }

    /// <summary>A service's log, read beside the launcher that is still writing it.</summary>
    private static string ReadLog(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }
}
